"""The send gate: one place decides whether a text may go to a number, now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from consent import messages
from consent.model import NumberState, SendKind, Source, Status, blocks_until_start
from consent.records import Delivery, Message
from consent.state_rules import (
    Local,
    StateRule,
    cap_frees_at,
    cap_reason,
    window_of,
    window_reason,
)
from consent.windows import Window, first_opening

QUIET_ENDS = time(8, 0)  # automated texts from 08:00 ...
QUIET_STARTS = time(21, 0)  # ... until 21:00, recipient's local time
OPT_OUT_CONFIRMATION_WINDOW = timedelta(minutes=5)
OPT_IN_TEXT_INTERVAL = timedelta(hours=24)  # at most one opt-in confirmation (or request) a day
OPT_IN_TEXTS = (SendKind.CONFIRMATION, SendKind.OPT_IN_REQUEST)


@dataclass(frozen=True)
class Allowed:
    pass


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Wait:
    """Not yet: until when, and why. `state`: the state whose law holds it (its window,
    or with `capped` its cap); None for the federal quiet hours."""

    until: datetime
    reason: str
    state: StateRule | None = None
    capped: bool = False


Decision = Allowed | Refused | Wait


@dataclass(frozen=True)
class Prior:
    """What the gate must know beyond the number's state (the dispatcher reads it).

    `earlier`: texts of the same family that go before this one (see `earlier_texts`):
    opt-out confirmations since the number's opt-out began, or opt-in confirmations and
    requests in the last 24 hours. `request_open`: an unexpired double opt-in request
    waits for this number's reply. `local`: for an automated text, the stricter rule of
    the state the number's area code belongs to, and the texts counted against its cap."""

    earlier: int = 0
    request_open: bool = False
    local: Local = field(default_factory=Local)


_NEVER_SENT = frozenset({Delivery.REFUSED, Delivery.FAILED})
_NOT_YET_SENT = frozenset({Delivery.QUEUED, Delivery.WAITING})


def family(kind: SendKind) -> tuple[SendKind, ...]:
    """The kinds a text of `kind` is counted with (one per opt-out, one a day)."""
    if kind is SendKind.OPT_OUT_CONFIRMATION:
        return (SendKind.OPT_OUT_CONFIRMATION,)
    if kind in OPT_IN_TEXTS:
        return OPT_IN_TEXTS
    return ()


def counted_since(kind: SendKind, state: NumberState, now: datetime) -> datetime:
    """Where the count of a family starts: the opt-out itself, or 24 hours ago."""
    if kind is SendKind.OPT_OUT_CONFIRMATION:
        return state.changed_at or now
    return now - OPT_IN_TEXT_INTERVAL


def earlier_texts(message_id: int, others: Iterable[Message]) -> int:
    """How many of `others` go before text `message_id`: those already handed to Twilio
    (a SID, whatever the status: "queued" is also Twilio's first), and older ones still
    waiting to go (the oldest goes first); never-sent ones don't count."""
    return sum(
        1
        for m in others
        if m.id != message_id
        and m.status not in _NEVER_SENT
        and (m.id < message_id or m.twilio_sid is not None or m.status not in _NOT_YET_SENT)
    )


def _federal(zones: Sequence[str]) -> Window:
    return Window(tuple(zones), QUIET_ENDS, QUIET_STARTS)


def daytime_everywhere(at: datetime, zones: Sequence[str]) -> bool:
    """True when `at` falls between 08:00 and 21:00 in every one of the zones."""
    return _federal(zones).holds(at)


def next_daytime(now: datetime, zones: Sequence[str]) -> datetime | None:
    """The first minute from `now` on when the window holds in all zones (None: never, in 48 h)."""
    return first_opening(now, [_federal(zones)])


