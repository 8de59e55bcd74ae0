"""Idempotency keys: the one caller that inserts a key gets to act on it."""

from __future__ import annotations

from datetime import datetime

from storage.repos._base import Repo
from storage.tables import idempotency_t


class SqlIdempotency(Repo):
    def claim(self, key: str, at: datetime) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: True only if this call inserted the key.

        On PostgreSQL a concurrent claim of the same key waits for this
        transaction: it gets False if this one commits, True if it rolls back.
        """
        stmt = (
            self._upsert(idempotency_t)
            .values(key=key, created_at=at)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(idempotency_t.c.key)  # a row back only if this insert happened
        )
        return self._conn.execute(stmt).first() is not None
