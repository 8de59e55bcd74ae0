"""The send gate: one place decides whether a text may go to a number, now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from consent import messages
from consent.model import NumberState, SendKind, Status

QUIET_ENDS = time(8, 0)  # automated texts from 08:00 ...
QUIET_STARTS = time(21, 0)  # ... until 21:00, recipient's local time
OPT_OUT_CONFIRMATION_WINDOW = timedelta(minutes=5)
_STEP = timedelta(minutes=1)
_HORIZON = timedelta(hours=48)


@dataclass(frozen=True)
class Allowed:
    pass


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Wait:
    until: datetime
    reason: str


Decision = Allowed | Refused | Wait


def _in_window(at: datetime, zone: str) -> bool:
    local = at.astimezone(ZoneInfo(zone)).time()
    return QUIET_ENDS <= local < QUIET_STARTS


def daytime_everywhere(at: datetime, zones: Sequence[str]) -> bool:
    """True when `at` falls between 08:00 and 21:00 in every one of the zones."""
    return all(_in_window(at, z) for z in zones)


def next_daytime(now: datetime, zones: Sequence[str]) -> datetime | None:
    """The first minute from `now` on when the window holds in all zones (None: never, in 48 h)."""
    at = now.astimezone(UTC).replace(second=0, microsecond=0)
    if at < now:
        at += _STEP
    end = now + _HORIZON
    while at <= end:
        if daytime_everywhere(at, zones):
            return at
        # jump ahead quickly while far from any window edge
        at += _STEP if _near_edge(at, zones) else timedelta(minutes=30)
    return None


def _near_edge(at: datetime, zones: Sequence[str]) -> bool:
    for z in zones:
        local = at.astimezone(ZoneInfo(z))
        minutes = local.hour * 60 + local.minute
        for edge in (8 * 60, 21 * 60):
            if 0 <= edge - minutes <= 31:
                return True
    return False


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
    *,
    queued_at: datetime | None = None,
) -> Decision:
    """Decide for one text to one number at `now` (`queued_at`: when it was queued).

    Only an opted-in number receives texts, with one exception: the single
    opt-out confirmation, within five minutes of the opt-out. Automated texts
    also wait until 08:00-21:00 holds in every time zone of the number.
    """
    if kind is SendKind.OPT_OUT_CONFIRMATION:
        # Five minutes from the revocation it answers (queued with it), and from the
        # number's last change: a later event must not revive a confirmation already late.
        if (
            state is not None
            and state.status is Status.OPTED_OUT
            and state.changed_at is not None
            and now - state.changed_at <= OPT_OUT_CONFIRMATION_WINDOW
            and (queued_at is None or now - queued_at <= OPT_OUT_CONFIRMATION_WINDOW)
        ):
            return Allowed()
        return Refused(messages.REFUSAL_OPT_OUT_CONFIRMATION)
    if state is None:
        return Refused("this number has never opted in")
    if state.status is not Status.OPTED_IN:
        return Refused(_refusal(state))
    if kind is SendKind.AUTOMATED and not daytime_everywhere(now, zones):
        until = next_daytime(now, zones)
        if until is None:
            return Refused(messages.REFUSAL_NO_DAYTIME)
        return Wait(until, messages.WAIT_QUIET_HOURS)
    return Allowed()
