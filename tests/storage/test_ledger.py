"""The consent ledger chains every event and shows any tampering."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.model import GENESIS_HASH, Status, verify_chain
from consent.services.context import SystemClock
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, contact_with_number, draft


def _append(factory: SqlUnitOfWorkFactory, contact_id: int, n: int) -> None:
    for i in range(n):
        with factory() as uow:
            status = Status.OPTED_OUT if i % 2 else Status.OPTED_IN
            uow.ledger.append(draft(contact_id, status), T0 + timedelta(minutes=i))
            uow.commit()


def test_appended_events_chain_and_verify(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    with uow_factory() as uow:
        first = uow.ledger.append(draft(contact_id, Status.OPTED_IN), T0)
        second = uow.ledger.append(draft(contact_id), T0 + timedelta(seconds=1))
        uow.commit()
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    with uow_factory(write=False) as uow:
        stored = list(uow.ledger.all())
        assert uow.ledger.for_contact(contact_id) == stored
        assert uow.ledger.head() == (2, second.hash)  # type: ignore[attr-defined]
    assert stored == [first, second]
    report = verify_chain(stored)
    assert (report.ok, report.count, report.head) == (True, 2, second.hash)


def test_a_rolled_back_append_leaves_no_gap(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    with uow_factory() as uow:
        uow.ledger.append(draft(contact_id), T0)
    _append(uow_factory, contact_id, 2)
    with uow_factory(write=False) as uow:
        events = list(uow.ledger.all())
    assert [e.seq for e in events] == [1, 2]
    assert verify_chain(events).ok


def test_all_reads_past_one_batch(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    with uow_factory() as uow:
        for i in range(1003):
            uow.ledger.append(draft(contact_id), T0 + timedelta(seconds=i))
        uow.commit()
    with uow_factory(write=False) as uow:
        report = verify_chain(uow.ledger.all())
    assert (report.ok, report.count) == (True, 1003)


def test_concurrent_appends_make_one_unbroken_chain(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    threads = [
        threading.Thread(target=_append, args=(uow_factory, contact_id, 25)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with uow_factory(write=False) as uow:
        report = verify_chain(uow.ledger.all())
    assert (report.ok, report.count) == (True, 100)


def test_an_edited_event_is_named_by_verify(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    _append(uow_factory, contact_id, 3)
    # The database refuses; the owner can still switch the trigger off to tamper.
    with migrated_engine.begin() as conn:
        if migrated_engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE consent_event DISABLE TRIGGER USER"))
        else:
            conn.execute(sa.text("DROP TRIGGER consent_event_no_update"))
    with migrated_engine.begin() as conn:
        conn.execute(sa.text("UPDATE consent_event SET status = 'opted in' WHERE seq = 2"))
    with uow_factory(write=False) as uow:
        report = verify_chain(uow.ledger.all())
    assert not report.ok
    assert report.bad_seq == 2
    assert report.problem is not None and "#2" in report.problem


def test_a_removed_event_is_named_by_verify(sqlite_url: str) -> None:
    # (PostgreSQL refuses the DELETE: see the trigger test below.)
    with _migrated(sqlite_url) as (engine, factory):
        contact_id, _ = contact_with_number(factory)
        _append(factory, contact_id, 3)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER consent_event_no_delete"))
            conn.execute(sa.text("DELETE FROM consent_event WHERE seq = 2"))
        with factory(write=False) as uow:
            report = verify_chain(uow.ledger.all())
    assert (report.ok, report.bad_seq) == (False, 3)


@pytest.mark.parametrize(
    ("kind", "statement"),
    [
        ("sqlite", "UPDATE consent_event SET actor = 'someone else' WHERE seq = 1"),
        ("sqlite", "DELETE FROM consent_event WHERE seq = 1"),
        pytest.param(
            "postgres",
            "UPDATE consent_event SET actor = 'someone else' WHERE seq = 1",
            marks=pytest.mark.postgres,
        ),
        pytest.param(
            "postgres", "DELETE FROM consent_event WHERE seq = 1", marks=pytest.mark.postgres
        ),
        pytest.param("postgres", "TRUNCATE consent_event", marks=pytest.mark.postgres),
    ],
)
def test_the_database_refuses_to_change_or_delete_events(
    request: pytest.FixtureRequest, kind: str, statement: str
) -> None:
    url: str = request.getfixturevalue(f"{kind}_url")
    with _migrated(url) as (engine, factory):
        contact_id, _ = contact_with_number(factory)
        _append(factory, contact_id, 1)
        with (
            pytest.raises(sa.exc.DBAPIError, match="consent events are append-only"),
            engine.begin() as conn,
        ):
            conn.execute(sa.text(statement))
        with factory(write=False) as uow:
            assert verify_chain(uow.ledger.all()).count == 1


@contextmanager
def _migrated(url: str) -> Iterator[tuple[Engine, SqlUnitOfWorkFactory]]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine, SqlUnitOfWorkFactory(engine, SystemClock())
    finally:
        engine.dispose()
