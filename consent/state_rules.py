"""State texting laws stricter than the federal quiet hours: one table, and what it means
for one automated text (SPEC §1; the README's "Rules worth knowing" cites each statute).

These laws govern telephone solicitations (sales calls and texts). optdesk applies them
conservatively to every automated text (scheduled, broadcast) to a number whose area
code belongs to the state: with number portability the area code is only a guess at
where the recipient is, and a state's law presumes a call to its area code reaches it.
Staff-typed replies and the confirmations a client's own action triggers keep the
federal treatment: they answer the client.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from consent.records import Delivery, Message
from consent.windows import Window

CAP_PERIOD = timedelta(hours=24)
_NEVER_SENT = frozenset({Delivery.REFUSED, Delivery.FAILED})


@dataclass(frozen=True)
class StateRule:
    """One state's rule: automated texts only from `start` to `end` local time, and at
    most `cap` of them to one number in any 24 hours (None: the state sets no cap)."""

    code: str  # USPS code, what the area code's geography maps to
    state: str
    start: time
    end: time
    cap: int | None
    window_statute: str
    cap_statute: str | None


RULES: tuple[StateRule, ...] = (
    StateRule(
        "FL", "Florida", time(8, 0), time(20, 0), 3,
        "Fla. Stat. § 501.616(6)(a)", "Fla. Stat. § 501.616(6)(b)",
    ),
    StateRule(
        "OK", "Oklahoma", time(8, 0), time(20, 0), 3,
        "15 Okla. Stat. § 775C.4", "15 Okla. Stat. § 775C.4",
    ),
    StateRule(
        "MD", "Maryland", time(8, 0), time(20, 0), 3,
        "Md. Code, Com. Law § 14-4501 et seq.", "Md. Code, Com. Law § 14-4501 et seq.",
    ),
    StateRule(
        "WA", "Washington", time(8, 0), time(20, 0), None,
        "RCW 19.158.040(2)", None,
    ),
)  # fmt: skip

BY_CODE: dict[str, StateRule] = {rule.code: rule for rule in RULES}


def rule_for(code: str | None) -> StateRule | None:
    """The stricter rule of the state with this USPS code, if it has one."""
    return BY_CODE.get(code or "")


@dataclass(frozen=True)
class Local:
    """What the gate needs to apply a state's rule to one number: the rule, every time
    zone of the number's area code (the state window must hold in all of them), and when
    the automated texts that count against the cap went (or will go) to it."""

    rule: StateRule | None = None
    zones: tuple[str, ...] = ()
    counted: tuple[datetime, ...] = ()


def window_of(local: Local, fallback: tuple[str, ...]) -> Window | None:
    """The state's window, in every zone of the area code (or `fallback`'s zones)."""
    if local.rule is None:
        return None
    return Window(local.zones or fallback, local.rule.start, local.rule.end)


def cap_frees_at(local: Local, now: datetime) -> datetime:
    """`now` while the cap allows another automated text; else the moment the text that
    fills it leaves the 24 hours (a text sent at T counts until T + 24 h, excluded)."""
    rule = local.rule
    if rule is None or rule.cap is None:
        return now
    recent = sorted(t for t in local.counted if now - CAP_PERIOD < t <= now)
    if len(recent) < rule.cap:
        return now
    return recent[-rule.cap] + CAP_PERIOD


def counted_times(
    texts: Iterable[Message], message_id: int, *, sent_only: bool
) -> tuple[datetime, ...]:
    """When the other automated texts to a number count against the cap: from the moment
    they were handed over to be sent (`sent_at`; texts sent before it was recorded, by
    their due time), and, when `sent_only` is False (queue time), those still waiting
    too, at their due time. Refused and failed texts never reached anyone."""
    times = []
    for m in texts:
        if m.id == message_id or m.status in _NEVER_SENT:
            continue
        if m.sent_at is not None:
            times.append(m.sent_at)
        elif m.twilio_sid is not None or not sent_only:
            times.append(m.send_after or m.created_at)
    return tuple(times)


# What staff read about a held text (the hold's "why"; its "until" travels beside it).


def window_reason(rule: StateRule) -> str:
    return (
        f"{rule.state} law: automated texts only from {rule.start:%H:%M} to "
        f"{rule.end:%H:%M} local time ({rule.window_statute})"
    )


def cap_reason(rule: StateRule) -> str:
    return (
        f"{rule.state} law: at most {rule.cap} automated texts to one number in 24 hours "
        f"({rule.cap_statute})"
    )


def hold_label(rule: StateRule, capped: bool) -> str:
    """The short form a broadcast counts held texts under, by state and cause."""
    if capped:
        return f"{rule.state} ({rule.cap} in 24 hours)"
    return f"{rule.state} ({rule.start:%H:%M}-{rule.end:%H:%M} window)"


def waiting_reason(message: Message) -> str | None:
    """Why a text still waiting to go waits (None: it is not held), for `/sms scheduled`;
    it waits until its `send_after`."""
    sent = message.twilio_sid is not None or message.sent_at is not None
    if sent or message.status not in (Delivery.QUEUED, Delivery.WAITING):
        return None
    return message.hold_reason or None
