"""Apply and inspect the Alembic migrations shipped inside this package, and the schema
rule of SPEC §5: SQLite upgrades itself; PostgreSQL asks for `optdesk db upgrade`."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine

from storage.engine import WRITE_OPTION, make_engine

# The one migration lock. Any constant will do: it only has to be the same in every
# optdesk process.
_PG_MIGRATION_LOCK = 0x0F7DE5C
_HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    """The packaged storage/alembic.ini, pointed at the packaged migrations.

    Paths come from this file's location (pip installs packages unpacked),
    which also works when the package is a namespace package by accident.
    """
    config = Config(str(_HERE / "alembic.ini"))
    config.set_main_option("script_location", str(_HERE / "migrations"))
    return config


def _engine(engine_or_url: Engine | str | URL) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True


def upgrade(engine_or_url: Engine | str | URL, revision: str = "head") -> None:
    """Bring the schema up to `revision`; safe when several processes start at once (on
    PostgreSQL the migrating transaction holds an advisory lock until it ends)."""
    engine, owned = _engine(engine_or_url)
    try:
        config = alembic_config()
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        if owned:
            engine.dispose()


class SchemaOutdated(RuntimeError):
    pass


def ensure(engine: Engine) -> None:
    """Before any command: migrate SQLite; refuse an old PostgreSQL schema."""
    if engine.dialect.name == "sqlite":
        upgrade(engine)
    elif not is_up_to_date(engine):
        raise SchemaOutdated(
            "The database schema is older than this optdesk. Run `optdesk db upgrade` first."
        )


def revision_of(conn: Connection) -> str | None:
    """The revision stamped in the database `conn` points at (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    with engine.connect().execution_options(**{WRITE_OPTION: False}) as conn:
        return revision_of(conn)


@cache  # the scripts ship with the code: they can't change while it runs
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def check_models_match(engine_or_url: Engine | str | URL) -> list[Any]:
    """Differences between the migrated database and the models (`alembic check`): [] is good."""
    import storage.tables

    engine, owned = _engine(engine_or_url)
    try:
        with (
            engine.connect().execution_options(**{WRITE_OPTION: False}) as conn,
            warnings.catch_warnings(),
        ):
            # SQLite's reflection cannot read the lower(email) index back; it is compared
            # on PostgreSQL, and the migration creates it on both.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expr")
            context = MigrationContext.configure(conn, opts=compare_options())
            return list(compare_metadata(context, storage.tables.metadata))
    finally:
        if owned:
            engine.dispose()


def compare_options() -> dict[str, Any]:
    """Autogenerate settings shared by env.py and `check_models_match`."""
    return {"compare_type": True, "render_as_batch": True}


def database_status(engine: Engine) -> dict[str, Any]:
    """What /healthz reports: reachable, schema revision and whether it is current.

    Never raises: a failure comes back as `ok: False` with a short error.
    """
    status: dict[str, Any] = {"ok": False, "dialect": engine.dialect.name}
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: False}) as conn:
            conn.execute(text("SELECT 1"))
            revision = revision_of(conn)
        head = head_revision()
    except Exception as exc:  # health checks report, they don't raise
        status["error"] = _short_error(exc)
        return status
    status.update(revision=revision, head=head, ok=revision == head)
    if revision != head:
        status["error"] = "schema is not at the newest revision: run `optdesk db upgrade`"
        status["outdated"] = True
    return status


def _short_error(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    first_line = (str(inner).strip().splitlines() or [""])[0]
    return f"{type(inner).__name__}: {first_line}"[:300]
