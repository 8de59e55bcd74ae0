"""The unit of work: commit keeps, anything else rolls back, the connection goes back."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from consent.model import EventDraft, SendKind, Source, Status
from consent.ports import UnitOfWork
from consent.records import OutboundDraft
from consent.services.outbound import queue_text
from storage.uow import SqlUnitOfWorkFactory
from tests.support import FixedClock


def _count(factory: SqlUnitOfWorkFactory) -> int:
    with factory(write=False) as uow:
        return uow.contacts.count()


def test_commit_keeps_the_changes(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("Kept", None, None)
        uow.commit()
    assert _count(uow_factory) == 1


def test_leaving_without_commit_rolls_back(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("Dropped", None, None)
    assert _count(uow_factory) == 0


def test_an_exception_rolls_back_and_propagates(uow_factory: SqlUnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError, match="boom"), uow_factory() as uow:
        uow.contacts.add("Dropped", None, None)
        raise RuntimeError("boom")
    assert _count(uow_factory) == 0


def test_work_after_a_commit_needs_its_own_commit(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("One", None, None)
        uow.commit()
        uow.contacts.add("Two", None, None)
    assert _count(uow_factory) == 1
    with uow_factory() as uow:
        uow.contacts.add("Three", None, None)
        uow.commit()
        uow.contacts.add("Four", None, None)
        uow.commit()
    assert _count(uow_factory) == 3


def test_every_connection_goes_back_to_the_pool(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    for write in (True, False):
        with uow_factory(write=write) as uow:
            uow.contacts.count()
        with pytest.raises(ValueError), uow_factory(write=write):
            raise ValueError
    assert migrated_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_the_factory_makes_units_of_work_of_the_port(uow_factory: SqlUnitOfWorkFactory) -> None:
    uow: UnitOfWork = uow_factory(write=False)
    with uow as opened:
        assert opened.numbers.counts()
    with pytest.raises(RuntimeError, match="not open"):
        uow_factory().connection  # noqa: B018


def test_a_read_sees_every_earlier_write_of_its_own_unit_of_work(
    uow_factory: SqlUnitOfWorkFactory, clock: FixedClock
) -> None:
    """Writes may be queued and written together, but never behind a read: whatever a
    repository reads, in the same transaction, includes what any repository wrote before."""
    now = clock.now()
    with uow_factory() as uow:
        contact = uow.contacts.add("Ana", None, None)
        number = uow.numbers.add("+15005550100", contact.id)
        draft = OutboundDraft(contact.id, number.e164, "Hi", SendKind.MANUAL, None, now)
        queue_text(uow, draft)
        assert [row.body for row in uow.waiting.waiting([str(SendKind.MANUAL)])] == ["Hi"]
        assert uow.outbox.pending_count() == 1
        event = EventDraft(number.e164, contact.id, Status.OPTED_IN, Source.QUESTIONNAIRE, "t", {})
        uow.ledger.append(event, now)
        uow.numbers.set_status(number.id, Status.OPTED_IN, Source.QUESTIONNAIRE, now, False)
        assert [e.status for e in uow.ledger.for_contact(contact.id)] == [Status.OPTED_IN]
        assert uow.numbers.counts()[Status.OPTED_IN] == 1
        assert [c.id for c in uow.contacts.page(0, 10, Status.OPTED_IN, None)] == [contact.id]
        assert uow.ledger.head()[0] == 1
