"""What every repository shares: the connection, and dialect-specific inserts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


class Repo:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @property
    def _postgres(self) -> bool:
        return self._conn.dialect.name == "postgresql"

    def _upsert(self, table: sa.Table) -> Any:
        """An INSERT that supports ON CONFLICT on this dialect (PostgreSQL or SQLite)."""
        if self._postgres:
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _insert_id(self, stmt: sa.Insert, params: dict[str, Any] | None = None) -> int:
        """Run `stmt` (with `params`) and return the new row's integer primary key.

        Hot paths pass a statement built once at import and the values as parameters:
        building `.values(...)` per call costs more than the database does."""
        key = self._conn.execute(stmt, params).inserted_primary_key
        assert key is not None
        return int(key[0])


def name_key(name: str) -> str:
    """How names are compared: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()
