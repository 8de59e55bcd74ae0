"""What staff do: send, opt out, schedule, broadcast. Staff can never opt a number in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from consent.errors import AlreadyDone, Forbidden, InvalidInput, NotFound
from consent.model import NumberState, SendKind, Source, Status, may_staff_set
from consent.phones import time_zones
from consent.policy import Refused, Wait, may_send
from consent.ports import UnitOfWork
from consent.records import Message, OutboundDraft
from consent.services.contacts import Target, best_number, resolve
from consent.services.context import Desk, record_change
from consent.services.outbound import queue_text
from consent.services.projects import project_named

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
    wait_until: datetime | None = None  # automated text held for quiet hours


def _gate(state: NumberState | None, kind: SendKind, at: datetime) -> datetime | None:
    if state is None:
        raise Forbidden("This contact has no phone number on file: send them a link first.")
    decision = may_send(state, kind, at, time_zones(state.e164))
    if isinstance(decision, Refused):
        raise Forbidden(f"Not sent: {decision.reason}.")
    return decision.until if isinstance(decision, Wait) else None


def _queue(
    uow: UnitOfWork,
    state: NumberState,
    body: str,
    kind: SendKind,
    actor: str,
    due: datetime,
    broadcast: dict[str, Any] | None = None,
) -> Message:
    draft = OutboundDraft(state.contact_id, state.e164, body, kind, actor, due)
    return queue_text(uow, draft, broadcast)


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
        _gate(state, SendKind.MANUAL, now)
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
        wait = _gate(state, SendKind.AUTOMATED, at)
        assert state is not None
        message = _queue(uow, state, body, SendKind.AUTOMATED, actor, wait or at)
        uow.commit()
    return Queued(message, target, wait)


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
    waiting: int = 0


def broadcast(desk: Desk, project: str, text: str, *, actor: str) -> Broadcast:
    """An automated text to every opted-in number of a project; the rest counted by reason."""
    body = check_text(text)
    now = desk.clock.now()
    skipped: Counter[str] = Counter()
    queued = waiting = 0
    with desk.uow() as uow:
        found = project_named(uow, project)
        batch: dict[str, Any] = {"project": found.name}
        for state in uow.numbers.for_project(found.id):
            decision = may_send(state, SendKind.AUTOMATED, now, time_zones(state.e164))
            if isinstance(decision, Refused):
                skipped[_skip_reason(state)] += 1
                continue
            due = decision.until if isinstance(decision, Wait) else now
            waiting += isinstance(decision, Wait)
            _queue(uow, state, body, SendKind.AUTOMATED, actor, due, batch)
            queued += 1
        uow.commit()
    return Broadcast(found.name, queued, dict(skipped), waiting)


def _skip_reason(state: NumberState) -> str:
    if state.status is Status.OPTED_OUT:
        return "awaiting START" if state.awaiting_start else "opted out"
    if state.status is Status.NOT_SUBSCRIBED:
        return "not subscribed"
    return "no daytime window"
