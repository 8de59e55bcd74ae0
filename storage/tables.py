"""The schema as SQLModel tables; repositories use their Core `Table`s (see `t`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage import side_tables  # noqa: F401  (its tables join the metadata below)
from storage.columns import text as _text
from storage.columns import when as _when
from storage.types import JSONText

_STATUSES = "'opted in', 'opted out', 'not subscribed'"


class ProjectRow(SQLModel, table=True):
    __tablename__ = "project"

    id: int | None = Field(default=None, primary_key=True)
    name: str = _text()
    name_key: str = _text(unique=True)  # casefolded name: unique whatever the case
    channel_id: str | None = _text(nullable=True)


_LIVE_LINK = sa.text("answered_at IS NULL")
_OPEN_REQUEST = sa.text("closed_at IS NULL")
# In the partial indexes although always NULL there: SQLite then answers from the index.
_ANSWERED, _CLOSED = "answered_at", "closed_at"


def _counter() -> Any:
    return Field(default=0, sa_column_kwargs={"server_default": "0"})


def _partial(name: str, where: sa.TextClause, *columns: str) -> sa.Index:
    return sa.Index(name, *columns, sqlite_where=where, postgresql_where=where)


def _filter_indexes() -> tuple[sa.Index, ...]:
    """Each App Home filter in name order, alone and within a project (migration 0008):
    partial, so a page reads only the contacts that match."""
    found = []
    for short, where in (
        ("opted_in", "numbers_opted_in > 0"),
        ("opted_out", "numbers_opted_out > 0"),
        ("not_subscribed", "numbers_not_subscribed > 0"),
        ("pending", "pending_until IS NOT NULL"),
    ):
        last = ("pending_until",) if short == "pending" else ()
        found.append(_partial(f"ix_contact_{short}", sa.text(where), "name_key", "id", *last))
        found.append(
            _partial(
                f"ix_contact_project_{short}", sa.text(where), "project_id", "name_key", "id", *last
            )
        )
    pending = sa.text("pending_until IS NOT NULL")
    return (*found, _partial("ix_contact_pending_until", pending, "pending_until"))


class ContactRow(SQLModel, table=True):
    """Indexed for every App Home order: by name, within a project, each filter
    (`lower(email)` too, added below).

    The `numbers_*` counters and `pending_until` are kept by triggers (migration 0008):
    how many of the contact's numbers have each status, and the latest expiry of its
    unanswered links and open double opt-in requests (pending while it is in the future).
    """

    __tablename__ = "contact"
    __table_args__ = (
        sa.Index("ix_contact_name_key_id", "name_key", "id"),
        sa.Index("ix_contact_project_id_name_key_id", "project_id", "name_key", "id"),
        *_filter_indexes(),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = _text()
    name_key: str = _text(index=True)
    email: str | None = _text(nullable=True, index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", nullable=True)
    created_at: datetime = _when()
    language: str = Field(
        default="en", sa_type=sa.String, sa_column_kwargs={"server_default": "en"}
    )
    numbers_opted_in: int = _counter()
    numbers_opted_out: int = _counter()
    numbers_not_subscribed: int = _counter()
    pending_until: datetime | None = _when(nullable=True)


class PhoneNumberRow(SQLModel, table=True):
    __tablename__ = "phone_number"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        sa.Index("ix_phone_number_contact_id_status", "contact_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    e164: str = _text(unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    status: str = _text()
    status_source: str | None = _text(nullable=True)
    status_changed_at: datetime | None = _when(nullable=True)
    awaiting_start: bool = Field(default=False)


class ConsentEventRow(SQLModel, table=True):
    """Append-only; on PostgreSQL a trigger refuses UPDATE and DELETE."""

    __tablename__ = "consent_event"
    __table_args__ = (sa.CheckConstraint(f"status IN ({_STATUSES})", name="status"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    phone: str | None = _text(nullable=True, index=True)  # None: a contact with no number
    contact_id: int = Field(foreign_key="contact.id", index=True)
    status: str = _text()
    source: str = _text()
    actor: str = _text()
    evidence: dict[str, str] = Field(default_factory=dict, sa_type=JSONText, nullable=False)
    at: datetime = _when()
    prev_hash: str = _text()
    hash: str = _text()


class LedgerHeadRow(SQLModel, table=True):
    """One row (id 1): the newest seq and hash; locking it serialises appends."""

    __tablename__ = "ledger_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int
    hash: str = _text()


class LinkRow(SQLModel, table=True):
    __tablename__ = "questionnaire_link"
    __table_args__ = (
        _partial(
            "ix_questionnaire_link_live_contact", _LIVE_LINK, "contact_id", "expires_at", _ANSWERED
        ),
        _partial(
            "ix_questionnaire_link_live_expiry", _LIVE_LINK, "expires_at", "contact_id", _ANSWERED
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = _text(unique=True)  # sha256 hex of the token, never the token
    contact_id: int = Field(foreign_key="contact.id", index=True)
    required: bool = Field(default=False)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    created_by: str = _text()
    answered_at: datetime | None = _when(nullable=True)
    bound_e164: str | None = _text(nullable=True)  # the number this link opted in
    language: str | None = _text(nullable=True)  # None: the page follows the browser


class OptInRequestRow(SQLModel, table=True):
    """Double opt-in: a questionnaire Yes waiting for the number's reply YES."""

    __tablename__ = "opt_in_request"
    __table_args__ = (
        _partial(
            "ix_opt_in_request_open_contact", _OPEN_REQUEST, "contact_id", "expires_at", _CLOSED
        ),
        _partial(
            "ix_opt_in_request_open_expiry", _OPEN_REQUEST, "expires_at", "contact_id", _CLOSED
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    e164: str = _text(index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    link_id: int = Field(foreign_key="questionnaire_link.id")
    evidence: dict[str, str] = Field(default_factory=dict, sa_type=JSONText, nullable=False)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)


class MessageRow(SQLModel, table=True):
    __tablename__ = "message"
    __table_args__ = (sa.Index("ix_message_contact_id_id", "contact_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    direction: str = _text()
    contact_id: int = Field(foreign_key="contact.id")
    e164: str = _text(index=True)
    body: str = Field(sa_type=sa.Text, nullable=False)
    kind: str = _text()
    status: str = _text()
    author: str | None = _text(nullable=True)
    twilio_sid: str | None = _text(nullable=True, unique=True)
    error: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    media: list[Any] = Field(default_factory=list, sa_type=JSONText, nullable=False)
    send_after: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    hold_reason: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


metadata = SQLModel.metadata

# Core tables for the repositories: statements, not ORM object loading.
project_t = metadata.tables["project"]
contact_t = metadata.tables["contact"]
phone_t = metadata.tables["phone_number"]
event_t = metadata.tables["consent_event"]
head_t = metadata.tables["ledger_head"]
link_t = metadata.tables["questionnaire_link"]
request_t = metadata.tables["opt_in_request"]
message_t = metadata.tables["message"]
thread_t = metadata.tables["slack_thread"]
idempotency_t = metadata.tables["idempotency_key"]
outbox_t = metadata.tables["outbox"]
tally_t = metadata.tables["tally"]

# Case-insensitive email lookups (contacts.find) without a scan.
sa.Index("ix_contact_lower_email", sa.func.lower(contact_t.c.email))
rename_t = metadata.tables["contact_rename"]
