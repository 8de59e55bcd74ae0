"""The outbox leases due rows to one worker at a time and settles them."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.records import OutboxItem, OutboxKind
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0

LEASE = timedelta(minutes=5)


def _add(factory: SqlUnitOfWorkFactory, n: int, due_offset: timedelta = timedelta(0)) -> None:
    with factory() as uow:
        for i in range(n):
            uow.outbox.add(OutboxKind.SLACK, {"n": i, "text": "héllo"}, T0 + due_offset)
        uow.commit()


def _claim(
    factory: SqlUnitOfWorkFactory, limit: int = 10, at: timedelta = timedelta(0)
) -> list[OutboxItem]:
    with factory() as uow:
        items = uow.outbox.claim_due(T0 + at, limit, T0 + at + LEASE)
        uow.commit()
    return items


def test_only_due_rows_are_claimed_in_due_order(uow_factory: SqlUnitOfWorkFactory) -> None:
    _add(uow_factory, 1, timedelta(minutes=1))
    _add(uow_factory, 2)
    items = _claim(uow_factory)
    assert [item.payload["n"] for item in items] == [0, 1]
    assert all(item.kind is OutboxKind.SLACK and item.attempts == 1 for item in items)
    assert _claim(uow_factory) == []  # leased now
    assert [i.payload for i in _claim(uow_factory, at=timedelta(minutes=1))] == [
        {"n": 0, "text": "héllo"}
    ]


def test_a_lapsed_lease_is_claimed_again_with_one_more_attempt(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _add(uow_factory, 1)
    [first] = _claim(uow_factory)
    assert _claim(uow_factory, at=LEASE) == []  # the lease runs to T0 + LEASE inclusive
    [again] = _claim(uow_factory, at=LEASE + timedelta(seconds=1))
    assert (again.id, again.attempts) == (first.id, 2)


def test_done_retry_and_fail_settle_rows(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    _add(uow_factory, 3)
    a, b, c = _claim(uow_factory)
    with uow_factory() as uow:
        uow.outbox.done(a.id)
        uow.outbox.retry(b.id, T0 + timedelta(minutes=2), "slack is down")
        uow.outbox.fail(c.id, "channel_not_found")
        assert uow.outbox.pending_count() == 1
        uow.commit()
    assert _claim(uow_factory, at=timedelta(minutes=1)) == []
    [retried] = _claim(uow_factory, at=timedelta(minutes=2))
    assert (retried.id, retried.attempts) == (b.id, 2)
    with migrated_engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, status, last_error FROM outbox ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        (a.id, "done", None),
        (b.id, "inflight", "slack is down"),
        (c.id, "failed", "channel_not_found"),
    ]


def test_sms_rows_carry_their_message(uow_factory: SqlUnitOfWorkFactory) -> None:
    from consent.model import SendKind
    from consent.records import OutboundDraft

    with uow_factory() as uow:
        contact = uow.contacts.add("Ada", None, None)
        message = uow.messages.add_outbound(
            OutboundDraft(contact.id, "+14155550100", "Hi", SendKind.MANUAL, "U1", T0), T0
        )
        uow.outbox.add(OutboxKind.SMS, {}, T0, message.id)
        uow.commit()
    [item] = _claim(uow_factory)
    assert (item.kind, item.message_id, item.payload) == (OutboxKind.SMS, message.id, {})


def test_four_workers_never_claim_a_row_twice(uow_factory: SqlUnitOfWorkFactory) -> None:
    _add(uow_factory, 1000)
    claimed: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def worker(mine: list[int]) -> None:
        start.wait()
        while items := _claim(uow_factory, limit=7):
            mine.extend(item.id for item in items)

    threads = [threading.Thread(target=worker, args=(ids,)) for ids in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in claimed for i in ids]
    assert len(every) == len(set(every)) == 1000
    with uow_factory(write=False) as uow:
        assert uow.outbox.pending_count() == 1000  # all inflight, none settled
