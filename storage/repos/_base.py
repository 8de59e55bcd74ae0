"""What every repository shares: the connection, and dialect-specific inserts."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storage.repos import rowset
from storage.writes import QueuedConnection


class Repo:
    """Every statement reaches the connection through the unit of work's queue, which
    writes what is queued first (storage/writes.py)."""

    def __init__(self, db: QueuedConnection) -> None:
        self._db = db

    @property
    def _conn(self) -> Connection:
        return self._db.connection()

    @property
    def _postgres(self) -> bool:
        return self._db.dialect.name == "postgresql"

    def _upsert(self, table: sa.Table) -> Any:
        """An INSERT that supports ON CONFLICT on this dialect (PostgreSQL or SQLite)."""
        if self._postgres:
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _insert_ids(self, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert `rows` in one multi-row INSERT ... RETURNING; their new ids, in `rows`' order.

        PostgreSQL: one text at any number of rows (storage/repos/rowset.py). SQLite has no
        ordered form, and SQLAlchemy's would fall back to one INSERT per row; but one
        statement inserts its VALUES rows in order, each with a rowid above every rowid
        before it, and writers are serialised (BEGIN IMMEDIATE): the ids, sorted, are in
        rows' order."""
        if not rows:
            return []
        if self._postgres:
            return rowset.insert_ids(self._conn, table, rows)
        return sorted(int(row[0]) for row in self._conn.execute(_returning(table), list(rows)))

    def _insert_id(self, stmt: sa.Insert, params: dict[str, Any] | None = None) -> int:
        """Run `stmt` (with `params`) and return the new row's integer primary key.

        Hot paths pass a statement built once at import and the values as parameters:
        building `.values(...)` per call costs more than the database does."""
        key = self._conn.execute(stmt, params).inserted_primary_key
        assert key is not None
        return int(key[0])


@functools.cache
def _returning(table: sa.Table) -> sa.Insert:
    """INSERT ... RETURNING the new id, built once per table."""
    (key,) = table.primary_key.columns
    return sa.insert(table).returning(key)


def name_key(name: str) -> str:
    """How names are compared: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()
