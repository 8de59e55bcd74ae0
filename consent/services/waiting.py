"""Texts waiting to go out (`/sms scheduled`), and cancelling one (`/sms cancel`).

A waiting text's id is short and says its kind: `t42` is one text (its message id),
`b17` a whole broadcast (its first text's id). The kinds never share an id, so a
broadcast's id can never cancel a lone text or the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from consent.errors import InvalidInput, NotFound
from consent.model import SendKind
from consent.records import Delivery, Direction, Message, WaitingRow
from consent.services.contacts import resolve
from consent.services.context import Desk

# Texts staff wrote (typed, scheduled, broadcast). The answers the desk owes a client
# (opt-in and opt-out confirmations) are not staff's to hold back.
STAFF_KINDS = (str(SendKind.MANUAL), str(SendKind.AUTOMATED))
_ID = re.compile(r"^\s*([tb])\s*-?\s*(\d{1,12})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Waiting:
    """One line of `/sms scheduled`: a lone text, or a broadcast with its count."""

    id: str
    due_at: datetime  # the soonest, for a broadcast
    body: str
    contact: str = ""  # a lone text's recipient
    e164: str = ""
    project: str = ""  # a broadcast's project
    count: int = 1
    broadcast: bool = False


def scheduled(desk: Desk, who: str | None = None) -> list[Waiting]:
    """What is waiting to go out, soonest first; with `who`, only that contact's texts."""
    with desk.uow(write=False) as uow:
        contact_id = resolve(desk, uow, who).contact.id if who else None
        rows = uow.waiting.waiting(STAFF_KINDS, contact_id)
    if contact_id is not None:
        return [_lone(r) for r in rows]
    lines: list[Waiting] = []
    batches: dict[int, list[WaitingRow]] = {}
    for row in rows:
        if row.broadcast is None:
            lines.append(_lone(row))
        else:
            batches.setdefault(row.broadcast, []).append(row)
    for batch, members in batches.items():
        first = members[0]
        lines.append(
            Waiting(
                f"b{batch}",
                first.due_at,
                first.body,
                project=first.project,
                count=len(members),
                broadcast=True,
            )
        )
    return sorted(lines, key=lambda w: (w.due_at, w.id))


def _lone(row: WaitingRow) -> Waiting:
    return Waiting(f"t{row.message_id}", row.due_at, row.body, row.contact, row.e164)


@dataclass(frozen=True)
class Cancelled:
    id: str
    cancelled: int  # texts cancelled
    gone: int = 0  # of a broadcast: texts that went out before the cancel
    contact: str = ""
    project: str = ""


def cancel(desk: Desk, text_id: str, *, actor: str) -> Cancelled:
    """Cancel a waiting text (a broadcast whole). A text already claimed for sending goes
    out: NotFound says so, and nothing is half-cancelled."""
    match = _ID.match(text_id)
    if match is None:
        raise InvalidInput(
            f'"{text_id}" is not a waiting text\'s id: ids look like t12 or b7 '
            "(see /sms scheduled)."
        )
    kind, number = match.group(1).lower(), int(match.group(2))
    tid = f"{kind}{number}"
    reason = f"cancelled by {actor}"
    with desk.uow() as uow:
        if kind == "b":
            rows = [r for r in uow.waiting.waiting(STAFF_KINDS) if r.broadcast == number]
        else:
            rows = [r for r in uow.waiting.waiting(STAFF_KINDS) if r.message_id == number]
            if rows and rows[0].broadcast is not None:
                raise InvalidInput(
                    f"{tid} is part of broadcast b{rows[0].broadcast}: "
                    f"cancel b{rows[0].broadcast} to cancel it whole."
                )
        done = uow.waiting.cancel([r.message_id for r in rows], reason)
        if not done:
            raise NotFound(_gone(uow.messages.get(number), uow.waiting.batch_of(number), tid))
        uow.commit()
    first = rows[0]
    if kind == "b":
        return Cancelled(tid, len(done), len(rows) - len(done), project=first.project)
    return Cancelled(tid, 1, contact=first.contact)


def _gone(message: Message | None, batch: int | None, tid: str) -> str:
    """Why `tid` cannot be cancelled: it went out, was cancelled, or never was."""
    number = int(tid[1:])
    is_broadcast = tid.startswith("b")
    if message is None or message.direction is not Direction.OUTBOUND:
        return f"There is no waiting text {tid}: /sms scheduled lists the ids."
    if message.kind not in STAFF_KINDS:
        return f"{tid} is an answer the desk owes the client: it is not staff's to cancel."
    if is_broadcast and batch != number:
        return f"There is no broadcast {tid}: /sms scheduled lists the ids."
    if not is_broadcast and batch is not None:
        return f"{tid} is part of broadcast b{batch}: cancel b{batch} to cancel it whole."
    what = f"Broadcast {tid}" if is_broadcast else tid
    if message.status == Delivery.CANCELLED:
        return f"{what} was already cancelled."
    return f"{what} has already gone out (or is being sent right now): it can't be cancelled."
