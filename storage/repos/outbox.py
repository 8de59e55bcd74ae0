"""The outbox: side effects written with the change that causes them, sent later."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.ports import Clock
from consent.records import OutboxItem, OutboxKind
from storage.repos import rowset
from storage.repos._base import Repo
from storage.tables import outbox_t
from storage.writes import OUTBOX, SETTLED, Deferred, QueuedConnection

PENDING, INFLIGHT, DONE, FAILED = "pending", "inflight", "done", "failed"
_INSERT = Deferred(OUTBOX, sa.insert(outbox_t), rowset.inserter(outbox_t))
_DONE = Deferred(
    SETTLED,
    sa.update(outbox_t)
    .where(outbox_t.c.id == sa.bindparam("item_id"))
    .values(status=DONE, leased_until=None),
    rowset.updater(outbox_t, ("item_id", "id"), {}, f"status = '{DONE}', leased_until = NULL"),
)


class SqlOutbox(Repo):
    """Rows added in a transaction are written together (one executemany) before its
    next statement or its commit (storage/writes.py)."""

    def __init__(self, db: QueuedConnection, clock: Clock) -> None:
        super().__init__(db)
        self._clock = clock

    def add(
        self,
        kind: OutboxKind,
        payload: Mapping[str, Any],
        due_at: datetime,
        message_id: int | None = None,
    ) -> None:
        values = {
            "kind": str(kind),
            "payload": dict(payload),
            "message_id": message_id,
            "status": PENDING,
            "due_at": due_at,
            "attempts": 0,
            "leased_until": None,
            "last_error": None,
            "created_at": self._clock.now(),
        }
        self._db.defer(_INSERT, values)

    def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[OutboxItem]:
        """Lease up to `limit` due rows (pending and due, or inflight with a lapsed lease).

        PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint
        rows without waiting. SQLite: the write transaction (BEGIN IMMEDIATE)
        serialises claimers. Run it in a write unit of work; the caller commits.
        """
        due = sa.or_(
            sa.and_(outbox_t.c.status == PENDING, outbox_t.c.due_at <= now),
            sa.and_(outbox_t.c.status == INFLIGHT, outbox_t.c.leased_until < now),
        )
        stmt = (
            sa.select(
                outbox_t.c.id,
                outbox_t.c.kind,
                outbox_t.c.payload,
                outbox_t.c.attempts,
                outbox_t.c.message_id,
            )
            .where(due)
            .order_by(outbox_t.c.due_at, outbox_t.c.id)
            .limit(max(limit, 0))
        )
        if self._postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = self._conn.execute(stmt).all()
        if not rows:
            return []
        self._conn.execute(
            sa.update(outbox_t)
            .where(outbox_t.c.id.in_([row.id for row in rows]))
            .values(status=INFLIGHT, leased_until=lease_until, attempts=outbox_t.c.attempts + 1)
        )
        return [
            OutboxItem(
                id=row.id,
                kind=OutboxKind(row.kind),
                payload=row.payload,
                attempts=row.attempts + 1,
                message_id=row.message_id,
            )
            for row in rows
        ]

    def done(self, item_id: int) -> None:
        """Settled: queued with the transaction's other writes (a pass of notes settles
        its rows in one statement)."""
        self._db.defer(_DONE, {"item_id": item_id}, key=item_id)

    def retry(self, item_id: int, due_at: datetime, error: str) -> None:
        """Back to pending, due again at `due_at`."""
        self._settle(item_id, status=PENDING, due_at=due_at, leased_until=None, last_error=error)

    def fail(self, item_id: int, error: str) -> None:
        """Given up on: never claimed again."""
        self._settle(item_id, status=FAILED, leased_until=None, last_error=error)

    def pending_count(self) -> int:
        """Rows not settled yet: pending or inflight."""
        stmt = sa.select(sa.func.count()).where(outbox_t.c.status.in_([PENDING, INFLIGHT]))
        return int(self._conn.scalar(stmt) or 0)

    def _settle(self, item_id: int, **values: Any) -> None:
        self._conn.execute(sa.update(outbox_t).where(outbox_t.c.id == item_id).values(values))
