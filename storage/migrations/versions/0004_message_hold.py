"""Why a text waits, and when it was handed over to be sent (state texting laws).

- `message.hold_reason`: why a waiting text waits (a state's window or cap, quiet
  hours); its due time, `send_after`, says until when. `/sms scheduled` shows both.
- `message.sent_at`: when the gate let the text go; automated texts count against a
  state's "three in 24 hours" from then. Texts sent before this revision have none (the
  cap counts them by their due time).

Revision ID: 0004_message_hold
Revises: 0003_status_follows_ledger
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_message_hold"
down_revision: str | None = "0003_status_follows_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("hold_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("hold_reason")
        batch.drop_column("sent_at")
