"""A contact's language, and the language a questionnaire link was issued in (SPEC §1).

- `contact.language`: `en` (every existing contact) or `es`: the language of the texts the
  app writes the contact.
- `questionnaire_link.language`: chosen by staff (`/sms link --lang es`); NULL, as on
  every existing link, lets the page follow the client's browser.

The ledger needs no column: the language and disclaimer version the client saw go into
each event's evidence, as the disclaimer text always has.

Revision ID: 0006_language
Revises: 0005_read_indexes
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_language"
down_revision: str | None = "0005_read_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("language", sa.String(), nullable=False, server_default="en"))
    with op.batch_alter_table("questionnaire_link") as batch:
        batch.add_column(sa.Column("language", sa.String(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: copying `contact` would drop
    # what reflection cannot see (0005's lower(email) index and its tally triggers).
    op.drop_column("questionnaire_link", "language")
    op.drop_column("contact", "language")
