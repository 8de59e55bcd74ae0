"""The tables that keep the desk's own bookkeeping, beside the consent records of
storage.tables: renames, Slack threads, idempotency keys, the outbox and the tallies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.columns import text as _text
from storage.columns import when as _when
from storage.types import JSONText


class ContactRenameRow(SQLModel, table=True):
    """Staff renamed a contact: who, when, and the name before (shown in its history)."""

    __tablename__ = "contact_rename"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    old_name: str = _text()
    new_name: str = _text()
    actor: str = _text()
    at: datetime = _when()


class SlackThreadRow(SQLModel, table=True):
    """Which Slack thread holds a contact's conversation, per channel."""

    __tablename__ = "slack_thread"
    __table_args__ = (sa.Index("ix_slack_thread_channel_ts", "channel", "ts"),)

    channel: str = Field(primary_key=True, sa_type=sa.String)
    contact_id: int = Field(primary_key=True, foreign_key="contact.id")
    ts: str = _text()


class IdempotencyKeyRow(SQLModel, table=True):
    __tablename__ = "idempotency_key"

    key: str = Field(primary_key=True, sa_type=sa.String)
    created_at: datetime = _when()


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_status_due_at", "status", "due_at"),
        sa.CheckConstraint("status IN ('pending', 'inflight', 'done', 'failed')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _text()
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONText, nullable=False)
    message_id: int | None = Field(default=None, foreign_key="message.id", nullable=True)
    status: str = _text()
    due_at: datetime = _when()
    attempts: int = Field(default=0)
    leased_until: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    created_at: datetime = _when()


class TallyRow(SQLModel, table=True):
    """Counts kept by database triggers (migration 0005): numbers per status, and contacts
    under the name "contact". A count is `sum(n)` of its name's rows: one row per name on
    SQLite, delta rows folded every few hundred changes on PostgreSQL."""

    __tablename__ = "tally"

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
    )
    name: str = _text()
    n: int = Field(sa_type=sa.BigInteger, nullable=False)
