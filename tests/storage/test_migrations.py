"""The migrations build exactly the models' schema, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.model import GENESIS_HASH
from consent.services.context import SystemClock
from storage import migrate
from storage.engine import make_engine
from storage.migrate import database_status


def test_migrated_schema_matches_the_models(migrated_engine: Engine) -> None:
    assert migrate.check_models_match(migrated_engine) == []


def test_the_packaged_migrations_have_one_head() -> None:
    assert migrate.head_revision() == "0009_statement_triggers"


def test_migration_creates_the_ledger_head_at_genesis(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, seq, hash FROM ledger_head")).all()
    assert [tuple(row) for row in rows] == [(1, 0, GENESIS_HASH)]


def test_upgrade_is_idempotent_and_reports_up_to_date(migrated_engine: Engine) -> None:
    migrate.upgrade(migrated_engine)
    assert migrate.current_revision(migrated_engine) == "0009_statement_triggers"
    assert migrate.is_up_to_date(migrated_engine)


def test_a_fresh_database_is_not_up_to_date_until_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        assert not migrate.is_up_to_date(engine)
        migrate.upgrade(db_url)  # by URL too
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_database_status_reports_a_migrated_database_ok(migrated_engine: Engine) -> None:
    status = database_status(migrated_engine)
    assert status["ok"] is True
    assert status["revision"] == status["head"] == "0009_statement_triggers"
    assert status["dialect"] == migrated_engine.dialect.name


def test_database_status_flags_an_unmigrated_database(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        status = database_status(engine)
    finally:
        engine.dispose()
    assert status["ok"] is False
    assert status["revision"] is None
    assert "optdesk db upgrade" in status["error"]


def test_database_status_never_raises_on_an_unreachable_database() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    try:
        status = database_status(engine)
    finally:
        engine.dispose()
    assert status["ok"] is False
    assert status["dialect"] == "postgresql"
    assert status["error"]


def test_downgrade_to_base_and_back(migrated_engine: Engine) -> None:
    from alembic import command

    config = migrate.alembic_config()
    with migrated_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert migrate.current_revision(migrated_engine) is None
    assert sa.inspect(migrated_engine).get_table_names() == ["alembic_version"]
    migrate.upgrade(migrated_engine)
    assert migrate.check_models_match(migrated_engine) == []


def test_0002_keeps_every_event_and_its_hash_and_allows_events_without_a_number(
    db_url: str,
) -> None:
    from datetime import UTC, datetime

    from consent.model import EventDraft, Source, Status, verify_chain
    from storage.uow import SqlUnitOfWorkFactory

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0001_initial")
        at = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
        with engine.begin() as conn:
            contact = conn.execute(
                sa.text(
                    "INSERT INTO contact (name, name_key, created_at) "
                    "VALUES ('Ann', 'ann', :at) RETURNING id"
                ),
                {"at": at},
            ).scalar_one()
        factory = SqlUnitOfWorkFactory(engine, SystemClock())
        with factory() as uow:
            for phone in ("+14155550100", "+14155550101"):
                draft = EventDraft(phone, contact, Status.OPTED_IN, Source.QUESTIONNAIRE, "c")
                uow.ledger.append(draft, at)
            uow.commit()
        with factory(write=False) as uow:
            before = verify_chain(uow.ledger.all())
        migrate.upgrade(engine)
        with factory() as uow:
            after = verify_chain(uow.ledger.all())
            assert (after.ok, after.count, after.head) == (True, 2, before.head)
            draft = EventDraft(None, contact, Status.OPTED_OUT, Source.QUESTIONNAIRE, "c")
            uow.ledger.append(draft, at)
            uow.commit()
        with factory(write=False) as uow:
            report = verify_chain(uow.ledger.all())
        assert report.ok and report.count == 3
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text("UPDATE consent_event SET actor = 'x'"))
    finally:
        engine.dispose()


def test_0006_gives_every_existing_contact_english_and_every_existing_link_no_language(
    db_url: str,
) -> None:
    """Contacts made before languages keep getting English texts; their links keep
    following the client's browser."""
    from datetime import UTC, datetime

    from consent.language import Language
    from storage.uow import SqlUnitOfWorkFactory

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0003_status_follows_ledger")
        at = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
        with engine.begin() as conn:
            contact = conn.execute(
                sa.text(
                    "INSERT INTO contact (name, name_key, created_at) "
                    "VALUES ('Ann', 'ann', :at) RETURNING id"
                ),
                {"at": at},
            ).scalar_one()
            conn.execute(
                sa.text(
                    "INSERT INTO questionnaire_link (token_hash, contact_id, required, "
                    "created_at, expires_at, created_by) VALUES ('h', :c, false, :at, :at, 'U1')"
                ),
                {"c": contact, "at": at},
            )
        migrate.upgrade(engine)
        with SqlUnitOfWorkFactory(engine, SystemClock())(write=False) as uow:
            found = uow.contacts.get(contact)
            link = uow.links.get("h")
        assert found is not None and found.language is Language.EN
        assert link is not None and link.language is None
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_servers_that_start_at_once_migrate_one_after_another_under_one_lock(
    postgres_url: str,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = make_engine(postgres_url)
    try:
        with ThreadPoolExecutor(4) as pool:
            done = list(pool.map(lambda _: migrate.upgrade(postgres_url), range(4)))
        assert done == [None] * 4
        assert migrate.is_up_to_date(engine)
        assert migrate.check_models_match(engine) == []
    finally:
        engine.dispose()
