"""The Slack notes the consent core queues, one frozen dataclass per kind.

A use case builds a note and `notify` queues it in the same transaction as the change
it reports; the outbox stores it as JSON (`to_payload`), and the dispatcher reads it
back (`note_from_payload`) before handing it to the Notifier. Nothing else sees the
JSON form. The payload keeps the shape older versions stored (a "type" and flat
fields), so rows queued before an upgrade still deliver: missing fields take their
defaults, and a kind this version does not know becomes an `UnknownNote`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal


@dataclass(frozen=True)
class ConsentNote:
    """A number's consent status was set (by staff, the questionnaire, the carrier...)."""

    contact_id: int
    contact: str
    phone: str
    status: str
    previous: str
    source: str
    actor: str = ""
    reason: str = ""
    awaiting_start: bool = False
    seq: int = 0
    kind: ClassVar[Literal["consent"]] = "consent"


@dataclass(frozen=True)
class InboundNote:
    """One inbound text, with the consent change it made and the rule and words that
    decided it (`status` is "" when it changed nothing)."""

    contact_id: int
    contact: str
    phone: str
    body: str
    media: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    intent: str = "none"
    rule: str = ""
    trigger: str = ""
    wrong_number: bool = False
    message_id: int = 0
    sid: str = ""
    status: str = ""
    previous: str = ""
    source: str = ""
    kind: ClassVar[Literal["inbound"]] = "inbound"


@dataclass(frozen=True)
class DeliveryNote:
    """What became of one outbound text (delivered, undelivered, failed, refused)."""

    contact_id: int
    contact: str
    phone: str
    message_id: int
    status: str
    error: str = ""
    body: str = ""
    kind: ClassVar[Literal["delivery"]] = "delivery"


@dataclass(frozen=True)
class HeldNote:
    """An automated text waits for a state's law (its window or cap): why, and until
    when (`until`: ISO 8601, UTC)."""

    contact_id: int
    contact: str
    phone: str
    message_id: int
    reason: str
    until: str
    body: str = ""
    kind: ClassVar[Literal["held"]] = "held"


@dataclass(frozen=True)
class NumberTakenNote:
    """A questionnaire Yes gave a number that is on file for another contact."""

    contact_id: int
    contact: str
    phone: str
    holder_id: int = 0
    holder: str = ""
    kind: ClassVar[Literal["number_taken"]] = "number_taken"


@dataclass(frozen=True)
class UnknownNote:
    """A queued note of a kind this version does not know (queued by a newer one)."""

    kind: str
    contact_id: int = 0
    contact: str = ""
    phone: str = ""


Note = ConsentNote | InboundNote | DeliveryNote | HeldNote | NumberTakenNote | UnknownNote


def to_payload(note: Note) -> dict[str, object]:
    """The JSON form the outbox stores: {"type": kind, ...fields}. Every field is flat
    (text, number, flag, tuple of text), so a shallow read does (`asdict` deep-copies
    every value, which showed in the STOP path's profile)."""
    payload: dict[str, object] = {"type": note.kind}
    names = _FIELDS.get(type(note))
    if names is None:
        names = _FIELDS[type(note)] = tuple(f.name for f in fields(note) if f.name != "kind")
    for name in names:
        value = getattr(note, name)
        payload[name] = list(value) if isinstance(value, tuple) else value
    return payload


_FIELDS: dict[type, tuple[str, ...]] = {}


def note_from_payload(payload: Mapping[str, Any]) -> Note:
    """A stored payload as its note; tolerant of fields older versions did not store."""
    p = _Payload(payload)
    cid, name, phone = p.number("contact_id"), p.text("contact"), p.text("phone")
    match p.text("type"):
        case "consent":
            return ConsentNote(
                cid, name, phone, p.text("status"), p.text("previous"), p.text("source"),
                actor=p.text("actor"), reason=p.text("reason"),
                awaiting_start=p.flag("awaiting_start"), seq=p.number("seq"),
            )  # fmt: skip
        case "inbound":
            return InboundNote(
                cid, name, phone, p.text("body"),
                media=p.texts("media"), media_types=p.texts("media_types"),
                intent=p.text("intent") or "none", rule=p.text("rule"),
                trigger=p.text("trigger"), wrong_number=p.flag("wrong_number"),
                message_id=p.number("message_id"), sid=p.text("sid"),
                status=p.text("status"), previous=p.text("previous"), source=p.text("source"),
            )  # fmt: skip
        case "delivery":
            return DeliveryNote(
                cid, name, phone, p.number("message_id"), p.text("status"),
                error=p.text("error"), body=p.text("body"),
            )  # fmt: skip
        case "held":
            return HeldNote(
                cid, name, phone, p.number("message_id"), p.text("reason"), p.text("until"),
                body=p.text("body"),
            )  # fmt: skip
        case "number_taken":
            return NumberTakenNote(
                cid, name, phone, holder_id=p.number("holder_id"), holder=p.text("holder")
            )
        case _:  # as older versions rendered it: "None" when there was no type
            return UnknownNote(str(payload.get("type")), cid, name, phone)


@dataclass(frozen=True)
class _Payload:
    """Typed reads of a stored payload: a missing or null field is its type's empty value."""

    raw: Mapping[str, Any]

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        return "" if value is None else str(value)

    def number(self, key: str) -> int:
        try:
            return int(self.raw.get(key) or 0)
        except (TypeError, ValueError):
            return 0

    def flag(self, key: str) -> bool:
        return bool(self.raw.get(key))

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()
