"""Times go in timezone-aware and come back timezone-aware UTC, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from consent.model import Source, Status
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, contact_with_number, draft

PARIS_SUMMER = timezone(timedelta(hours=2))


def test_times_come_back_aware_utc_and_equal(uow_factory: SqlUnitOfWorkFactory) -> None:
    local = datetime(2025, 7, 1, 9, 30, 15, 654321, tzinfo=PARIS_SUMMER)
    contact_id, number_id = contact_with_number(uow_factory)
    with uow_factory() as uow:
        uow.ledger.append(draft(contact_id), local)  # its event first, as the app writes it
        uow.numbers.set_status(number_id, Status.OPTED_OUT, Source.SMS_KEYWORD, local, False)
        uow.links.add("f" * 64, contact_id, False, local, "U1")
        uow.commit()
    with uow_factory(write=False) as uow:
        state = uow.numbers.by_id(number_id)
        link = uow.links.get("f" * 64)
        [event] = list(uow.ledger.all())
    assert state is not None and link is not None
    for value in (state.changed_at, link.expires_at, link.created_at, event.at):
        assert value is not None
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    assert state.changed_at == link.expires_at == event.at == local
    assert event.at.hour == 7


def test_naive_times_are_refused(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow, pytest.raises(sa.exc.StatementError, match="naive datetime"):
        uow.idempotency.claim("k", datetime(2025, 1, 1))


def test_time_comparisons_hold_across_offsets(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    expires = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    with uow_factory() as uow:
        uow.links.add("e" * 64, contact_id, False, expires, "U1")
        just_before = datetime(2025, 1, 1, 13, 59, 59, tzinfo=timezone(timedelta(hours=2)))
        just_after = datetime(2025, 1, 1, 7, 0, 1, tzinfo=timezone(timedelta(hours=-5)))
        assert uow.links.pending_contacts(just_before) == {contact_id}
        assert uow.links.pending_contacts(just_after) == set()
    assert T0.tzinfo is UTC
