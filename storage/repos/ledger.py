"""The consent ledger: hash-chained, append-only events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.model import ConsentEvent, EventDraft, Source, Status, chain
from storage.repos import rowset
from storage.repos._base import Repo
from storage.tables import event_t, head_t
from storage.writes import EVENTS, HEAD, Deferred, QueuedConnection

_BATCH = 1000
_SELECT = sa.select(
    event_t.c.seq,
    event_t.c.phone,
    event_t.c.contact_id,
    event_t.c.status,
    event_t.c.source,
    event_t.c.actor,
    event_t.c.evidence,
    event_t.c.at,
    event_t.c.prev_hash,
    event_t.c.hash,
)


def _event(row: Any) -> ConsentEvent:
    return ConsentEvent(
        seq=row.seq,
        phone=row.phone,
        contact_id=row.contact_id,
        status=Status(row.status),
        source=Source(row.source),
        actor=row.actor,
        evidence=dict(row.evidence),
        at=row.at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


_HEAD = sa.select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)
_HEAD_LOCKED = _HEAD.with_for_update()
_INSERT = Deferred(EVENTS, sa.insert(event_t), rowset.inserter(event_t))
_MOVE_HEAD = Deferred(
    HEAD,
    sa.update(head_t)
    .where(head_t.c.id == 1)
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash")),
)


class SqlLedger(Repo):
    """The ledger_head row is the consent write lock: FOR UPDATE on PostgreSQL makes a
    concurrent writer wait and then read the head this one leaves; on SQLite,
    BEGIN IMMEDIATE has already serialised writers. The head is read once per
    transaction (held in memory while the lock is) and written back once, with the
    events, before the next statement (storage/writes.py)."""

    def __init__(self, db: QueuedConnection) -> None:
        super().__init__(db)
        self._head: tuple[int, str] | None = None

    def lock(self) -> tuple[int, str]:
        """Take the ledger's write lock (once per transaction) and return its head."""
        if self._head is None:
            row = self._conn.execute(_HEAD_LOCKED if self._postgres else _HEAD).one()
            self._head = (int(row.seq), str(row.hash))
        return self._head

    def append(self, draft: EventDraft, at: datetime) -> ConsentEvent:
        """Chain `draft` after the newest event."""
        seq, head = self.lock()
        event = chain(seq, head, draft, at)
        self._db.defer(
            _INSERT,
            {
                "seq": event.seq,
                "phone": event.phone,
                "contact_id": event.contact_id,
                "status": str(event.status),
                "source": str(event.source),
                "actor": event.actor,
                "evidence": dict(event.evidence),
                "at": event.at,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            },
        )
        self._head = (event.seq, event.hash)
        self._db.defer(_MOVE_HEAD, {"new_seq": event.seq, "new_hash": event.hash}, key="head")
        return event

    def forget_head(self) -> None:
        """The transaction ended: the next one reads (and locks) the head again."""
        self._head = None

    def head(self) -> tuple[int, str]:
        """The recorded head (seq, hash), as committed (or as this transaction left it)."""
        if self._head is not None:
            return self._head
        row = self._conn.execute(_HEAD).one()
        return int(row.seq), str(row.hash)

    def for_contact(self, contact_id: int) -> list[ConsentEvent]:
        stmt = _SELECT.where(event_t.c.contact_id == contact_id).order_by(event_t.c.seq)
        return [_event(row) for row in self._conn.execute(stmt)]

    def all(self) -> Iterator[ConsentEvent]:
        """Every event, oldest first, read in batches (no cursor held between them)."""
        after = -1
        while True:
            stmt = _SELECT.where(event_t.c.seq > after).order_by(event_t.c.seq).limit(_BATCH)
            rows = self._conn.execute(stmt).all()
            for row in rows:
                yield _event(row)
            if len(rows) < _BATCH:
                return
            after = rows[-1].seq
