"""One world per corpus module: SQLite always; PostgreSQL for the subset module when set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from tests.corpus.world import World, running_world

POSTGRES_ENV = "OPTDESK_TEST_POSTGRES_URL"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("corpus") / "optdesk.db"
    with running_world(f"sqlite:///{path}") as running:
        yield running


@pytest.fixture(scope="module")
def pg_world() -> Iterator[World]:
    """The same world on a fresh PostgreSQL database (dropped afterwards)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL corpus cases need {POSTGRES_ENV}")
    name = f"optdesk_corpus_{uuid.uuid4().hex[:12]}"
    server = make_engine(
        make_url(base).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    try:
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        try:
            with running_world(url) as running:
                yield running
        finally:
            with server.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()
