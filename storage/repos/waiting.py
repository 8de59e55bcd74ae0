"""Texts waiting to go out (pending SMS rows of the outbox), and cancelling them.

Cancelling is one conditional UPDATE: only a row still `pending` is cancelled. A row
the dispatcher has claimed is `inflight` and left alone, so a text is either cancelled
or sent, never both: on PostgreSQL the UPDATE waits for a claimer's row lock and then
sees `inflight`; on SQLite writers are serialised (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from consent.records import Delivery, OutboxKind, WaitingRow
from storage.repos._base import Repo
from storage.tables import contact_t, message_t, outbox_t

_PENDING, _FAILED = "pending", "failed"


class SqlWaitingRepo(Repo):
    def waiting(self, kinds: Sequence[str], contact_id: int | None = None) -> list[WaitingRow]:
        """Every SMS of these kinds not claimed for sending yet, soonest first."""
        stmt = (
            sa.select(
                message_t.c.id,
                message_t.c.contact_id,
                contact_t.c.name,
                message_t.c.e164,
                message_t.c.body,
                message_t.c.kind,
                outbox_t.c.due_at,
                outbox_t.c.payload,
            )
            .join(message_t, message_t.c.id == outbox_t.c.message_id)
            .join(contact_t, contact_t.c.id == message_t.c.contact_id)
            .where(outbox_t.c.kind == str(OutboxKind.SMS), outbox_t.c.status == _PENDING)
            .where(message_t.c.kind.in_(list(kinds)))
            .order_by(outbox_t.c.due_at, message_t.c.id)
        )
        if contact_id is not None:
            stmt = stmt.where(message_t.c.contact_id == contact_id)
        return [
            WaitingRow(
                r.id,
                r.contact_id,
                r.name,
                r.e164,
                r.body,
                r.kind,
                r.due_at,
                _int(r.payload.get("broadcast")),
                str(r.payload.get("project") or ""),
            )
            for r in self._conn.execute(stmt)
        ]

    def cancel(self, message_ids: Sequence[int], reason: str) -> list[int]:
        """Cancel those of these texts still waiting; the ids actually cancelled."""
        if not message_ids:
            return []
        stmt = (
            sa.update(outbox_t)
            .where(
                outbox_t.c.kind == str(OutboxKind.SMS),
                outbox_t.c.status == _PENDING,
                outbox_t.c.message_id.in_(list(message_ids)),
            )
            .values(status=_FAILED, last_error=reason[:500], leased_until=None)
            .returning(outbox_t.c.message_id)
        )
        cancelled = sorted(int(mid) for mid in self._conn.execute(stmt).scalars())
        if cancelled:
            self._conn.execute(
                sa.update(message_t)
                .where(message_t.c.id.in_(cancelled))
                .values(status=str(Delivery.CANCELLED), error=reason[:500])
            )
        return cancelled

    def batch_of(self, message_id: int) -> int | None:
        """The broadcast a text belongs to, if any (from its outbox row)."""
        stmt = sa.select(outbox_t.c.payload).where(
            outbox_t.c.message_id == message_id, outbox_t.c.kind == str(OutboxKind.SMS)
        )
        payload = self._conn.scalar(stmt.limit(1))
        return _int(payload.get("broadcast")) if payload else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
