"""PostgreSQL: many rows in one statement whose text never changes with their number.

A multi-row INSERT ... VALUES has a text of its own for every number of rows and a
parameter per value; psycopg caches the parsing of a query only up to 50 parameters, so
SQLAlchemy's form for a batch of 64 texts was parsed again on every STOP batch (about a
tenth of the server's samples in the PostgreSQL STOP storm). Here each column is one
array parameter: `INSERT ... SELECT ... FROM unnest(...) WITH ORDINALITY ORDER BY n`,
the same text at any size, so psycopg parses it once and the server prepares it.

Queued new numbers and status changes (storage/writes.py) take the same form, one
INSERT or one UPDATE ... FROM unnest(...): an executemany is one statement per row on
the server, and each would run phone_number's statement-level triggers again (migration
0009). Queued events and outbox rows stay executemany: they carry JSON text, which
psycopg escapes character by character into an array literal (twice as slow that way).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from storage.writes import Bulk, Rows


def insert_ids(conn: Connection, table: sa.Table, rows: Rows) -> list[int]:
    """Insert `rows` (all with the same keys); their new ids, in `rows`' order: the SELECT
    feeds them in order, so the serial hands out ascending ids in that order."""
    names = tuple(rows[0])
    statement, processors = _insert(table, names, conn.dialect, returning=True)
    return sorted(int(row[0]) for row in conn.execute(statement, _arrays(rows, names, processors)))


def inserter(table: sa.Table) -> Bulk:
    """A queued INSERT's rows (all with the same keys) in one statement, in their order
    (for rows without JSON text: see above)."""

    def insert(conn: Connection, rows: Rows) -> None:
        names = tuple(rows[0])
        statement, processors = _insert(table, names, conn.dialect, returning=False)
        conn.execute(statement, _arrays(rows, names, processors))

    return insert


def updater(
    table: sa.Table, key: tuple[str, str], columns: Mapping[str, str], fixed: str = ""
) -> Bulk:
    """A queued UPDATE's rows in one statement: `key` is (parameter, column) matching a
    row, `columns` maps each parameter to the column it sets, `fixed` is SQL for values
    the same in every row. Rows must not repeat a key (the queue coalesces them)."""
    names = (key[0], *columns)
    targets = (key[1], *columns.values())

    def update(conn: Connection, rows: Rows) -> None:
        statement, processors = _update(table, names, targets, fixed, conn.dialect)
        conn.execute(statement, _arrays(rows, names, processors))

    return update


def _arrays(rows: Rows, names: tuple[str, ...], processors: _Processors) -> dict[str, list[Any]]:
    params: dict[str, list[Any]] = {}
    for i, (name, process) in enumerate(zip(names, processors, strict=True)):
        values = [row[name] for row in rows]
        params[f"c{i}"] = [process(v) for v in values] if process else values
    return params


_Processors = tuple[Callable[[Any], Any] | None, ...]


def _unnest(table: sa.Table, columns: Sequence[str], dialect: Dialect) -> tuple[str, _Processors]:
    """`unnest(CAST(:c0 AS type[]), ...)`, one array per column, and their bind processors."""
    typed = [table.c[name] for name in columns]
    arrays = ", ".join(
        f"CAST(:c{i} AS {column.type.compile(dialect=dialect)}[])" for i, column in enumerate(typed)
    )
    return f"unnest({arrays})", tuple(column.type.bind_processor(dialect) for column in typed)


@functools.cache
def _insert(
    table: sa.Table, names: tuple[str, ...], dialect: Dialect, returning: bool
) -> tuple[sa.TextClause, _Processors]:
    quote = dialect.identifier_preparer.quote
    arrays, processors = _unnest(table, names, dialect)
    inner = ", ".join(f"c{i}" for i in range(len(names)))
    (key,) = table.primary_key.columns
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"SELECT {inner} FROM {arrays} WITH ORDINALITY AS u({inner}, n) ORDER BY n"
    )
    if returning:
        sql += f" RETURNING {quote(key.name)}"
    return sa.text(sql), processors


@functools.cache
def _update(
    table: sa.Table,
    names: tuple[str, ...],
    targets: tuple[str, ...],
    fixed: str,
    dialect: Dialect,
) -> tuple[sa.TextClause, _Processors]:
    quote = dialect.identifier_preparer.quote
    arrays, processors = _unnest(table, targets, dialect)
    inner = ", ".join(f"c{i}" for i in range(len(names)))
    sets = [f"{quote(column)} = u.c{i}" for i, column in enumerate(targets) if i > 0]
    if fixed:
        sets.append(fixed)
    sql = (
        f"UPDATE {quote(table.name)} SET {', '.join(sets)} FROM {arrays} AS u({inner}) "
        f"WHERE {quote(table.name)}.{quote(targets[0])} = u.c0"
    )
    return sa.text(sql), processors
