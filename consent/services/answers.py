"""What a questionnaire answer does (SPEC §2), and the reply YES that completes a double
opt-in. `links.submit_answer` opens the link and the transaction; the rules are here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from consent import messages
from consent.errors import InvalidInput
from consent.model import Contact, NumberState, SendKind, Source, Status, blocks_until_start
from consent.notes import ConsentNote, NumberTakenNote
from consent.policy import OPT_IN_TEXT_INTERVAL, family
from consent.ports import UnitOfWork
from consent.records import Delivery, InboundSms, Link, OutboundDraft
from consent.services.context import (
    Desk,
    notify,
    record_change,
    record_evidence,
    record_without_number,
)
from consent.services.outbound import queue_text


class Outcome(StrEnum):
    OPTED_IN = "opted_in"
    ALREADY_OPTED_IN = "already_opted_in"  # recorded again; no second confirmation text
    AWAITING_START = "awaiting_start"  # recorded, but the number waits for START
    CONFIRM_BY_TEXT = "confirm_by_text"  # double opt-in: recorded, waits for the reply YES
    NUMBER_TAKEN = "number_taken"  # the number is another contact's: nothing changed
    OPTED_OUT = "opted_out"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    phone: str | None = None
    sender: str | None = None
    texted: bool = False  # a confirmation (or request) text was queued by this answer


def answer_yes(
    desk: Desk,
    uow: UnitOfWork,
    link: Link,
    contact: Contact,
    e164: str,
    actor: str,
    evidence: dict[str, str],
    now: datetime,
) -> Answered:
    """A Yes with a valid number. Raises InvalidInput (nothing changed) when the link
    already opted another number in."""
    if link.bound_e164 is not None and link.bound_e164 != e164:
        last_two, business = link.bound_e164[-2:], desk.config.business_name
        raise InvalidInput(messages.link_used(last_two, business, contact.language))
    state = uow.numbers.get(e164, lock=True)
    if state is not None and state.contact_id != contact.id:
        holder = uow.contacts.get(state.contact_id)
        notify(uow, _taken_note(contact, e164, state, holder), now)
        return Answered(Outcome.NUMBER_TAKEN, e164)
    if state is None:
        state = uow.numbers.add(e164, contact.id)
    evidence["phone"] = e164
    if blocks_until_start(state):
        evidence["note"] = "the number stays opted out until the client texts START"
        event = record_evidence(uow, state, Source.QUESTIONNAIRE, actor, evidence, now)
        notify(uow, _waits_note(contact, state, actor, event.seq), now)
        return Answered(Outcome.AWAITING_START, e164, desk.config.sender)
    if state.status is Status.OPTED_IN:
        record_change(
            uow, state, Status.OPTED_IN, Source.QUESTIONNAIRE, actor, evidence, now,
            contact_name=contact.name,
        )  # fmt: skip
        uow.links.bind(link.id, e164)
        return Answered(Outcome.ALREADY_OPTED_IN, e164)
    business = desk.config.business_name
    if desk.config.double_opt_in:
        evidence["note"] = "asked by text to reply YES to confirm"
        record_evidence(uow, state, Source.QUESTIONNAIRE, actor, evidence, now)
        expires = now + timedelta(days=desk.config.link_ttl_days)
        uow.requests.open(e164, contact.id, link.id, evidence, now, expires)
        body = messages.opt_in_request(business, contact.language)
        texted = queue_opt_in_text(uow, contact.id, e164, SendKind.OPT_IN_REQUEST, body, now)
        return Answered(Outcome.CONFIRM_BY_TEXT, e164, texted=texted)
    record_change(
        uow, state, Status.OPTED_IN, Source.QUESTIONNAIRE, actor, evidence, now,
        contact_name=contact.name,
    )  # fmt: skip
    uow.links.bind(link.id, e164)
    body = messages.opt_in_confirmation(business, contact.language)
    texted = queue_opt_in_text(uow, contact.id, e164, SendKind.CONFIRMATION, body, now)
    return Answered(Outcome.OPTED_IN, e164, texted=texted)


def answer_no(
    uow: UnitOfWork, contact: Contact, actor: str, evidence: dict[str, str], now: datetime
) -> Answered:
    """No opts out every number on file; with none on file, the answer is still an event."""
    numbers = uow.numbers.for_contact(contact.id)
    if not numbers:
        record_without_number(
            uow, contact.id, Status.OPTED_OUT, Source.QUESTIONNAIRE, actor, evidence, now
        )
        return Answered(Outcome.OPTED_OUT)
    uow.requests.close([n.e164 for n in numbers], now)
    for state in numbers:
        if state.status is Status.OPTED_OUT:
            # Already out: recorded, and how it went out (a STOP, staff...) still stands.
            record_evidence(uow, state, Source.QUESTIONNAIRE, actor, dict(evidence), now)
            continue
        record_change(
            uow, state, Status.OPTED_OUT, Source.QUESTIONNAIRE, actor, dict(evidence), now,
            awaiting_start=state.awaiting_start, contact_name=contact.name,
        )  # fmt: skip
    return Answered(Outcome.OPTED_OUT)


def queue_opt_in_text(
    uow: UnitOfWork, contact_id: int, e164: str, kind: SendKind, body: str, now: datetime
) -> bool:
    """Queue an opt-in confirmation (or double opt-in request) unless one already went, or
    is on its way, to this number in the last 24 hours. True when queued."""
    recent = uow.messages.outbound_to(e164, family(kind), now - OPT_IN_TEXT_INTERVAL)
    if any(m.status not in (Delivery.REFUSED, Delivery.FAILED) for m in recent):
        return False
    queue_text(uow, OutboundDraft(contact_id, e164, body, kind, None, now))
    return True


def confirm_by_reply(
    desk: Desk, uow: UnitOfWork, sms: InboundSms, state: NumberState, now: datetime
) -> NumberState | None:
    """A reply YES to an open double opt-in request opts the number in, with the web
    answer and the reply as evidence; None when no request is open for it."""
    if state.status is Status.OPTED_IN or blocks_until_start(state):
        return None
    request = uow.requests.open_for(state.e164, now)
    if request is None or request.contact_id != state.contact_id:
        return None
    evidence = {
        **request.evidence,
        "note": "confirmed by replying YES",
        "reply_message_sid": sms.sid,
        "reply_body": sms.body,
    }
    record_change(
        uow, state, Status.OPTED_IN, Source.QUESTIONNAIRE, f"sms {sms.from_}", evidence, now,
        note=False,
    )  # fmt: skip
    uow.requests.close([state.e164], now)
    uow.links.bind(request.link_id, state.e164)
    return NumberState(
        state.id, state.e164, state.contact_id, Status.OPTED_IN, now, Source.QUESTIONNAIRE
    )


def _taken_note(
    contact: Contact, e164: str, state: NumberState, holder: Contact | None
) -> NumberTakenNote:
    holder_name = holder.name if holder else ""
    return NumberTakenNote(contact.id, contact.name, e164, state.contact_id, holder_name)


def _waits_note(contact: Contact, state: NumberState, actor: str, seq: int) -> ConsentNote:
    status = str(state.status)
    source = str(Source.QUESTIONNAIRE)
    return ConsentNote(
        contact.id, contact.name, state.e164, status, status, source, actor, "", True, seq
    )
