"""Engines for SQLite (one machine) and PostgreSQL (several processes)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

__all__ = ["WRITE_OPTION", "Engine", "make_engine", "missing_sqlite_file", "normalize_url"]

# Under Twilio's 15 s webhook timeout: a request that cannot get the lock answers 503
# (and Twilio retries) rather than being abandoned mid-wait.
SQLITE_BUSY_TIMEOUT_S = 10
PG_CONNECT_TIMEOUT_S = 10
# Execution option read by the SQLite `begin` hook: True takes the write lock at BEGIN.
WRITE_OPTION = "optdesk_write"


def normalize_url(url: str | URL) -> URL:
    """Parse `url`; a bare `postgresql://` means psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def missing_sqlite_file(url: str | URL) -> str | None:
    """The absolute path of the SQLite file `url` names, when that file does not exist.

    Opening it would create a new, empty database: a relative path (the default
    `./optdesk.db`) read from another folder silently starts a second desk.
    None for PostgreSQL, in-memory SQLite and files that exist."""
    parsed = normalize_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    path = Path(database).resolve()
    return None if path.exists() else str(path)


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and BEGIN IMMEDIATE for writers.

    Use a file for SQLite: an in-memory database (`sqlite://`) is private to
    each pooled connection, so threads would not see each other's data.
    """
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        writers = _Writers()
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
        return engine
    if backend == "postgresql":
        kwargs.setdefault("connect_args", {"connect_timeout": PG_CONNECT_TIMEOUT_S})
        return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
    return sa.create_engine(parsed, **kwargs)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module: it would BEGIN
    # (deferred) on its own, so concurrent writers could deadlock upgrading
    # a read lock. `_Writers.begin` emits the BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class _Writers:
    """SQLite's writers in this process take turns on a lock before BEGIN IMMEDIATE.

    SQLite's own wait for its write lock (the busy handler) sleeps 1, 2, 5, 10 ... ms
    between tries, so a STOP batch that met the dispatcher's write waited whole
    milliseconds after the lock was free; a lock in the process hands over at once.
    Another process still meets SQLite's lock and busy handler. A writer that cannot
    have the lock within the busy timeout (a second write transaction in one thread)
    goes on to BEGIN IMMEDIATE anyway, and SQLite decides, as it did without the lock."""

    _KEY = "optdesk.writer"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, conn: Connection) -> None:
        if not conn.get_execution_options().get(WRITE_OPTION, True):
            conn.exec_driver_sql("BEGIN")
            return
        held = self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if held:
                self._lock.release()
            raise
        conn.info[self._KEY] = held

    def end(self, conn: Connection) -> None:
        if conn.info.pop(self._KEY, False):
            self._lock.release()
