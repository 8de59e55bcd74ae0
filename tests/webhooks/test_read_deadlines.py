"""A body read that stalls fails with 408; one that returns is never cancelled later."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message

from webhooks.limits import BodyTooSlow, ReadDeadlines

IDLE = 0.08


async def never() -> Message:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def at_once() -> Message:
    return {"type": "http.request", "body": b"x", "more_body": False}


def test_a_read_that_stalls_fails_as_too_slow() -> None:
    async def main() -> None:
        await ReadDeadlines(IDLE).read(never)

    with pytest.raises(BodyTooSlow):
        asyncio.run(main())


def test_reads_that_return_are_never_cancelled_afterwards() -> None:
    async def main() -> int:
        deadlines = ReadDeadlines(IDLE)
        stalled = asyncio.create_task(deadlines.read(never))  # keeps the timer running
        for _ in range(3):
            assert (await deadlines.read(at_once))["body"] == b"x"
            await asyncio.sleep(IDLE * 2)  # long past that read's deadline: not cancelled
        with pytest.raises(BodyTooSlow):
            await stalled
        return 3

    assert asyncio.run(main()) == 3


def test_a_cancel_from_elsewhere_stays_a_cancel() -> None:
    async def main() -> None:
        read = asyncio.create_task(ReadDeadlines(60).read(never))
        await asyncio.sleep(0)
        read.cancel()
        await read

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())


def test_several_stalled_reads_each_fail_and_others_go_on() -> None:
    async def main() -> list[object]:
        deadlines = ReadDeadlines(IDLE)
        stalled = [asyncio.create_task(deadlines.read(never)) for _ in range(3)]
        fine = await deadlines.read(at_once)
        return [fine, *await asyncio.gather(*stalled, return_exceptions=True)]

    fine, *stalled = asyncio.run(main())
    assert fine == {"type": "http.request", "body": b"x", "more_body": False}
    assert all(isinstance(outcome, BodyTooSlow) for outcome in stalled)
