"""A number's status changes only with its consent event (triggers on phone_number).

The send gate reads `phone_number.status`; the ledger is the evidence. The database now
refuses an INSERT or UPDATE whose status or source is not what the number's newest event
says (no event: `not subscribed`, no source). Events that only record an answer and change
nothing (evidence `"effect": "recorded only"`: a second revocation, a Yes that waits for
START) are passed over: the number keeps the status and source its last change gave it. Someone who drops the trigger is still
caught by `optdesk ledger verify`, which replays every number's events.

Revision ID: 0003_status_follows_ledger
Revises: 0002_link_binding_double_opt_in
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_status_follows_ledger"
down_revision: str | None = "0002_link_binding_double_opt_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "a number''s status changes only with its consent event"
_ORDER = "ORDER BY seq DESC LIMIT 1"
_WHERE = "FROM consent_event WHERE phone = NEW.e164 AND"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    elif op.get_bind().dialect.name == "sqlite":
        _sqlite()


def _sqlite() -> None:
    newest = f"{_WHERE} json_extract(evidence, '$.effect') IS NULL {_ORDER}"
    matches = (
        f"COALESCE((SELECT status {newest}), 'not subscribed') = NEW.status "
        f"AND (SELECT source {newest}) IS NEW.status_source"
    )
    for name, action in (("insert", "INSERT"), ("update", "UPDATE OF status, status_source")):
        op.execute(
            f"""
            CREATE TRIGGER phone_number_status_follows_ledger_{name}
            BEFORE {action} ON phone_number
            WHEN NOT ({matches})
            BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END
            """
        )


def _postgres() -> None:
    op.execute(
        f"""
        CREATE FUNCTION phone_number_status_follows_ledger() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            newest record;
        BEGIN
            SELECT status, source INTO newest
                {_WHERE} (evidence::jsonb ->> 'effect') IS NULL {_ORDER};
            IF NOT FOUND THEN
                IF NEW.status = 'not subscribed' AND NEW.status_source IS NULL THEN
                    RETURN NEW;
                END IF;
            ELSIF NEW.status = newest.status
                AND NEW.status_source IS NOT DISTINCT FROM newest.source THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{REFUSAL}';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER phone_number_status_follows_ledger
        BEFORE INSERT OR UPDATE OF status, status_source ON phone_number
        FOR EACH ROW EXECUTE FUNCTION phone_number_status_follows_ledger()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS phone_number_status_follows_ledger_insert")
        op.execute("DROP TRIGGER IF EXISTS phone_number_status_follows_ledger_update")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS phone_number_status_follows_ledger ON phone_number")
        op.execute("DROP FUNCTION IF EXISTS phone_number_status_follows_ledger()")
