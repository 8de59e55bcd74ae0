"""Group commit: concurrent inbound texts share a transaction; each gets its own answer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from consent.model import Status
from consent.records import InboundSms
from consent.services import queries
from consent.services.context import Desk
from consent.services.inbound import handle_inbound_many
from consent.services.inbound_text import ArrivedText
from webhooks.group_commit import GroupCommit


def test_requests_arriving_during_a_write_join_the_next_batch() -> None:
    batches: list[list[int]] = []
    gate = threading.Event()

    def write_many(items: Sequence[int]) -> list[int | Exception]:
        if not batches:
            gate.wait(5)  # hold the first write while the others arrive
        batches.append(list(items))
        return [i * 10 for i in items]

    async def main() -> list[int]:
        writer: GroupCommit[int, int] = GroupCommit(write_many)
        first = asyncio.create_task(writer.submit(1))
        await asyncio.sleep(0.05)
        rest = [asyncio.create_task(writer.submit(i)) for i in range(2, 6)]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(first, *rest)

    assert asyncio.run(main()) == [10, 20, 30, 40, 50]
    assert batches == [[1], [2, 3, 4, 5]]


def _held_first_write(batches: list[list[int]], gate: threading.Event) -> GroupCommit[int, int]:
    def write_many(items: Sequence[int]) -> list[int | Exception]:
        if not batches:
            gate.wait(5)  # hold the first write while others arrive
        batches.append(list(items))
        return list(items)

    return GroupCommit(write_many)


def test_after_a_batch_the_next_waits_for_as_many_instead_of_writing_a_straggler_alone() -> None:
    batches: list[list[int]] = []
    gate = threading.Event()

    async def main() -> None:
        writer = _held_first_write(batches, gate)
        first = [asyncio.create_task(writer.submit(i)) for i in range(4)]
        await asyncio.sleep(0.05)
        straggler = asyncio.create_task(writer.submit(4))  # arrives during the write
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*first)  # answered: those four clients come back
        back = [asyncio.create_task(writer.submit(i)) for i in range(5, 8)]
        await asyncio.gather(straggler, *back)

    asyncio.run(main())
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_a_straggler_nobody_joins_is_written_after_a_short_wait() -> None:
    batches: list[list[int]] = []
    gate = threading.Event()

    async def main() -> int:
        writer = _held_first_write(batches, gate)
        first = [asyncio.create_task(writer.submit(i)) for i in range(4)]
        await asyncio.sleep(0.05)
        straggler = asyncio.create_task(writer.submit(4))
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*first)
        return await straggler

    assert asyncio.run(main()) == 4
    assert batches == [[0, 1, 2, 3], [4]]


def test_an_error_reaches_only_its_own_request() -> None:
    def write_many(items: Sequence[int]) -> list[int | Exception]:
        return [ValueError("bad") if i == 2 else i for i in items]

    async def main() -> list[int | BaseException]:
        writer: GroupCommit[int, int] = GroupCommit(write_many)
        return await asyncio.gather(*(writer.submit(i) for i in (1, 2, 3)), return_exceptions=True)

    one, two, three = asyncio.run(main())
    assert (one, three) == (1, 3) and isinstance(two, ValueError)


def test_a_failing_writer_fails_every_request_of_its_batch() -> None:
    def write_many(items: Sequence[int]) -> list[int | Exception]:
        raise RuntimeError("database is down")

    async def main() -> list[int | BaseException]:
        writer: GroupCommit[int, int] = GroupCommit(write_many)
        return await asyncio.gather(*(writer.submit(i) for i in (1, 2)), return_exceptions=True)

    assert all(isinstance(r, RuntimeError) for r in asyncio.run(main()))


def _stop(sid: str, from_: str) -> InboundSms:
    return InboundSms(sid="SM" + sid * 32, from_=from_, to="+15005550006", body="STOP")


def test_one_batch_records_each_text_once_even_a_repeated_sid(desk: Desk) -> None:
    batch = [_stop("a", "+14155550100"), _stop("b", "+14155550101"), _stop("a", "+14155550100")]
    first, second, repeat = handle_inbound_many(desk, batch)
    assert not isinstance(first, Exception) and not first.duplicate
    assert not isinstance(second, Exception) and not second.duplicate
    assert not isinstance(repeat, Exception) and repeat.duplicate
    assert queries.verify_ledger(desk).count == 2
    assert queries.counts(desk).by_status[Status.OPTED_OUT] == 2


def test_a_batch_that_fails_is_retried_text_by_text(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consent.services import inbound

    real = inbound.handle_text

    def flaky(desk: Desk, uow: object, text: ArrivedText, number: object) -> object:
        if text.sms.from_ == "+14155550199":
            raise RuntimeError("this text breaks")
        return real(desk, uow, text, number)  # type: ignore[arg-type]

    monkeypatch.setattr(inbound, "handle_text", flaky)
    ok, bad = handle_inbound_many(desk, [_stop("c", "+14155550102"), _stop("d", "+14155550199")])
    assert not isinstance(ok, Exception) and isinstance(bad, RuntimeError)
    assert queries.verify_ledger(desk).count == 1


def test_a_group_of_stops_from_new_numbers_writes_each_table_once(
    desk: Desk, migrated_engine: Engine
) -> None:
    """Every table the group writes takes one statement for all its rows (on SQLite the
    queued ones are one executemany; on PostgreSQL none runs row by row, where each
    statement would run phone_number's triggers again), and each new number is written
    once, with the status its STOP gave it."""
    postgres = migrated_engine.dialect.name == "postgresql"
    writes: list[tuple[str, bool]] = []

    def seen(_c: object, _cur: object, statement: str, _p: object, _x: object, many: bool) -> None:
        words = statement.split()
        if words[0] in ("INSERT", "UPDATE"):
            writes.append((words[2] if words[0] == "INSERT" else words[1], many and postgres))

    batch = [_stop(str(i), f"+1415555{i:04d}") for i in range(16)]
    event.listen(migrated_engine, "before_cursor_execute", seen)
    try:
        results = handle_inbound_many(desk, batch)
    finally:
        event.remove(migrated_engine, "before_cursor_execute", seen)
    assert not any(isinstance(r, Exception) for r in results)
    assert sorted(writes) == sorted(
        (table, False)
        for table in (
            "idempotency_key",
            "contact",
            "consent_event",
            "phone_number",
            "ledger_head",
            "message",
            "outbox",
        )
    )
    assert queries.counts(desk).by_status[Status.OPTED_OUT] == 16
    assert queries.verify_ledger(desk).count == 16
