"""What every use case needs: the unit of work factory, the clock and the desk's settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from consent.model import (
    EFFECT,
    RECORDED_ONLY,
    ConsentEvent,
    EventDraft,
    NumberState,
    Source,
    Status,
)
from consent.notes import ConsentNote, Note, to_payload
from consent.ports import Clock, UnitOfWork, UnitOfWorkFactory
from consent.records import OutboxKind


@dataclass(frozen=True)
class DeskConfig:
    business_name: str = "Your Business"
    business_contact: str | None = None
    public_url: str = "http://localhost:8000"
    link_ttl_days: int = 30
    default_region: str = "US"
    keywords_by: Literal["twilio", "app"] = "twilio"
    notify_channel: str | None = None
    sender: str | None = None  # the number clients text (shown on the thank-you page)
    double_opt_in: bool = False  # a questionnaire Yes waits for the number's reply YES


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Desk:
    """The consent desk's use cases share this: built once in the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    config: DeskConfig


def notify(uow: UnitOfWork, note: Note, at: datetime) -> None:
    """Queue a Slack notification in the same transaction as the change it reports."""
    uow.outbox.add(OutboxKind.SLACK, to_payload(note), at)


def record_change(
    uow: UnitOfWork,
    state: NumberState,
    status: Status,
    source: Source,
    actor: str,
    evidence: Mapping[str, str],
    at: datetime,
    *,
    awaiting_start: bool = False,
    contact_name: str = "",
    note: bool = True,
) -> ConsentEvent:
    """Set a number's status, chain the event into the ledger and queue its notification
    (`note=False` when the caller's own note already tells the change). When the status
    stays the same, the number keeps the time of its last status change (the start of an
    opt-out, which its one confirmation counts from)."""
    since = state.changed_at if state.status is status and state.changed_at else at
    # The event first: the database accepts a status only as the newest event says.
    event = uow.ledger.append(
        EventDraft(state.e164, state.contact_id, status, source, actor, evidence), at
    )
    uow.numbers.set_status(state.id, status, source, since, awaiting_start)
    if not note:
        return event
    change = ConsentNote(
        state.contact_id,
        contact_name,
        state.e164,
        str(status),
        str(state.status),
        str(source),
        actor,
        evidence.get("reason", ""),
        awaiting_start,
        event.seq,
    )
    notify(uow, change, at)
    return event


def record_evidence(
    uow: UnitOfWork,
    state: NumberState,
    source: Source,
    actor: str,
    evidence: Mapping[str, str],
    at: datetime,
) -> ConsentEvent:
    """An event that changes nothing (a second revocation, a Yes that waits for START):
    the number keeps its status, its source and the time of its last change."""
    marked = {**evidence, EFFECT: RECORDED_ONLY}
    draft = EventDraft(state.e164, state.contact_id, state.status, source, actor, marked)
    return uow.ledger.append(draft, at)


def record_without_number(
    uow: UnitOfWork,
    contact_id: int,
    status: Status,
    source: Source,
    actor: str,
    evidence: Mapping[str, str],
    at: datetime,
) -> ConsentEvent:
    """An answer from a contact with no number on file: every answer is evidence."""
    return uow.ledger.append(EventDraft(None, contact_id, status, source, actor, evidence), at)
