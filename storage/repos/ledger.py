"""The consent ledger: hash-chained, append-only events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.model import ConsentEvent, EventDraft, Source, Status, chain
from storage.repos._base import Repo
from storage.tables import event_t, head_t

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


class SqlLedger(Repo):
    def append(self, draft: EventDraft, at: datetime) -> ConsentEvent:
        """Chain `draft` after the newest event.

        The ledger_head row is the lock: FOR UPDATE on PostgreSQL makes a
        concurrent append wait and then read the head this one leaves;
        on SQLite, BEGIN IMMEDIATE has already serialised writers.
        """
        stmt = sa.select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)
        if self._postgres:
            stmt = stmt.with_for_update()
        head = self._conn.execute(stmt).one()
        event = chain(head.seq, head.hash, draft, at)
        self._conn.execute(
            sa.insert(event_t).values(
                seq=event.seq,
                phone=event.phone,
                contact_id=event.contact_id,
                status=str(event.status),
                source=str(event.source),
                actor=event.actor,
                evidence=dict(event.evidence),
                at=event.at,
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
        self._conn.execute(
            sa.update(head_t).where(head_t.c.id == 1).values(seq=event.seq, hash=event.hash)
        )
        return event

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

    def head(self) -> tuple[int, str]:
        """(newest seq, newest hash) as the ledger head records them."""
        row = self._conn.execute(sa.select(head_t.c.seq, head_t.c.hash)).one()
        return int(row.seq), str(row.hash)
