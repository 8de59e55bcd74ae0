"""Alembic environment: a connection passed in by storage.migrate, else a URL.

`storage.migrate.upgrade` hands its connection over in
`config.attributes["connection"]`; the `alembic` command line gets the URL
from `config.attributes["url"]`, `sqlalchemy.url` or OPTDESK_DATABASE_URL.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

import storage.tables
from storage.engine import make_engine
from storage.migrate import compare_options

config = context.config
target_metadata = storage.tables.metadata


def _url() -> str:
    url = (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("OPTDESK_DATABASE_URL")
    )
    if not url:
        raise RuntimeError("no database URL: set OPTDESK_DATABASE_URL")
    return str(url)


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite alters tables by copying them. foreign_keys is ON
    # (storage.engine) and cannot be switched off inside this transaction; a
    # batch migration that recreates a referenced table should first run
    # `PRAGMA defer_foreign_keys = ON` (allowed mid-transaction) on SQLite.
    context.configure(connection=connection, target_metadata=target_metadata, **compare_options())
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, **compare_options()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
