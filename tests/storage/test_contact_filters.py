"""Every App Home filter lists exactly the contacts a brute-force reading finds (same
contacts, same name order), whatever the numbers, links and requests went through, at any
time (links expire); the pending count is the number of pending contacts at that time; and
each filter's page is read from its own index, so a page costs the same whatever the size
of the table (EXPLAIN QUERY PLAN / EXPLAIN)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from consent.model import Contact, Source, Status
from storage.repos._base import name_key
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.storage.factories import T0, change_status
from tests.storage.test_home_queries import _seed, _statements

TIMES = [T0 - timedelta(days=2), T0, T0 + timedelta(hours=11, minutes=59), T0 + timedelta(days=1)]
TIMES += [T0 + timedelta(days=1, microseconds=1), T0 + timedelta(days=3)]
WINDOWS = ((0, 3), (3, 3), (2, 7), (0, 200), (40, 5))


def _shake(uow_factory: SqlUnitOfWorkFactory, ids: list[int]) -> None:
    """After the seed: status changes, second numbers, a number moving to another
    contact, answered links, new links expiring on other days, closed requests."""
    with uow_factory() as uow:
        for k, contact_id in enumerate(ids[:20]):
            numbers = uow.numbers.for_contact(contact_id)
            if k % 3 == 0:
                status = [Status.OPTED_OUT, Status.OPTED_IN][k % 2]
                change_status(uow, numbers[0], status, Source.STAFF, T0 + timedelta(minutes=k))
            if k % 4 == 1:
                uow.numbers.add(f"+1628555{k:04d}", contact_id)
            if k % 5 == 2:
                uow.numbers.reassign(numbers[0].id, ids[-1 - k])
            if k % 6 == 5:
                expires = T0 + timedelta(days=k % 4, hours=k)
                uow.links.add(f"{k + 9000:064x}", contact_id, False, expires, "U1")
        uow.requests.close(["+14155550003", "+14155550010"], T0)
        link = uow.links.get(f"{4:064x}")
        assert link is not None
        uow.links.mark_answered(link.id, T0)
        uow.commit()


def _brute(uow: SqlUnitOfWork, status: str, project_id: int | None) -> list[Contact]:
    """Every contact, read one by one: those with a number in `status`, by name."""
    found = []
    for contact_id in range(1, 1000):
        contact = uow.contacts.get(contact_id)
        if contact is None or project_id not in (None, contact.project_id):
            continue
        if any(str(n.status) == status for n in uow.numbers.for_contact(contact_id)):
            found.append(contact)
    return sorted(found, key=lambda c: (name_key(c.name), c.id))


def _pending_brute(uow: SqlUnitOfWork, now: Any, project_id: int | None) -> list[Contact]:
    everyone = [uow.contacts.get(i) for i in uow.links.pending_contacts(now)]
    return sorted(
        (c for c in everyone if c is not None and project_id in (None, c.project_id)),
        key=lambda c: (name_key(c.name), c.id),
    )


def _projects(uow: SqlUnitOfWork) -> list[int | None]:
    return [None, *(p.id for p in uow.projects.all())]


def test_every_status_filter_page_is_the_brute_force_reading(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _shake(uow_factory, _seed(uow_factory))
    with uow_factory(write=False) as uow:
        for status in Status:
            for project_id in _projects(uow):
                wanted = _brute(uow, str(status), project_id)
                assert wanted or project_id is not None
                for offset, limit in WINDOWS:
                    page = uow.contacts.page(offset, limit, status, project_id)
                    assert page == wanted[offset : offset + limit], (status, project_id)


def test_the_pending_page_and_count_are_the_brute_force_reading_at_any_time(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _shake(uow_factory, _seed(uow_factory))
    with uow_factory(write=False) as uow:
        seen = set()
        for now in TIMES:
            assert uow.links.pending_count(now) == len(uow.links.pending_contacts(now)), now
            seen.add(uow.links.pending_count(now))
            for project_id in _projects(uow):
                wanted = _pending_brute(uow, now, project_id)
                for offset, limit in WINDOWS:
                    page = uow.contacts.pending_page(offset, limit, project_id, now)
                    assert page == wanted[offset : offset + limit], (now, project_id)
    assert len(seen) >= 3  # links expired between the times read


def test_a_status_change_not_yet_written_is_in_the_filter_pages(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """The numbers' buffered status changes are written before a filter reads."""
    ids = _seed(uow_factory)
    with uow_factory() as uow:
        number = uow.numbers.for_contact(ids[-1])[0]
        change_status(uow, number, Status.OPTED_OUT, Source.STAFF, T0)
        page = uow.contacts.page(0, 500, Status.OPTED_OUT, None)
        assert ids[-1] in [c.id for c in page]
        assert page == _brute(uow, str(Status.OPTED_OUT), None)


def _plan(engine: Engine, statement: str, params: Any) -> str:
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        if engine.dialect.name == "sqlite":
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, params)
            return "\n".join(row[3] for row in rows)
        with raw.cursor() as cur:
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN " + statement, params)
            plan = "\n".join(row[0] for row in cur.fetchall())
        raw.rollback()
        return plan


@pytest.mark.parametrize("offset", [0, 20], ids=["first", "deep"])
@pytest.mark.parametrize("project", [False, True], ids=["all", "project"])
@pytest.mark.parametrize("wanted", ["opted_in", "opted_out", "not_subscribed", "pending"])
def test_each_filter_page_reads_its_own_index_in_name_order(
    uow_factory: SqlUnitOfWorkFactory,
    migrated_engine: Engine,
    wanted: str,
    project: bool,
    offset: int,
) -> None:
    """No scan of contacts, no sort of every match: the filter's partial index, walked in
    name order, so a page reads about its own rows at any table size. A deep page skips
    through that index for ids, then reads its own rows by primary key (and sorts those)."""
    _seed(uow_factory)
    with uow_factory(write=False) as uow:
        project_id = uow.projects.all()[0].id if project else None
        with _statements(migrated_engine) as seen:
            if wanted == "pending":
                uow.contacts.pending_page(offset, 21, project_id, T0)
            else:
                uow.contacts.page(offset, 21, Status(wanted.replace("_", " ")), project_id)
    [(statement, params)] = [s for s in seen if "ORDER BY" in s[0]]
    plan = _plan(migrated_engine, statement, params)
    index = f"ix_contact_{'project_' if project else ''}{wanted}"
    assert re.search(rf"\b{index}\b", plan), plan
    # SQLite's "SCAN contact USING INDEX ix_…" is that walk; a bare "SCAN contact" reads
    # the table.
    assert not re.search(r"^SCAN contact$|Seq Scan", plan, re.M), plan
    if offset == 0:
        assert not re.search(r"TEMP B-TREE|Sort", plan), plan
    else:
        assert re.search(r"INTEGER PRIMARY KEY|pk_contact", plan), plan
