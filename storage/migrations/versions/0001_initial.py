"""Initial schema: contacts, numbers, the consent ledger, links, messages, outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2025-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64  # consent.model.GENESIS_HASH, frozen here as of this revision
STATUSES = "status IN ('opted in', 'opted out', 'not subscribed')"


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("channel_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_project"),
        sa.UniqueConstraint("name_key", name="uq_project_name_key"),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_contact_project_id_project"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact"),
    )
    op.create_index("ix_contact_name_key", "contact", ["name_key"])
    op.create_index("ix_contact_email", "contact", ["email"])

    op.create_table(
        "phone_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("status_source", sa.String(), nullable=True),
        _when("status_changed_at", nullable=True),
        sa.Column("awaiting_start", sa.Boolean(), nullable=False),
        sa.CheckConstraint(STATUSES, name="ck_phone_number_status"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_phone_number_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_phone_number"),
        sa.UniqueConstraint("e164", name="uq_phone_number_e164"),
    )
    op.create_index("ix_phone_number_contact_id", "phone_number", ["contact_id"])

    op.create_table(
        "consent_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        _when("at"),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.CheckConstraint(STATUSES, name="ck_consent_event_status"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_consent_event_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("seq", name="pk_consent_event"),
    )
    op.create_index("ix_consent_event_phone", "consent_event", ["phone"])
    op.create_index("ix_consent_event_contact_id", "consent_event", ["contact_id"])

    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])

    op.create_table(
        "questionnaire_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        sa.Column("created_by", sa.String(), nullable=False),
        _when("answered_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_questionnaire_link_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_link"),
        sa.UniqueConstraint("token_hash", name="uq_questionnaire_link_token_hash"),
    )
    op.create_index("ix_questionnaire_link_contact_id", "questionnaire_link", ["contact_id"])

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("twilio_sid", sa.String(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("media", sa.Text(), nullable=False),
        _when("send_after", nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_message_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message"),
        sa.UniqueConstraint("twilio_sid", name="uq_message_twilio_sid"),
    )
    op.create_index("ix_message_contact_id_id", "message", ["contact_id", "id"])
    op.create_index("ix_message_e164", "message", ["e164"])

    op.create_table(
        "slack_thread",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_slack_thread_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("channel", "contact_id", name="pk_slack_thread"),
    )
    op.create_index("ix_slack_thread_channel_ts", "slack_thread", ["channel", "ts"])

    op.create_table(
        "idempotency_key",
        sa.Column("key", sa.String(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("key", name="pk_idempotency_key"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        _when("due_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("leased_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("created_at"),
        sa.CheckConstraint(
            "status IN ('pending', 'inflight', 'done', 'failed')", name="ck_outbox_status"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name="fk_outbox_message_id_message"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_status_due_at", "outbox", ["status", "due_at"])

    if op.get_bind().dialect.name == "postgresql":
        _append_only_trigger()
    elif op.get_bind().dialect.name == "sqlite":
        _sqlite_append_only_triggers()


def _sqlite_append_only_triggers() -> None:
    # The same refusal on SQLite; someone with the file can still drop it, and then
    # the hash chain is what shows the edit.
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"""
            CREATE TRIGGER consent_event_no_{action.lower()}
            BEFORE {action} ON consent_event
            BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END
            """
        )


def _append_only_trigger() -> None:
    # Evidence must never change: refuse UPDATE and DELETE at the database.
    op.execute(
        """
        CREATE FUNCTION consent_event_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'consent events are append-only';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER consent_event_append_only
        BEFORE UPDATE OR DELETE ON consent_event
        FOR EACH ROW EXECUTE FUNCTION consent_event_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER consent_event_no_truncate
        BEFORE TRUNCATE ON consent_event
        FOR EACH STATEMENT EXECUTE FUNCTION consent_event_append_only()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS consent_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS consent_event_no_delete")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS consent_event_no_truncate ON consent_event")
        op.execute("DROP TRIGGER IF EXISTS consent_event_append_only ON consent_event")
        op.execute("DROP FUNCTION IF EXISTS consent_event_append_only()")
    for table in (
        "outbox",
        "idempotency_key",
        "slack_thread",
        "message",
        "questionnaire_link",
        "ledger_head",
        "consent_event",
        "phone_number",
        "contact",
        "project",
    ):
        op.drop_table(table)
