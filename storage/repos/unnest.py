"""PostgreSQL: many rows in one INSERT whose text never changes with their number.

A multi-row INSERT ... VALUES has a text of its own for every number of rows and a
parameter per value; psycopg caches the parsing of a query only up to 50 parameters, so
SQLAlchemy's form for a batch of 64 texts was parsed again on every STOP batch (about a
tenth of the server's samples in the PostgreSQL STOP storm). Here each column is one
array parameter: `INSERT ... SELECT ... FROM unnest(...) WITH ORDINALITY ORDER BY n`,
the same text at any size, so psycopg parses it once and the server prepares it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect


def insert_ids(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert `rows` (all with the same keys); their new ids, in `rows`' order: the SELECT
    feeds them in order, so the serial hands out ascending ids in that order."""
    names = tuple(rows[0])
    statement, processors = _statement(table, names, conn.dialect)
    params: dict[str, list[Any]] = {}
    for i, (name, process) in enumerate(zip(names, processors, strict=True)):
        values = [row[name] for row in rows]
        params[f"c{i}"] = [process(v) for v in values] if process else values
    return sorted(int(row[0]) for row in conn.execute(statement, params))


@functools.cache
def _statement(
    table: sa.Table, names: tuple[str, ...], dialect: Dialect
) -> tuple[sa.TextClause, tuple[Callable[[Any], Any] | None, ...]]:
    columns = [table.c[name] for name in names]
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"CAST(:c{i} AS {column.type.compile(dialect=dialect)}[])"
        for i, column in enumerate(columns)
    )
    inner = ", ".join(f"c{i}" for i in range(len(columns)))
    (key,) = table.primary_key.columns
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
        f"SELECT {inner} FROM unnest({arrays}) WITH ORDINALITY AS u({inner}, n) "
        f"ORDER BY n RETURNING {quote(key.name)}"
    )
    processors = tuple(column.type.bind_processor(dialect) for column in columns)
    return sa.text(sql), processors
