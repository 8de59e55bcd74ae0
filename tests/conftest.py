"""Databases for storage tests: SQLite always, PostgreSQL when OPTDESK_TEST_POSTGRES_URL is set.

Written to move to tests/conftest.py unchanged: `db_url` (a fresh, empty
database per test), `migrated_engine` (that database at the newest schema) and
`uow_factory` (units of work on it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from consent.services.context import Desk, DeskConfig
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.support import FixedClock

POSTGRES_ENV = "OPTDESK_TEST_POSTGRES_URL"


def _server(base_url: str) -> Engine:
    """An autocommit engine on the server's `postgres` database (CREATE/DROP DATABASE)."""
    url = make_url(base_url).set(database="postgres")
    return make_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}")
    name = f"optdesk_test_{uuid.uuid4().hex[:12]}"
    server = _server(base)
    try:
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'optdesk.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind; the test runs once per kind."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def migrated_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(migrated_engine: Engine, clock: FixedClock) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(migrated_engine, clock)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def desk(uow_factory: SqlUnitOfWorkFactory, clock: FixedClock) -> Desk:
    """The desk's use cases on a migrated database, at noon in New York."""
    return Desk(
        uow_factory, clock, DeskConfig(business_name="Lumen Studio", notify_channel="C0NOTIFY")
    )
