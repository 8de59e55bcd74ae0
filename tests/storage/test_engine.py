"""Engine set-up: SQLite pragmas and write locks taken at BEGIN."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.services.context import SystemClock
from storage.engine import WRITE_OPTION, make_engine, normalize_url
from storage.uow import SqlUnitOfWorkFactory


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 10000,
        "synchronous": 1,
    }


def test_a_bare_postgresql_url_uses_psycopg() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"


def _sqlite_factory(tmp_path: Path) -> tuple[Engine, SqlUnitOfWorkFactory]:
    from storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    upgrade(engine)
    return engine, SqlUnitOfWorkFactory(engine, SystemClock())


def test_sqlite_writers_queue_at_begin_while_readers_go_on(tmp_path: Path) -> None:
    engine, factory = _sqlite_factory(tmp_path)
    entered = threading.Event()
    try:
        with factory() as first:
            first.contacts.add("First", None, None)

            def second_writer() -> None:
                with factory() as second:  # BEGIN IMMEDIATE waits for the first writer
                    entered.set()
                    second.contacts.add("Second", None, None)
                    second.commit()

            thread = threading.Thread(target=second_writer)
            thread.start()
            time.sleep(0.3)
            assert not entered.is_set()
            with factory(write=False) as reader:  # a deferred BEGIN does not wait
                assert reader.contacts.count() == 0
            first.commit()
            thread.join(timeout=10)
        assert entered.is_set()
        with factory(write=False) as uow:
            assert uow.contacts.count() == 2
    finally:
        engine.dispose()


def test_a_connection_outside_a_unit_of_work_still_works(tmp_path: Path) -> None:
    engine, _ = _sqlite_factory(tmp_path)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO idempotency_key VALUES ('k', '2025-01-01 00:00:00')"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM idempotency_key")).scalar() == 1
    finally:
        engine.dispose()


def test_a_sqlite_writer_hands_its_turn_on_at_commit_rollback_or_a_failed_begin(
    tmp_path: Path,
) -> None:
    """Writers of one process take turns on a lock (SQLite's busy handler sleeps between
    tries); every way a write transaction ends hands the turn on, so nothing waits on it."""
    engine, factory = _sqlite_factory(tmp_path)
    try:
        for end in ("commit", "rollback", "error"):
            if end == "error":
                with pytest.raises(RuntimeError), factory() as uow:
                    uow.contacts.add("Dropped", None, None)
                    raise RuntimeError("boom")
            else:
                with factory() as uow:
                    uow.contacts.add(end, None, None)
                    if end == "commit":
                        uow.commit()
            done = threading.Event()

            def next_writer(done: threading.Event) -> None:
                with factory() as uow:
                    uow.contacts.count()
                done.set()

            thread = threading.Thread(target=next_writer, args=(done,))
            thread.start()
            thread.join(timeout=5)
            assert done.is_set(), f"the turn was not handed on after {end}"
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            conn.begin()  # a connection outside a unit of work takes and gives back its turn too
            conn.rollback()
        with factory() as uow:
            assert uow.contacts.count() == 1
    finally:
        engine.dispose()
