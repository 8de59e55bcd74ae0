"""Plain records that cross the storage port (no behaviour, no framework types)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from consent.language import Language
from consent.model import SendKind, Source


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class Delivery(StrEnum):
    """Where an outbound text stands; `refused` and `failed` never leave us / never arrive."""

    QUEUED = "queued"  # in our outbox
    WAITING = "waiting"  # held for quiet hours
    REFUSED = "refused"  # the gate said no at the moment of sending
    ACCEPTED = "accepted"  # handed to Twilio
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    RECEIVED = "received"  # inbound
    CANCELLED = "cancelled"  # staff cancelled it before it went out


# A later status callback never moves a message back down this ladder.
DELIVERY_RANK: dict[str, int] = {
    "queued": 0,
    "waiting": 0,
    "accepted": 1,
    "scheduled": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 5,
    "read": 6,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
    "partially_delivered": 4,
    "refused": 9,
    "received": 9,
    "cancelled": 9,
}


@dataclass(frozen=True)
class Link:
    id: int
    contact_id: int
    required: bool
    created_at: datetime
    expires_at: datetime
    created_by: str
    answered_at: datetime | None = None
    bound_e164: str | None = None  # the number this link opted in: the link is that client's
    language: Language | None = None  # chosen by staff; None: the page follows the browser


@dataclass(frozen=True)
class WaitingRow:
    """An outbound text not claimed for sending yet (scheduled, broadcast, or held)."""

    message_id: int
    contact_id: int
    contact: str
    e164: str
    body: str
    kind: str  # SendKind
    due_at: datetime
    broadcast: int | None = None  # the broadcast it belongs to (its first text's id)
    project: str = ""  # the broadcast's project


@dataclass(frozen=True)
class NewOptOut:
    """A number not on file that an imported list opts out (its contact is named `name`)."""

    e164: str
    name: str
    source: Source
    actor: str
    evidence: Mapping[str, str]


@dataclass(frozen=True)
class Rename:
    """Staff renamed a contact (a contact first named by its number gets a real name)."""

    id: int
    contact_id: int
    old_name: str
    new_name: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class OptInRequest:
    """Double opt-in: a questionnaire Yes waiting for the number's reply YES."""

    id: int
    e164: str
    contact_id: int
    link_id: int
    evidence: Mapping[str, str]  # the web answer's evidence, joined to the reply's
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Message:
    id: int
    direction: Direction
    contact_id: int
    e164: str
    body: str
    kind: str  # SendKind for outbound, "inbound" for inbound
    status: str
    created_at: datetime
    author: str | None = None
    twilio_sid: str | None = None
    error: str | None = None
    media: tuple[str, ...] = ()
    send_after: datetime | None = None
    sent_at: datetime | None = None  # handed over to be sent (counts against a state's cap)
    hold_reason: str | None = None  # why a waiting text waits (until `send_after`)


@dataclass(frozen=True)
class OutboundDraft:
    contact_id: int
    e164: str
    body: str
    kind: SendKind
    author: str | None
    send_after: datetime
    hold_reason: str | None = None  # held at queue time: why it waits until `send_after`


class OutboxKind(StrEnum):
    SMS = "sms"
    SLACK = "slack"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: OutboxKind
    payload: Mapping[str, Any]
    attempts: int
    message_id: int | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """What the carrier says became of one outbound text, in the core's words (the
    gateway's edge maps its own status callback onto this)."""

    sid: str
    status: str
    code: str | None = None  # the gateway's error code, opaque here (kept as evidence)
    error: str | None = None  # what staff read about a failure
    carrier_opt_out: bool = False  # the carrier says this number unsubscribed


@dataclass(frozen=True)
class InboundSms:
    """An inbound text as the consent core sees it, whatever carried it."""

    sid: str
    from_: str
    to: str
    body: str
    media: tuple[tuple[str, str], ...] = ()  # (url, content type)
    opt_out_type: str | None = None  # Twilio's OptOutType: STOP, START or HELP
    extra: Mapping[str, str] = field(default_factory=dict)
