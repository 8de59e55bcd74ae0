"""The schema rule of SPEC §5: SQLite upgrades itself; PostgreSQL asks for `optdesk db upgrade`."""

from __future__ import annotations

from sqlalchemy import Engine, text

from storage import migrate

_PG_MIGRATION_LOCK = 0x6F70_7464  # "optd": one migrating process at a time


class SchemaOutdated(RuntimeError):
    pass


def upgrade(engine: Engine) -> None:
    """Apply pending migrations; on PostgreSQL under an advisory lock (several servers start)."""
    if engine.dialect.name != "postgresql":
        migrate.upgrade(engine)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        try:
            migrate.upgrade(engine)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
            conn.commit()


def ensure(engine: Engine) -> None:
    """Before any command: migrate SQLite; refuse an old PostgreSQL schema."""
    if engine.dialect.name == "sqlite":
        migrate.upgrade(engine)
    elif not migrate.is_up_to_date(engine):
        raise SchemaOutdated(
            "The database schema is older than this optdesk. Run `optdesk db upgrade` first."
        )
