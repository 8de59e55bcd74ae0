"""Contact renames: staff give a contact first named by its number a name (SPEC §4).

Revision ID: 0007_contact_rename
Revises: 0006_language
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_contact_rename"
down_revision: str | None = "0006_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_rename",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("old_name", sa.String(), nullable=False),
        sa.Column("new_name", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_contact_rename_contact_id_contact"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_rename"),
    )
    op.create_index("ix_contact_rename_contact_id", "contact_rename", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_rename_contact_id", table_name="contact_rename")
    op.drop_table("contact_rename")
