"""What staff do: send, opt out, schedule, broadcast. Staff can never opt a number in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from consent.errors import AlreadyDone, Forbidden, InvalidInput, NotFound
from consent.model import NumberState, SendKind, Source, Status, may_staff_set
from consent.phones import time_zones
from consent.policy import Prior, Refused, Wait, may_send
from consent.ports import UnitOfWork
from consent.records import Message, OutboundDraft
from consent.services.contacts import Target, best_number, resolve
from consent.services.context import Desk, notify, record_change
from consent.services.gate import held_note, local_of
from consent.services.outbound import queue_text
from consent.services.projects import project_named
from consent.state_rules import hold_label

MAX_TEXT = 1600  # Twilio's limit for one message body


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("There is no text to send.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Texts are at most {MAX_TEXT} characters (this one has {len(text)}).")
    return text


@dataclass(frozen=True)
class Queued:
    message: Message
    target: Target
    wait_until: datetime | None = None  # automated text held (quiet hours, a state's law)
    wait: Wait | None = None  # why it is held


def _gate(uow: UnitOfWork, state: NumberState | None, kind: SendKind, at: datetime) -> Wait | None:
    """Refused with the reason, or held (automated texts: quiet hours, the number's
    state's window and cap, counting the automated texts due to go before it)."""
    if state is None:
        raise Forbidden("This contact has no phone number on file: send them a link first.")
    prior = Prior()
    if kind is SendKind.AUTOMATED:
        prior = Prior(local=local_of(uow, state.e164, at, sent_only=False))
    decision = may_send(state, kind, at, time_zones(state.e164), prior)
    if isinstance(decision, Refused):
        raise Forbidden(f"Not sent: {decision.reason}.")
    return decision if isinstance(decision, Wait) else None


def _queue(
    uow: UnitOfWork,
    state: NumberState,
    body: str,
    kind: SendKind,
    actor: str,
    due: datetime,
    wait: Wait | None = None,
    now: datetime | None = None,
    broadcast: dict[str, Any] | None = None,
) -> Message:
    """Queue the text at `due`, or held until the wait's end with why (a state's hold is
    told in the contact's thread too); `broadcast` ties a broadcast's texts together."""
    draft = OutboundDraft(
        state.contact_id, state.e164, body, kind, actor,
        wait.until if wait else due, wait.reason if wait else None,
    )  # fmt: skip
    message = queue_text(uow, draft, broadcast)
    if wait is not None and wait.state is not None:
        notify(uow, held_note(uow, message, wait), now or due)
    return message


def send_text(desk: Desk, who: str, text: str, *, actor: str, once: str | None = None) -> Queued:
    """A text typed by staff: refused with the reason unless the number is opted in.

    `once` is an idempotency key claimed in the same transaction as the queued text:
    a retried event or a second click raises AlreadyDone, and a refusal leaves the
    key unclaimed so the same reply can be sent after the client opts in.
    """
    body = check_text(text)
    now = desk.clock.now()
    with desk.uow() as uow:
        if once is not None and not uow.idempotency.claim(once[:200], now):
            raise AlreadyDone("This was already texted once: it is not sent again.")
        target = resolve(desk, uow, who)
        state = best_number(target)
        _gate(uow, state, SendKind.MANUAL, now)
        assert state is not None
        message = _queue(uow, state, body, SendKind.MANUAL, actor, now)
        uow.commit()
    return Queued(message, target)


def schedule_text(desk: Desk, who: str, at: datetime, text: str, *, actor: str) -> Queued:
    """An automated text for later; consent and quiet hours are checked again when it fires."""
    body = check_text(text)
    now = desk.clock.now()
    if at <= now:
        raise InvalidInput("That time has already passed: pick a time in the future.")
    with desk.uow() as uow:
        target = resolve(desk, uow, who)
        state = best_number(target)
        wait = _gate(uow, state, SendKind.AUTOMATED, at)
        assert state is not None
        message = _queue(uow, state, body, SendKind.AUTOMATED, actor, at, wait, now)
        uow.commit()
    return Queued(message, target, wait.until if wait else None, wait)


@dataclass(frozen=True)
class OptedOut:
    target: Target
    changed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def opt_out_by_staff(desk: Desk, who: str, reason: str, *, actor: str) -> OptedOut:
    """Opt the contact's number(s) out by hand, recorded with who and why."""
    with desk.uow() as uow:
        result = opt_out_target(uow, resolve(desk, uow, who), reason, actor, desk.clock.now())
        uow.commit()
    return result


def opt_out_target(
    uow: UnitOfWork, target: Target, reason: str, actor: str, now: datetime
) -> OptedOut:
    """Opt every number of `target` out in the caller's transaction (staff, by hand)."""
    may_staff_set(Status.OPTED_OUT)
    if not target.numbers:
        raise NotFound(f"{target.contact.name} has no phone number on file.")
    evidence = {"reason": " ".join(reason.split())[:500] or "no reason given"}
    changed, already = [], []
    for state in target.numbers:
        if state.status is Status.OPTED_OUT:
            already.append(state.e164)
            continue
        record_change(
            uow,
            state,
            Status.OPTED_OUT,
            Source.STAFF,
            actor,
            evidence,
            now,
            contact_name=target.contact.name,
        )
        changed.append(state.e164)
    return OptedOut(target, changed, already)


@dataclass(frozen=True)
class Broadcast:
    project: str
    queued: int
    skipped: dict[str, int]
    waiting: int = 0  # of the queued, held for the federal quiet hours
    held: dict[str, int] = field(default_factory=dict)  # held for a state's window or cap


def broadcast(desk: Desk, project: str, text: str, *, actor: str) -> Broadcast:
    """An automated text to every opted-in number of a project; the rest counted by reason,
    and the held ones by why (quiet hours; a state's window or cap, by state)."""
    body = check_text(text)
    now = desk.clock.now()
    skipped: Counter[str] = Counter()
    held: Counter[str] = Counter()
    queued = waiting = 0
    with desk.uow() as uow:
        found = project_named(uow, project)
        batch: dict[str, Any] = {"project": found.name}
        for state in uow.numbers.for_project(found.id):
            prior = Prior(local=local_of(uow, state.e164, now, sent_only=False))
            kind = SendKind.AUTOMATED
            decision = may_send(state, kind, now, time_zones(state.e164), prior)
            if isinstance(decision, Refused):
                skipped[_skip_reason(state)] += 1
                continue
            wait = decision if isinstance(decision, Wait) else None
            if wait is not None and wait.state is not None:
                held[hold_label(wait.state, wait.capped)] += 1
            else:
                waiting += wait is not None
            _queue(uow, state, body, kind, actor, now, wait, now, batch)
            queued += 1
        uow.commit()
    return Broadcast(found.name, queued, dict(skipped), waiting, dict(held))


def _skip_reason(state: NumberState) -> str:
    if state.status is Status.OPTED_OUT:
        return "awaiting START" if state.awaiting_start else "opted out"
    if state.status is Status.NOT_SUBSCRIBED:
        return "not subscribed"
    return "no daytime window"