def _automated(now: datetime, zones: Sequence[str], local: Local) -> Decision:
    """Quiet hours in every zone of the number; where its area code's state is stricter,
    that state's window in every zone of the area code, and its cap (SPEC §1)."""
    windows = [_federal(zones)]
    state = window_of(local, tuple(zones))
    if state is not None:
        windows.append(state)
    start = cap_frees_at(local, now)
    until = first_opening(start, windows)
    if until is None:
        return Refused(messages.REFUSAL_NO_DAYTIME)
    if until == now:
        return Allowed()
    rule = local.rule
    if rule is not None and start > now:
        return Wait(until, cap_reason(rule), rule, capped=True)
    # the state's window is named only where it is what holds the text (after 20:00,
    # say, not at 23:00, when the federal quiet hours hold it until the same 08:00)
    if rule is not None and until != first_opening(now, windows[:1]):
        return Wait(until, window_reason(rule), rule)
    return Wait(until, messages.WAIT_QUIET_HOURS)


def _refusal(state: NumberState) -> str:
    if state.status is Status.OPTED_OUT:
        if state.awaiting_start:
            return messages.refusal_awaiting_start(state.e164, state.source)
        return messages.refusal_opted_out(state.e164, state.source)
    return messages.refusal_never_opted_in(state.e164)


def may_send(
    state: NumberState | None,
    kind: SendKind,
    now: datetime,
    zones: Sequence[str] = ("UTC",),
    prior: Prior | None = None,
    *,
    queued_at: datetime | None = None,
) -> Decision:
    """Decide for one text to one number at `now` (`queued_at`: when it was queued).

    Only an opted-in number receives texts, with two exceptions: the single
    opt-out confirmation of an opt-out, within five minutes of it, and the single
    double opt-in request to a number whose request is open. Opt-in confirmations
    (and requests) go at most once a day. Automated texts also wait until
    08:00-21:00 holds in every time zone of the number.
    """
    prior = prior or Prior()
    if kind is SendKind.OPT_OUT_CONFIRMATION:
        # Five minutes from the revocation it answers (queued with it), and from the
        # number's last change: a later event must not revive a confirmation already late.
        # It answers only the opt-out it was queued with: one queued before the number's
        # last change answered an opt-out a START has ended (the new one has its own).
        # That opt-out is the owner's own, by text: a number whose last change was staff's,
        # the carrier's or an import has nothing of the owner's left to confirm (times
        # alone can't tell them apart when both fall in the same instant).
        if (
            state is not None
            and state.status is Status.OPTED_OUT
            and state.source is Source.SMS_KEYWORD
            and state.changed_at is not None
            and now - state.changed_at <= OPT_OUT_CONFIRMATION_WINDOW
            and (queued_at is None or state.changed_at <= queued_at)
            and (queued_at is None or now - queued_at <= OPT_OUT_CONFIRMATION_WINDOW)
            and not prior.earlier
        ):
            return Allowed()
        return Refused(messages.REFUSAL_OPT_OUT_CONFIRMATION)
    if state is None:
        return Refused("this number has never opted in")
    if kind is SendKind.OPT_IN_REQUEST:
        return _request(state, prior)
    if state.status is not Status.OPTED_IN:
        return Refused(_refusal(state))
    if kind is SendKind.CONFIRMATION and prior.earlier:
        return Refused(messages.REFUSAL_ONE_OPT_IN_TEXT)
    if kind is SendKind.AUTOMATED:
        return _automated(now, zones, prior.local)
    return Allowed()


def _request(state: NumberState, prior: Prior) -> Decision:
    """The double opt-in request: once, to a number not opted in whose request is open."""
    if state.status is Status.OPTED_IN:
        return Refused(messages.REFUSAL_REQUEST_NOT_NEEDED)
    if blocks_until_start(state):
        return Refused(_refusal(state))
    if not prior.request_open:
        return Refused(messages.REFUSAL_REQUEST_CLOSED)
    if prior.earlier:
        return Refused(messages.REFUSAL_ONE_OPT_IN_TEXT)
    return Allowed()
