"""Phone numbers and their current consent status (the ledger keeps the history)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.model import NumberState, Source, Status
from consent.ports import Clock
from storage.repos import rowset
from storage.repos._base import Repo, name_key
from storage.repos.ledger import SqlLedger
from storage.tables import contact_t, phone_t, tally_t
from storage.writes import NUMBERS, STATUSES, Deferred, QueuedConnection

_BATCH = 1000
_SELECT = sa.select(
    phone_t.c.id,
    phone_t.c.e164,
    phone_t.c.contact_id,
    phone_t.c.status,
    phone_t.c.status_changed_at,
    phone_t.c.status_source,
    phone_t.c.awaiting_start,
)


_BY_E164 = _SELECT.where(phone_t.c.e164 == sa.bindparam("e164"))
_INSERT = sa.insert(phone_t)
_COUNTS = (
    sa.select(tally_t.c.name, sa.func.sum(tally_t.c.n))
    .where(tally_t.c.name.in_([str(s) for s in Status]))
    .group_by(tally_t.c.name)
)
_ADD = Deferred(NUMBERS, _INSERT, rowset.inserter(phone_t))
_SET_STATUS = Deferred(
    STATUSES,
    sa.update(phone_t)
    .where(phone_t.c.id == sa.bindparam("number_id"))
    .values(
        status=sa.bindparam("new_status"),
        status_source=sa.bindparam("new_source"),
        status_changed_at=sa.bindparam("at"),
        awaiting_start=sa.bindparam("awaiting"),
    ),
    rowset.updater(
        phone_t,
        ("number_id", "id"),
        {
            "new_status": "status",
            "new_source": "status_source",
            "at": "status_changed_at",
            "awaiting": "awaiting_start",
        },
    ),
)


def _number(row: Any) -> NumberState:
    return NumberState(
        id=row.id,
        e164=row.e164,
        contact_id=row.contact_id,
        status=Status(row.status),
        changed_at=row.status_changed_at,
        source=None if row.status_source is None else Source(row.status_source),
        awaiting_start=bool(row.awaiting_start),
    )


class SqlNumberRepo(Repo):
    """Status changes are written together (one executemany, after the events that say
    them) before the transaction's next statement or its commit (storage/writes.py)."""

    def __init__(self, db: QueuedConnection, ledger: SqlLedger, clock: Clock) -> None:
        super().__init__(db)
        self._clock = clock
        self._ledger = ledger

    def get(self, e164: str, *, lock: bool = False) -> NumberState | None:
        """The number; `lock` takes the consent write lock first (the ledger head), so the
        number cannot change, or be created by a concurrent first text, until commit.

        One lock for every consent writer, always taken first, cannot deadlock; a
        per-number lock taken before the head would. SQLite's BEGIN IMMEDIATE has
        already serialised writers; the head is read here all the same, so the first
        event of the transaction does not read it after writes were queued (a read
        writes the queue first: a new number would be inserted, then updated)."""
        if lock:
            self._ledger.lock()
        row = self._conn.execute(_BY_E164, {"e164": e164}).first()
        return None if row is None else _number(row)

    def get_many(self, e164s: Sequence[str], *, lock: bool = False) -> dict[str, NumberState]:
        """The numbers among `e164s` that exist, by number, in one query; `lock` takes the
        consent write lock first, exactly as `get` does."""
        if lock:
            self._ledger.lock()
        unique = list(dict.fromkeys(e164s))
        if not unique:
            return {}
        rows = self._conn.execute(_SELECT.where(phone_t.c.e164.in_(unique)))
        return {row.e164: _number(row) for row in rows}

    def add_with_contacts(self, names_by_e164: Mapping[str, str]) -> dict[str, NumberState]:
        """New numbers (`not subscribed`), each with a new contact of the given name: one
        multi-row INSERT ... RETURNING for the contacts; the numbers are queued with ids
        of their own and written with the transaction's other writes, so a status they
        get before then (a first text that is STOP) is written in their INSERT, not in
        an UPDATE after it (each moves the contact's counters: migration 0008)."""
        if not names_by_e164:
            return {}
        now = self._clock.now()
        e164s = list(names_by_e164)
        contacts = []
        for e164 in e164s:
            name = names_by_e164[e164].strip()
            contacts.append(
                {
                    "name": name,
                    "name_key": name_key(name),
                    "email": None,
                    "project_id": None,
                    "created_at": now,
                }
            )
        contact_ids = self._insert_ids(contact_t, contacts)
        number_ids = self._db.new_ids(phone_t, len(e164s))
        for e164, contact_id, number_id in zip(e164s, contact_ids, number_ids, strict=True):
            row = {
                "id": number_id,
                "e164": e164,
                "contact_id": contact_id,
                "status": str(Status.NOT_SUBSCRIBED),
                "status_source": None,
                "status_changed_at": None,
                "awaiting_start": False,
            }
            self._db.defer(_ADD, row, key=number_id)
        return {
            e164: NumberState(
                id=number_id, e164=e164, contact_id=contact_id, status=Status.NOT_SUBSCRIBED
            )
            for e164, contact_id, number_id in zip(e164s, contact_ids, number_ids, strict=True)
        }

    def by_id(self, number_id: int) -> NumberState | None:
        row = self._conn.execute(_SELECT.where(phone_t.c.id == number_id)).first()
        return None if row is None else _number(row)

    def for_contact(self, contact_id: int) -> list[NumberState]:
        stmt = _SELECT.where(phone_t.c.contact_id == contact_id).order_by(phone_t.c.id)
        return [_number(row) for row in self._conn.execute(stmt)]

    def for_contacts(self, contact_ids: Sequence[int]) -> list[NumberState]:
        if not contact_ids:
            return []
        stmt = _SELECT.where(phone_t.c.contact_id.in_(list(contact_ids)))
        stmt = stmt.order_by(phone_t.c.contact_id, phone_t.c.id)
        return [_number(row) for row in self._conn.execute(stmt)]

    def add(self, e164: str, contact_id: int) -> NumberState:
        """A new number: `not subscribed` until its owner opts in."""
        values = {
            "e164": e164,
            "contact_id": contact_id,
            "status": str(Status.NOT_SUBSCRIBED),
            "status_source": None,
            "status_changed_at": None,
            "awaiting_start": False,
        }
        new_id = self._insert_id(_INSERT, values)
        return NumberState(
            id=new_id, e164=e164, contact_id=contact_id, status=Status.NOT_SUBSCRIBED
        )

    def set_status(
        self, number_id: int, status: Status, source: Source, at: datetime, awaiting_start: bool
    ) -> None:
        new = self._db.queued(_ADD, number_id)
        if new is not None:  # a new number not yet written: written with this status
            new.update(
                status=str(status),
                status_source=str(source),
                status_changed_at=at,
                awaiting_start=awaiting_start,
            )
            return
        params = {
            "number_id": number_id,
            "new_status": str(status),
            "new_source": str(source),
            "at": at,
            "awaiting": awaiting_start,
        }
        self._db.defer(_SET_STATUS, params, key=number_id)  # the newest change wins

    def set_awaiting_start(self, number_id: int, awaiting: bool) -> None:
        stmt = sa.update(phone_t).where(phone_t.c.id == number_id)
        self._conn.execute(stmt.values(awaiting_start=awaiting))

    def reassign(self, number_id: int, contact_id: int) -> None:
        """The number now belongs to another contact (its status and history stay)."""
        stmt = sa.update(phone_t).where(phone_t.c.id == number_id)
        self._conn.execute(stmt.values(contact_id=contact_id))

    def export(self) -> Iterator[tuple[NumberState, str]]:
        """Every number with its contact's name, ordered by number, read in batches."""
        after = ""
        while True:
            stmt = (
                _SELECT.add_columns(contact_t.c.name)
                .join(contact_t, contact_t.c.id == phone_t.c.contact_id)
                .where(phone_t.c.e164 > after)
                .order_by(phone_t.c.e164)
                .limit(_BATCH)
            )
            rows = self._conn.execute(stmt).all()
            for row in rows:
                yield _number(row), row.name
            if len(rows) < _BATCH:
                return
            after = rows[-1].e164

    def counts(self) -> dict[Status, int]:
        """How many numbers have each status; every status is a key, 0 when none.

        Read from the tally that triggers on phone_number keep (migration 0004), not
        counted: the same cost at any number of numbers."""
        counts = dict.fromkeys(Status, 0)
        for status, count in self._conn.execute(_COUNTS):
            counts[Status(status)] = int(count)
        return counts

    def for_project(self, project_id: int) -> list[NumberState]:
        """Numbers of the contacts in the project."""
        stmt = (
            _SELECT.join(contact_t, contact_t.c.id == phone_t.c.contact_id)
            .where(contact_t.c.project_id == project_id)
            .order_by(phone_t.c.contact_id, phone_t.c.id)
        )
        return [_number(row) for row in self._conn.execute(stmt)]
