"""What the send gate reads beyond a number's state: the texts of the same family that
went before, and whether a double opt-in request is open (SPEC §1, §2)."""

from __future__ import annotations

from datetime import datetime

from consent.area_codes import area_code_zones, us_state
from consent.model import NumberState, SendKind
from consent.notes import HeldNote
from consent.policy import Prior, Wait, counted_since, earlier_texts, family
from consent.ports import UnitOfWork
from consent.records import Message
from consent.services.context import notify
from consent.state_rules import CAP_PERIOD, Local, counted_times, rule_for


def prior_of(uow: UnitOfWork, message: Message, state: NumberState | None, now: datetime) -> Prior:
    """The gate's `Prior` for one queued text at the moment of sending (the one-per-opt-out,
    one-a-day kinds, and automated texts under a state's law, need it)."""
    kind = SendKind(message.kind)
    if kind is SendKind.AUTOMATED:
        return Prior(local=local_of(uow, message.e164, now, message.id, sent_only=True))
    kinds = family(kind)
    if state is None or not kinds:
        return Prior()
    others = uow.messages.outbound_to(message.e164, kinds, counted_since(kind, state, now))
    request_open = (
        kind is SendKind.OPT_IN_REQUEST and uow.requests.open_for(message.e164, now) is not None
    )
    return Prior(earlier_texts(message.id, others), request_open)


def local_of(
    uow: UnitOfWork, e164: str, now: datetime, message_id: int = 0, *, sent_only: bool
) -> Local:
    """The gate's `Local` for an automated text to `e164`: the rule of the state its area
    code belongs to, every zone of that area code, and the automated texts that count
    against the state's cap at `now` (at send time only those handed over to be sent;
    at queue time also those waiting to go before)."""
    rule = rule_for(us_state(e164))
    if rule is None:
        return Local()
    counted: tuple[datetime, ...] = ()
    if rule.cap is not None:
        texts = uow.messages.automated_to(e164, now - CAP_PERIOD)
        counted = counted_times(texts, message_id, sent_only=sent_only)
    return Local(rule, area_code_zones(e164), counted)


def held_note(uow: UnitOfWork, message: Message, wait: Wait) -> HeldNote:
    """The note that tells a contact's thread a text waits for a state's law, and until when."""
    contact = uow.contacts.get(message.contact_id)
    return HeldNote(
        message.contact_id,
        contact.name if contact else message.e164,
        message.e164,
        message.id,
        wait.reason,
        wait.until.isoformat(),
        message.body,
    )


def hold_text(uow: UnitOfWork, item_id: int, message: Message, wait: Wait, now: datetime) -> None:
    """Re-queue a held text at its due time (never dropped, never sent early), with why;
    the contact's thread hears of a state's hold once per reason."""
    uow.messages.hold(message.id, wait.until, wait.reason)
    uow.outbox.retry(item_id, wait.until, wait.reason)
    if wait.state is not None and wait.reason != message.hold_reason:
        notify(uow, held_note(uow, message, wait), now)
