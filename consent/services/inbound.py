"""Inbound texts and delivery callbacks: claim once, classify, record, notify."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from consent import messages
from consent.keywords import TWILIO_HELP_KEYWORDS, Decision, Intent, explain, language_of, normalize
from consent.keywords import TWILIO_OPT_OUT_KEYWORDS as TWILIO_OPT_OUT
from consent.language import Language
from consent.model import NumberState, SendKind, Source, Status
from consent.notes import InboundNote
from consent.phones import display_phone
from consent.ports import UnitOfWork
from consent.records import InboundSms, Message, OutboundDraft
from consent.services.answers import confirm_by_reply
from consent.services.contacts import language_of_contact
from consent.services.context import Desk, notify, record_change, record_evidence
from consent.services.outbound import queue_text

log = logging.getLogger("optdesk.inbound")

_OPT_OUT_TYPE = {"STOP": Intent.OPT_OUT, "START": Intent.OPT_IN, "HELP": Intent.HELP}
# The reply that confirms a double opt-in request: YES, or SI to the Spanish request.
_CONFIRMING = frozenset({"yes", "si", "sí"})


@dataclass(frozen=True)
class InboundResult:
    reply: str | None  # the answer texted back at once, or None for no answer
    duplicate: bool = False
    intent: Intent = Intent.NONE


def handle_inbound(desk: Desk, sms: InboundSms) -> InboundResult:
    """One inbound text, once: a retried MessageSid changes nothing twice."""
    with desk.uow() as uow:
        (result,) = _handle_many(desk, uow, [sms])
        uow.commit()
    return result


def handle_inbound_many(desk: Desk, batch: Sequence[InboundSms]) -> list[InboundResult | Exception]:
    """Several inbound texts in one transaction (a group commit: one lock, one durable
    write for the lot), set-based: one statement per table for the whole batch. If the
    batch fails, each text is handled on its own, so one bad text never sinks the others;
    its own error comes back in its place."""
    try:
        with desk.uow() as uow:
            results: list[InboundResult | Exception] = list(_handle_many(desk, uow, batch))
            uow.commit()
        return results
    except Exception:
        if len(batch) == 1:
            raise
        log.warning("a batch of %d inbound texts failed; handling them one by one", len(batch))
    alone: list[InboundResult | Exception] = []
    for sms in batch:
        try:
            alone.append(handle_inbound(desk, sms))
        except Exception as err:  # handed back to that request, which answers 5xx
            alone.append(err)
    return alone


@dataclass
class _Batch:
    """What one set-based pass wrote and read for a batch, for `_handle` to act on."""

    claimed: set[str]  # keys this batch inserted and no text has acted on yet
    states: dict[str, NumberState]  # by number, updated after each change
    names: dict[str, str]  # numbers created by this batch: their contact's name
    messages: dict[str, Message]  # the inbound message of each claimed text, by sid


def _handle_many(desk: Desk, uow: UnitOfWork, batch: Sequence[InboundSms]) -> list[InboundResult]:
    """The texts in order, as if one by one, with one statement per table for the lot."""
    prepared = _prepare(desk, uow, batch)
    return [_handle(desk, uow, prepared, sms) for sms in batch]


def _prepare(desk: Desk, uow: UnitOfWork, batch: Sequence[InboundSms]) -> _Batch:
    now = desk.clock.now()
    # The consent write lock first, then the claim: a transaction that claimed a
    # MessageSid while another held the lock could deadlock with it.
    states = uow.numbers.get_many([sms.from_ for sms in batch], lock=True)
    keys = [_claim_key(sms) for sms in batch]
    claimed = uow.idempotency.claim_many(keys, now)
    todo: list[InboundSms] = []
    pending = set(claimed)
    for sms, key in zip(batch, keys, strict=True):
        if key in pending:
            pending.discard(key)  # a sid twice in one batch acts once
            todo.append(sms)
    # A name only for the text that creates its contact (the first from a new number);
    # the dispatcher names the contact of a known number when it posts the note.
    names: dict[str, str] = {}
    for sms in todo:
        if sms.from_ not in states and sms.from_ not in names:
            names[sms.from_] = display_phone(sms.from_).strip()
    states.update(uow.numbers.add_with_contacts(names))
    added = uow.messages.add_inbound_many(
        [(sms, states[sms.from_].contact_id) for sms in todo], now
    )
    by_sid = {sms.sid: message for sms, message in zip(todo, added, strict=True)}
    return _Batch(claimed, states, names, by_sid)


def _handle(desk: Desk, uow: UnitOfWork, prepared: _Batch, sms: InboundSms) -> InboundResult:
    """One text of a prepared batch, acting on the number as earlier texts left it."""
    now = desk.clock.now()
    key = _claim_key(sms)
    if key not in prepared.claimed:
        return InboundResult(None, duplicate=True)
    prepared.claimed.discard(key)
    state = prepared.states[sms.from_]
    name = prepared.names.pop(sms.from_, "")
    message = prepared.messages[sms.sid]
    twilio_said = _OPT_OUT_TYPE.get((sms.opt_out_type or "").upper())
    decision = (
        Decision(twilio_said, "Twilio keyword", normalize(sms.body))
        if twilio_said
        else explain(sms.body, opted_out=state.status is Status.OPTED_OUT)
    )
    intent = decision.intent
    lang = language_of(decision) if name else None  # a new number: its words' language
    if lang is Language.ES:
        uow.contacts.set_language(state.contact_id, lang)
    reply, changed, prepared.states[sms.from_] = _act(desk, uow, sms, state, intent, name, lang)
    notify(uow, _inbound_note(sms, state, message, decision, name, changed), now)
    return InboundResult(reply, intent=intent)


def _claim_key(sms: InboundSms) -> str:
    return f"sms:{sms.sid}"


def _act(
    desk: Desk,
    uow: UnitOfWork,
    sms: InboundSms,
    state: NumberState,
    intent: Intent,
    name: str,
    known: Language | None,
) -> tuple[str | None, str | None, NumberState]:
    """Act on one text; returns the immediate reply, the new status if it changed, and the
    number's state after the text (what the next text of the batch from it sees). A text
    the app writes is in the contact's language (`known`, else read when first needed)."""
    now = desk.clock.now()
    business = desk.config.business_name
    app_answers = desk.config.keywords_by == "app" and not sms.opt_out_type
    word = normalize(sms.body)
    evidence = {"message_sid": sms.sid, "body": sms.body}
    actor = f"sms {sms.from_}"
    lang = functools.partial(language_of_contact, uow, state.contact_id, known)
    if intent is Intent.OPT_OUT:
        seen_by_twilio = bool(sms.opt_out_type) or sms.body.strip().casefold() in TWILIO_OPT_OUT
        if state.status is Status.OPTED_OUT:
            # A second revocation: recorded as evidence; the opt-out had its one answer.
            record_evidence(uow, state, Source.SMS_KEYWORD, actor, evidence, now)
            if seen_by_twilio and not state.awaiting_start:  # Twilio blocks it from now on
                uow.numbers.set_awaiting_start(state.id, True)
                state = replace(state, awaiting_start=True)
            return None, None, state
        awaiting = seen_by_twilio or state.awaiting_start
        record_change(
            uow, state, Status.OPTED_OUT, Source.SMS_KEYWORD, actor, evidence, now,
            awaiting_start=awaiting, contact_name=name, note=False,
        )  # fmt: skip
        state = _changed(state, Status.OPTED_OUT, now, awaiting)
        changed = str(Status.OPTED_OUT)
        if not seen_by_twilio:
            # Twilio never saw a revocation in words: we owe the one confirmation.
            body = messages.opt_out_confirmation(business, lang())
            kind = SendKind.OPT_OUT_CONFIRMATION
            queue_text(uow, OutboundDraft(state.contact_id, state.e164, body, kind, None, now))
            return None, changed, state
        reply = messages.opt_out_confirmation(business, lang()) if app_answers else None
        return reply, changed, state
    if word in _CONFIRMING and (confirmed := confirm_by_reply(desk, uow, sms, state, now)):
        # Double opt-in: the reply to our request. Its answer is the confirmation: from the
        # app in `app` mode or to SI, from Twilio (YES is one of its opt-in words) otherwise.
        answers = app_answers or word != "yes"
        reply = messages.opt_in_confirmation(business, lang()) if answers else None
        return reply, str(Status.OPTED_IN), confirmed
    if intent is Intent.OPT_IN:
        opted_in: str | None = None
        if state.status is not Status.OPTED_IN:
            record_change(
                uow, state, Status.OPTED_IN, Source.SMS_KEYWORD, actor, evidence, now,
                contact_name=name, note=False,
            )  # fmt: skip
            opted_in = str(Status.OPTED_IN)
            state = _changed(state, Status.OPTED_IN, now, False)
        reply = messages.resubscribe_confirmation(business, lang()) if app_answers else None
        return reply, opted_in, state
    if intent is Intent.HELP:
        twilio_answers = sms.opt_out_type or word in TWILIO_HELP_KEYWORDS
        if twilio_answers and not app_answers:
            return None, None, state
        return messages.help_answer(business, desk.config.business_contact, lang()), None, state
    return None, None, state


def _changed(state: NumberState, status: Status, at: datetime, awaiting: bool) -> NumberState:
    """The state `record_change` just wrote, as the rest of the batch must see it."""
    return replace(
        state, status=status, source=Source.SMS_KEYWORD, changed_at=at, awaiting_start=awaiting
    )


def _inbound_note(
    sms: InboundSms,
    state: NumberState,
    message: Message,
    decision: Decision,
    name: str,
    changed: str | None,
) -> InboundNote:
    """One note per inbound text; it also carries the consent change the text made and
    which rule and words decided it (so staff see why a text was flagged or acted on)."""
    return InboundNote(
        state.contact_id,
        name,
        state.e164,
        sms.body,
        media=tuple(url for url, _ in sms.media),
        media_types=tuple(kind for _, kind in sms.media),
        intent=str(decision.intent),
        rule=decision.rule,
        trigger=decision.words,
        wrong_number=decision.wrong_number,
        message_id=message.id,
        sid=sms.sid,
        status=changed or "",
        previous=str(state.status),
        source=str(Source.SMS_KEYWORD) if changed else "",
    )
