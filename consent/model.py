"""The consent model: statuses, sources, records, transitions and the hash-chained ledger."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from consent import messages
from consent.errors import Forbidden
from consent.language import Language

GENESIS_HASH = "0" * 64


class Status(StrEnum):
    OPTED_IN = "opted in"
    OPTED_OUT = "opted out"
    NOT_SUBSCRIBED = "not subscribed"


class Source(StrEnum):
    QUESTIONNAIRE = "questionnaire"
    SMS_KEYWORD = "sms_keyword"
    STAFF = "staff"
    CARRIER = "carrier"
    IMPORT = "import"  # an opt-out list imported by staff (`optdesk import optouts`)


class SendKind(StrEnum):
    """Why a text is sent; the gate treats each kind differently."""

    MANUAL = "manual"  # typed by a staff member
    AUTOMATED = "automated"  # scheduled or broadcast: quiet hours apply
    CONFIRMATION = "confirmation"  # the one opt-in confirmation after a questionnaire Yes
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"  # the one answer to a non-keyword revocation
    OPT_IN_REQUEST = "opt_in_request"  # double opt-in: the one "reply YES to confirm" text


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    email: str | None = None
    project_id: int | None = None
    language: Language = Language.EN  # of the texts the app writes them (SPEC §1)


@dataclass(frozen=True)
class NumberState:
    """One phone number and its current consent status."""

    id: int
    e164: str
    contact_id: int
    status: Status
    changed_at: datetime | None = None
    source: Source | None = None
    # Twilio/the carrier blocks this number until the client texts START
    # (set by an exact STOP keyword or a carrier opt-out; cleared by START).
    awaiting_start: bool = False


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    channel_id: str | None = None


@dataclass(frozen=True)
class EventDraft:
    """A consent event before it is chained into the ledger (`phone` None: an answer from a
    contact with no number on file, recorded all the same)."""

    phone: str | None
    contact_id: int
    status: Status
    source: Source
    actor: str
    evidence: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsentEvent:
    seq: int
    phone: str | None
    contact_id: int
    status: Status
    source: Source
    actor: str
    evidence: Mapping[str, str]
    at: datetime
    prev_hash: str
    hash: str

    @property
    def changes_status(self) -> bool:
        """False for an event that only records an answer (see RECORDED_ONLY)."""
        return self.evidence.get(EFFECT) != RECORDED_ONLY


# An event that records an answer and changes nothing (a second revocation, a Yes that
# waits for START) says so in its evidence: the number keeps the status and source its
# last change gave it, and the ledger's replay and the database's status guard pass it over.
EFFECT = "effect"
RECORDED_ONLY = "recorded only"


def may_staff_set(target: Status) -> None:
    """Staff may opt a number out, never in: only the client can consent."""
    if target is not Status.OPTED_OUT:
        raise Forbidden(messages.STAFF_CANNOT_OPT_IN)


# Opt-outs a questionnaire Yes cannot undo: the carrier keeps blocking keyword opt-outs,
# and a web form cannot prove who typed the number. Only START from the number can.
_UNDONE_ONLY_BY_START = frozenset({Source.SMS_KEYWORD, Source.CARRIER, Source.STAFF, Source.IMPORT})


def blocks_until_start(state: NumberState) -> bool:
    """A number whose last opt-out came by text, the carrier, staff or an import waits
    for START."""
    return state.status is Status.OPTED_OUT and (
        state.awaiting_start or state.source in _UNDONE_ONLY_BY_START
    )


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    prev_hash: str,
    seq: int,
    draft: EventDraft,
    at: datetime,
) -> str:
    """SHA-256 over the canonical JSON of every field, the previous hash included."""
    payload = {
        "prev": prev_hash,
        "seq": seq,
        "phone": draft.phone,
        "contact_id": draft.contact_id,
        "status": str(draft.status),
        "source": str(draft.source),
        "actor": draft.actor,
        "evidence": dict(sorted(draft.evidence.items())),
        "at": _iso(at),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def chain(prev_seq: int, prev_hash: str, draft: EventDraft, at: datetime) -> ConsentEvent:
    """The event that follows (prev_seq, prev_hash) in the ledger."""
    seq = prev_seq + 1
    return ConsentEvent(
        seq=seq,
        phone=draft.phone,
        contact_id=draft.contact_id,
        status=draft.status,
        source=draft.source,
        actor=draft.actor,
        evidence=dict(draft.evidence),
        at=at,
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, seq, draft, at),
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    problem: str | None = None
    bad_seq: int | None = None
    numbers: int = 0  # numbers whose status was checked against their events


def verify_chain(events: Iterable[ConsentEvent]) -> ChainReport:
    """Walk the ledger oldest first; name the first event that was edited, removed or moved."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for ev in events:
        draft = EventDraft(ev.phone, ev.contact_id, ev.status, ev.source, ev.actor, ev.evidence)
        if ev.seq != expected_seq:
            problem = f"event #{expected_seq} is missing or out of order (found #{ev.seq})"
            return ChainReport(False, count, prev_hash, problem, ev.seq)
        if ev.prev_hash != prev_hash:
            problem = f"event #{ev.seq} does not follow the event before it"
            return ChainReport(False, count, prev_hash, problem, ev.seq)
        if event_hash(prev_hash, ev.seq, draft, ev.at) != ev.hash:
            problem = f"event #{ev.seq} was changed after it was recorded"
            return ChainReport(False, count, prev_hash, problem, ev.seq)
        prev_hash, expected_seq, count = ev.hash, expected_seq + 1, count + 1
    return ChainReport(True, count, prev_hash)
