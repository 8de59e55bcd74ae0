"""Every statement of a unit of work, and the writes that can wait for the next one.

The hot writes of a transaction (consent events, new numbers and inbound texts, number
statuses, the ledger head, outbox rows) are queued and written together, one statement
per kind (an executemany; on PostgreSQL, rows as one JSON parameter), so a group commit
of 64 STOPs costs a handful of statements instead of hundreds. They are written before
the next statement of any kind runs, and at commit: every statement goes through
`QueuedConnection.connection()`, so a read sees every earlier write by construction; no
repository has to remember to flush (SQLAlchemy's Session calls this autoflush). Rows
inserted this way take their ids first (`new_ids`), and a change to a row still queued
is made in it: a new number whose first text is STOP is inserted once, opted out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable

# The order kinds are written in: a status is accepted only as its newest event says
# (migration 0003), so events go first, then new numbers (written with the status their
# events gave them) and status changes; the head names the newest event; an outbox row
# may name a text. Outbox rows settled as done (a pass of Slack notes) go last.
EVENTS, NUMBERS, STATUSES, HEAD, TEXTS, OUTBOX, SETTLED = range(7)

Rows = Sequence[Mapping[str, Any]]
Bulk = Callable[[Connection, Rows], None]


_NEXT_IDS = sa.text(
    "SELECT nextval(pg_get_serial_sequence(:table, :key)) FROM generate_series(1, :n)"
)


@dataclass(frozen=True, eq=False)
class Deferred:
    """A write that can wait: `rank` orders the kinds when they are written, as the
    schema needs (a number's status only after the event that says it). `statement` is
    run once per row (an executemany); on PostgreSQL, `bulk` writes all the rows in one
    statement instead (storage/repos/rowset.py), so its triggers run once."""

    rank: int
    statement: Executable
    bulk: Bulk | None = None


class QueuedConnection:
    """The unit of work's connection: `connection()` first writes what `defer` queued."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.dialect: Dialect = conn.dialect
        self._bulk = conn.dialect.name == "postgresql"
        self._queued: dict[Deferred, dict[Hashable, dict[str, Any]]] = {}
        self._serial = count()
        self._handed_out: dict[str, int] = {}  # SQLite: the last id new_ids gave, by table

    def defer(self, write: Deferred, row: dict[str, Any], key: Hashable = None) -> None:
        """Queue `row` for `write`; rows of one `key` coalesce, the newest kept (a
        number's status changed twice is written once, as it ends)."""
        rows = self._queued.setdefault(write, {})
        if key is None:
            key = next(self._serial)
        else:
            rows.pop(key, None)  # the newest last: rows keep the order they were deferred
        rows[key] = row

    def queued(self, write: Deferred, key: Hashable) -> dict[str, Any] | None:
        """The row queued for `write` under `key`, not yet written (changes to it are
        written with it), or None."""
        return self._queued.get(write, {}).get(key)

    def new_ids(self, table: sa.Table, n: int) -> list[int]:
        """`n` ids for rows of `table` this transaction will insert with them (queued
        rows that others do not have to wait for), taken without writing the queue:
        PostgreSQL's sequence does not depend on it; on SQLite, after the largest in the
        table and every id handed out before in this transaction (writers are serialised
        by BEGIN IMMEDIATE, so nobody else takes them before it commits)."""
        (key,) = table.primary_key.columns
        if self._bulk:
            params = {"table": table.name, "key": key.name, "n": n}
            return sorted(int(i) for i in self._conn.execute(_NEXT_IDS, params).scalars())
        top = self._conn.execute(sa.select(sa.func.max(key))).scalar() or 0
        top = max(int(top), self._handed_out.get(table.name, 0))
        self._handed_out[table.name] = top + n
        return list(range(top + 1, top + 1 + n))

    def connection(self) -> Connection:
        """The connection, for the next statement, once everything queued is written:
        the only way a repository reaches it, so no statement runs ahead of the queue."""
        if self._queued:
            queued, self._queued = self._queued, {}
            for write in sorted(queued, key=lambda w: w.rank):
                rows = list(queued[write].values())
                if write.bulk is not None and self._bulk and len(rows) > 1:
                    write.bulk(self._conn, rows)
                else:
                    self._conn.execute(write.statement, rows)
        return self._conn
