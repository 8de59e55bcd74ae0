"""Pending contacts (an unanswered, unexpired link), counted and checked in SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.uow import SqlUnitOfWorkFactory

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_pending_means_unanswered_and_unexpired(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ids = [uow.contacts.add(name, None, None).id for name in ("Ann", "Bo", "Cy", "Di")]
        ann, bo, cy, di = ids
        uow.links.add("a" * 64, ann, False, NOW + timedelta(days=1), "U1")
        uow.links.add("b" * 64, ann, False, NOW + timedelta(days=1), "U1")  # two links, one contact
        answered = uow.links.add("c" * 64, bo, False, NOW + timedelta(days=1), "U1")
        uow.links.mark_answered(answered.id, NOW)
        uow.links.add("d" * 64, cy, False, NOW - timedelta(seconds=1), "U1")  # expired
        uow.commit()
    with uow_factory(write=False) as uow:
        assert uow.links.pending_count(NOW) == 1
        assert uow.links.pending_among(ids, NOW) == {ann}
        assert uow.links.pending_among([di], NOW) == set()
        assert uow.links.pending_among([], NOW) == set()
        assert uow.links.pending_contacts(NOW) == {ann}
