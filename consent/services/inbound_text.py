"""One inbound text, acted on: classify it, change consent, answer, note it for staff.

The rules for a single text, given what its transaction already knows of it (its number
as earlier texts left it, whether it created the contact, its stored message). Getting
there for a group of texts at once, with one statement per table, is the group commit's
job (consent/services/inbound.py): this module never sees a batch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from consent import messages
from consent.keywords import TWILIO_HELP_KEYWORDS, Decision, Intent, explain, language_of, normalize
from consent.keywords import TWILIO_OPT_OUT_KEYWORDS as TWILIO_OPT_OUT
from consent.language import Language
from consent.model import NumberState, SendKind, Source, Status
from consent.notes import InboundNote
from consent.ports import UnitOfWork
from consent.records import InboundSms, Message, OutboundDraft
from consent.services.answers import confirm_by_reply
from consent.services.contacts import language_of_contact
from consent.services.context import Desk, notify, record_change, record_evidence
from consent.services.outbound import queue_text

_OPT_OUT_TYPE = {"STOP": Intent.OPT_OUT, "START": Intent.OPT_IN, "HELP": Intent.HELP}
# The reply that confirms a double opt-in request: YES, or SI to the Spanish request.
_CONFIRMING = frozenset({"yes", "si", "sí"})


@dataclass(frozen=True)
class InboundResult:
    reply: str | None  # the answer texted back at once, or None for no answer
    duplicate: bool = False
    intent: Intent = Intent.NONE


@dataclass(frozen=True)
class ArrivedText:
    """A text claimed for the first time (its MessageSid never acted on), stored."""

    sms: InboundSms
    message: Message  # the text as stored
    new_name: str = ""  # the name of the contact this text created, if it created one


def handle_text(
    desk: Desk, uow: UnitOfWork, text: ArrivedText, state: NumberState
) -> tuple[InboundResult, NumberState]:
    """Act on one text from the number in `state` (as earlier texts of the transaction
    left it); returns the result and the number's state after it, for the next text."""
    now = desk.clock.now()
    sms, name = text.sms, text.new_name
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
    reply, changed, after = _act(desk, uow, sms, state, intent, name, lang)
    notify(uow, _inbound_note(sms, state, text.message, decision, name, changed), now)
    return InboundResult(reply, intent=intent), after


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
    number's state after the text (what its next text in the transaction sees). A text
    the app writes is in the contact's language (`known`, else read when first needed)."""
    now = desk.clock.now()
    business = desk.config.business_name
    app_answers = desk.config.keywords_by == "app" and not sms.opt_out_type
    word = normalize(sms.body)
    evidence = {"message_sid": sms.sid, "body": sms.body}
    actor = f"sms {sms.from_}"
    lang = functools.partial(language_of_contact, uow, state.contact_id, known)
    if intent is Intent.OPT_OUT:
        return _opt_out(desk, uow, sms, state, name, lang)
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


def _opt_out(
    desk: Desk,
    uow: UnitOfWork,
    sms: InboundSms,
    state: NumberState,
    name: str,
    lang: Callable[[], Language],
) -> tuple[str | None, str | None, NumberState]:
    """A revocation: the opt-out and its one confirmation (Twilio's, or ours when Twilio
    never saw a keyword), or, already opted out, only the evidence."""
    now = desk.clock.now()
    business = desk.config.business_name
    app_answers = desk.config.keywords_by == "app" and not sms.opt_out_type
    evidence = {"message_sid": sms.sid, "body": sms.body}
    actor = f"sms {sms.from_}"
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


def _changed(state: NumberState, status: Status, at: datetime, awaiting: bool) -> NumberState:
    """The state `record_change` just wrote, as later texts of the transaction must see it."""
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
