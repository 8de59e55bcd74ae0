"""One client per link, double opt-in requests, and events from a contact with no number.

- `questionnaire_link.bound_e164`: the number a link opted in (a later Yes on it with
  another number is refused).
- `opt_in_request`: a questionnaire Yes waiting for the number's reply YES
  (OPTDESK_DOUBLE_OPT_IN).
- `consent_event.phone` may be NULL: a No from a contact with no number on file is
  still an event. Existing rows and their hashes are unchanged (a NULL phone hashes
  as JSON null, which no earlier event has). On SQLite the table is copied to drop
  NOT NULL, so its append-only triggers are dropped first and created again after.

Revision ID: 0002_link_binding_double_opt_in
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_link_binding_double_opt_in"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = ("UPDATE", "DELETE")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_sqlite_triggers() -> None:
    for action in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS consent_event_no_{action.lower()}")


def _create_sqlite_triggers() -> None:
    # As in 0001_initial: consent events are append-only.
    for action in _SQLITE_TRIGGERS:
        op.execute(
            f"""
            CREATE TRIGGER consent_event_no_{action.lower()}
            BEFORE {action} ON consent_event
            BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END
            """
        )


def _event_phone(nullable: bool) -> None:
    if _sqlite():
        _drop_sqlite_triggers()
    with op.batch_alter_table("consent_event") as batch:
        batch.alter_column("phone", existing_type=sa.String(), nullable=nullable)
    if _sqlite():
        _create_sqlite_triggers()


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_link") as batch:
        batch.add_column(sa.Column("bound_e164", sa.String(), nullable=True))
    op.create_table(
        "opt_in_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_opt_in_request_contact_id_contact"
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["questionnaire_link.id"], name="fk_opt_in_request_link_id_questionnaire_link"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_opt_in_request"),
    )
    op.create_index("ix_opt_in_request_e164", "opt_in_request", ["e164"])
    op.create_index("ix_opt_in_request_contact_id", "opt_in_request", ["contact_id"])
    _event_phone(nullable=True)


def downgrade() -> None:
    # Events without a number cannot go back under NOT NULL: downgrading needs none.
    _event_phone(nullable=False)
    op.drop_index("ix_opt_in_request_contact_id", table_name="opt_in_request")
    op.drop_index("ix_opt_in_request_e164", table_name="opt_in_request")
    op.drop_table("opt_in_request")
    with op.batch_alter_table("questionnaire_link") as batch:
        batch.drop_column("bound_e164")
