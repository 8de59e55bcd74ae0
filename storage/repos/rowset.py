"""PostgreSQL: many rows in one statement, passed as one JSON parameter.

`INSERT ... SELECT ... FROM json_populate_recordset(NULL::table, :rows) WITH ORDINALITY`
(or `UPDATE ... FROM json_populate_recordset(...)`) has the same text at any number of
rows, so psycopg parses it once and the server prepares it, and one statement runs the
table's statement-level triggers once (migration 0009), where an executemany would run
them once per row. The rows are one JSON text, keyed by column: Python's C encoder
writes it and the server parses it in C. (Before, each column was an array parameter to
`unnest(...)`; psycopg builds array literals in Python, element by element, escaping
each: about 7% of the server's samples in the PostgreSQL STOP storm.)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from storage.writes import Bulk, Rows

_Processor = Callable[[Any], Any] | None


def insert_ids(conn: Connection, table: sa.Table, rows: Rows) -> list[int]:
    """Insert `rows` (all with the same keys); their new ids, in `rows`' order: the SELECT
    feeds them in order, so the serial hands out ascending ids in that order."""
    names = tuple(rows[0])
    (key,) = table.primary_key.columns
    statement = _insert(table, names, conn.dialect, returning=key.name)
    param = _rows_json(table, rows, None, conn.dialect)
    return sorted(int(row[0]) for row in conn.execute(statement, {"rows": param}))


def insert_new(conn: Connection, table: sa.Table, rows: Rows, key: str) -> list[Any]:
    """Insert the rows whose unique `key` no row has yet (ON CONFLICT DO NOTHING); the
    keys this statement inserted."""
    names = tuple(rows[0])
    statement = _insert(table, names, conn.dialect, returning=key, unless_taken=key)
    param = _rows_json(table, rows, None, conn.dialect)
    return [row[0] for row in conn.execute(statement, {"rows": param})]


def inserter(table: sa.Table) -> Bulk:
    """A queued INSERT's rows (all with the same keys) in one statement, in their order."""

    def insert(conn: Connection, rows: Rows) -> None:
        names = tuple(rows[0])
        statement = _insert(table, names, conn.dialect)
        param = _rows_json(table, rows, None, conn.dialect)
        conn.execute(statement, {"rows": param})

    return insert


def updater(
    table: sa.Table, key: tuple[str, str], columns: Mapping[str, str], fixed: str = ""
) -> Bulk:
    """A queued UPDATE's rows in one statement: `key` is (parameter, column) matching a
    row, `columns` maps each parameter to the column it sets, `fixed` is SQL for values
    the same in every row. Rows must not repeat a key (the queue coalesces them)."""
    targets = {key[0]: key[1], **columns}

    def update(conn: Connection, rows: Rows) -> None:
        statement = _update(table, key[1], tuple(columns.values()), fixed, conn.dialect)
        conn.execute(statement, {"rows": _rows_json(table, rows, targets, conn.dialect)})

    return update


def _rows_json(
    table: sa.Table, rows: Rows, targets: Mapping[str, str] | None, dialect: Dialect
) -> str:
    """The rows as a JSON array of objects keyed by column (`targets` maps each row key
    to its column; None: the keys are the columns), each value as SQLAlchemy would bind
    it (the column type's processor), times in ISO 8601."""
    if targets is None:
        targets = {name: name for name in rows[0]}
    pairs = [(n, column, _processor(table, column, dialect)) for n, column in targets.items()]
    objects = [
        {column: row[n] if process is None else process(row[n]) for n, column, process in pairs}
        for row in rows
    ]
    return json.dumps(objects, default=_iso, separators=(",", ":"), ensure_ascii=False)


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


@functools.cache
def _processor(table: sa.Table, column: str, dialect: Dialect) -> _Processor:
    return table.c[column].type.bind_processor(dialect)


def _recordset(table: sa.Table, dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    return f"json_populate_recordset(NULL::{quote(table.name)}, CAST(:rows AS json))"


@functools.cache
def _insert(
    table: sa.Table,
    names: Sequence[str],
    dialect: Dialect,
    returning: str = "",
    unless_taken: str = "",
) -> sa.TextClause:
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    values = ", ".join(f"r.{quote(name)}" for name in names)
    sql = (
        f"INSERT INTO {quote(table.name)} ({columns}) SELECT {values} "
        f"FROM {_recordset(table, dialect)} WITH ORDINALITY AS r ORDER BY r.ordinality"
    )
    if unless_taken:
        sql += f" ON CONFLICT ({quote(unless_taken)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {quote(returning)}"
    return sa.text(sql)


@functools.cache
def _update(
    table: sa.Table, key: str, columns: Sequence[str], fixed: str, dialect: Dialect
) -> sa.TextClause:
    quote = dialect.identifier_preparer.quote
    name = quote(table.name)
    sets = [f"{quote(column)} = r.{quote(column)}" for column in columns]
    if fixed:
        sets.append(fixed)
    return sa.text(
        f"UPDATE {name} SET {', '.join(sets)} FROM {_recordset(table, dialect)} AS r "
        f"WHERE {name}.{quote(key)} = r.{quote(key)}"
    )
