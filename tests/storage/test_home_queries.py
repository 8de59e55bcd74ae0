"""The status page's filters are SQL page queries: the pending page is the same list the
old in-memory filter gave, and every statement the page and `/sms status` issue reads
through an index (EXPLAIN / EXPLAIN QUERY PLAN), never a scan of a growing table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.model import Source, Status
from consent.services.context import Desk
from consent.services.home import HomeFilter, home_page
from consent.services.queries import PENDING, contact_view, counts
from storage.repos._base import name_key
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, change_status

NAMES = ["bo", "Ann", "ann", "Cy", "dee", "Eve", "al", "Zed", "Bo", "cara", "Di", "ed"]


def _seed(uow_factory: SqlUnitOfWorkFactory) -> list[int]:
    """Contacts with every kind of link and request: live, answered, expired, closed."""
    with uow_factory() as uow:
        projects = [uow.projects.add("Roof", None).id, uow.projects.add("Deck", None).id]
        ids = []
        for i, name in enumerate(NAMES * 3):
            project = projects[i % 3] if i % 3 < 2 else None
            contact = uow.contacts.add(name, f"{name}.{i}@Example.com", project)
            ids.append(contact.id)
            number = uow.numbers.add(f"+1415555{i:04d}", contact.id)
            if i % 4 == 1:
                change_status(uow, number, Status.OPTED_IN, Source.STAFF, T0)
            expires = T0 + timedelta(days=1 if i % 5 != 2 else -1)
            if i % 2 == 0:
                link = uow.links.add(f"{i:064x}", contact.id, False, expires, "U1")
                if i % 6 == 0:
                    uow.links.mark_answered(link.id, T0)
            if i % 7 == 3:
                link = uow.links.add(f"{i + 500:064x}", contact.id, False, expires, "U1")
                uow.links.mark_answered(link.id, T0)
                uow.requests.open(number.e164, contact.id, link.id, {}, T0, expires)
                if i % 2:
                    uow.requests.close([number.e164], T0)
        unique = uow.contacts.add("Quinn Unique", "Quinn.Unique@Example.com", projects[0])
        ids.append(unique.id)
        uow.numbers.add("+14155559999", unique.id)
        uow.commit()
    return ids


def test_the_pending_page_is_what_the_in_memory_filter_gave(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _seed(uow_factory)
    with uow_factory(write=False) as uow:
        pending = uow.links.pending_contacts(T0)
        projects = [None] + [p.id for p in uow.projects.all()]
        for project_id in projects:
            everyone = [c for c in map(uow.contacts.get, pending) if c is not None]
            wanted = sorted(
                (c for c in everyone if project_id in (None, c.project_id)),
                key=lambda c: (name_key(c.name), c.id),
            )
            assert wanted  # the seed has pending contacts in every project
            for offset, limit in ((0, 3), (3, 3), (0, 100), (len(wanted) - 1, 5)):
                page = uow.contacts.pending_page(offset, limit, project_id, T0)
                assert page == wanted[offset : offset + limit]


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not many:
            seen.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


SMALL = {"tally", "project", "ledger_head", "alembic_version"}  # a few rows whatever the size


def _scans(engine: Engine, statement: str, params: Any) -> list[str]:
    """The growing tables a statement reads without an index."""
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        if engine.dialect.name == "sqlite":
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
            full = [re.fullmatch(r"SCAN (\w+)", line) for line in plan]
        else:
            with raw.cursor() as cur:
                cur.execute("SET enable_seqscan = off")  # tiny tables: only a missing index scans
                cur.execute("EXPLAIN " + statement, params)
                plan = [row[0] for row in cur.fetchall()]
            raw.rollback()
            full = [re.search(r"Seq Scan on (\w+)", line) for line in plan]
    # anon_N: a subquery's own result, itself read through an index
    return [
        f"{m.group(1)}: {statement}"
        for m in full
        if m and m.group(1) not in SMALL and not m.group(1).startswith("anon_")
    ]


@pytest.mark.parametrize("project", [False, True], ids=["all", "project"])
def test_every_status_page_and_status_statement_reads_through_an_index(
    desk: Desk, uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine, project: bool
) -> None:
    ids = _seed(uow_factory)
    with uow_factory(write=False) as uow:
        project_id = uow.projects.all()[0].id if project else None
        someone = uow.contacts.get(ids[-1])
    assert someone is not None and someone.email is not None
    with _statements(migrated_engine) as seen:
        for status in (None, *(str(s) for s in Status), PENDING):
            home_page(desk, HomeFilter(status, project_id))
            home_page(desk, HomeFilter(status, project_id, page=1))
        counts(desk)
        contact_view(desk, someone.name.upper() + " ")  # by name, whatever the case
        contact_view(desk, someone.email.upper())  # by email, whatever the case
        contact_view(desk, "+1 415 555 9999")  # by phone
    assert len(seen) > 20
    scans = [
        scan for statement, params in seen for scan in _scans(migrated_engine, statement, params)
    ]
    assert scans == []
