"""How `optdesk serve` sets up its process (the perimeter's live checks: test_perimeter.py)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from typing import cast

import pytest

from optdesk.limits import GIL_SWITCH_S, hand_off_quickly
from optdesk.one_write import CONTINUE, MAX_HELD, OneWrite


@pytest.fixture
def switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("switch_interval")
def test_the_database_thread_gets_the_interpreter_back_within_a_millisecond() -> None:
    """The group-commit thread waits for the GIL after every database round trip; with
    Python's 5 ms default each wait could take 5 ms while the event loop is busy."""
    hand_off_quickly()
    assert sys.getswitchinterval() == GIL_SWITCH_S <= 0.001


class Recording:
    """A transport that keeps each write (and whether it was closed)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def _one_write(transport: Recording, loop: asyncio.AbstractEventLoop) -> OneWrite:
    return OneWrite(cast(asyncio.Transport, transport), loop)


def test_an_answers_head_and_body_leave_in_one_write() -> None:
    async def main() -> Recording:
        transport = Recording()
        out = _one_write(transport, asyncio.get_running_loop())
        out.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        out.write(b"ok")
        assert transport.writes == []  # held until this turn of the loop ends
        await asyncio.sleep(0)
        out.write(b"HTTP/1.1 200 OK\r\n\r\n")  # the next answer on the connection
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(main())
    assert transport.writes == [
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\n\r\n",
    ]


def test_what_cannot_wait_is_written_at_once_and_in_order() -> None:
    async def main() -> Recording:
        transport = Recording()
        out = _one_write(transport, asyncio.get_running_loop())
        out.write(CONTINUE)  # the client waits for it before sending its body
        assert transport.writes == [CONTINUE]
        out.write(b"a" * 10)
        out.write(b"b" * MAX_HELD)  # too much to hold
        assert transport.writes == [CONTINUE, b"a" * 10 + b"b" * MAX_HELD]
        out.write(b"last")
        out.close()  # what is held goes first
        assert transport.writes[-1] == b"last" and transport.closed
        assert out.is_closing() and out.get_extra_info("peername") == "info peername"
        return transport

    asyncio.run(main())


def test_what_is_held_when_the_connection_is_lost_is_dropped() -> None:
    async def main() -> Recording:
        transport = Recording()
        out = _one_write(transport, asyncio.get_running_loop())
        out.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.closed = True  # lost before the end of this turn
        await asyncio.sleep(0)
        return transport

    assert asyncio.run(main()).writes == []
