"""Idempotency keys: the one caller that inserts a key gets to act on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from storage.repos import rowset
from storage.repos._base import Repo
from storage.tables import idempotency_t

# Built once per dialect: the claim is on every webhook's hot path.
_CLAIM: dict[bool, Any] = {
    postgres: (postgresql.insert if postgres else sqlite.insert)(idempotency_t)
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(idempotency_t.c.key)  # a row back only if this insert happened
    for postgres in (True, False)
}


class SqlIdempotency(Repo):
    def claim(self, key: str, at: datetime) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: True only if this call inserted the key.

        On PostgreSQL a concurrent claim of the same key waits for this
        transaction: it gets False if this one commits, True if it rolls back.
        """
        params = {"key": key, "created_at": at}
        return self._conn.execute(_CLAIM[self._postgres], params).first() is not None

    def claim_many(self, keys: Sequence[str], at: datetime) -> set[str]:
        """`claim` for every key at once: one multi-row INSERT ... ON CONFLICT DO NOTHING
        RETURNING key (PostgreSQL: its rows as one parameter, storage/repos/rowset.py).
        Returns the keys this call inserted (a repeated key counts once)."""
        unique = list(dict.fromkeys(keys))
        if not unique:
            return set()
        rows = [{"key": key, "created_at": at} for key in unique]
        if self._postgres:
            return set(rowset.insert_new(self._conn, idempotency_t, rows, "key"))
        result = self._conn.execute(_CLAIM[self._postgres], rows)
        return {row.key for row in result}
