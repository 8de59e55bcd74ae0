"""The model the consent state machine checks the app against: what each number's owner
has said (never read from the app), and the texts that may reach a number whose owner has
not opted in (`EXEMPTIONS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from consent.keywords import Intent
from consent.model import SendKind, Status
from consent.services.answers import Outcome

CONFIRM_WITHIN = timedelta(minutes=5)
OPT_IN_CONFIRMATIONS_PER_DAY = 1


@dataclass
class Client:
    """What one number's owner has said, as the model sees it (never read from the app).

    Permissive where the app may legitimately decline (a Yes the app keeps waiting for
    START still counts as consent here): the model only ever forbids what the client
    forbade, so every violation it reports is one."""

    consented: bool = False  # the owner's own last word allows texts
    opted_out_at: datetime | None = None  # start of the current opt-out (None: not opted out)
    by_revocation: bool = False  # that opt-out was the owner's own text
    confirmations: int = 0  # opt-out confirmations handed over since it began
    revoked_at: datetime | None = None  # the owner's latest revocation by text
    carrier_blocked: bool = False  # the carrier refuses texts to it until START
    opt_in_confirmations: list[datetime] = field(default_factory=list)
    automated: list[datetime] = field(default_factory=list)  # automated texts handed over

    def opt_in(self) -> None:
        self.consented, self.opted_out_at, self.confirmations = True, None, 0

    def web_yes(self, outcome: Outcome) -> None:
        """A questionnaire Yes with this number, as the app took it. A Yes with a number
        on file for another contact is not its owner speaking; a Yes the app keeps waiting
        for START still counts as consent here, but the opt-out it follows is not over
        (its one confirmation may still go)."""
        if outcome is Outcome.NUMBER_TAKEN:
            return
        if outcome is Outcome.AWAITING_START:
            self.consented = True
            return
        self.opt_in()

    def opt_out(self, at: datetime, *, by_revocation: bool) -> None:
        self.consented = False
        if by_revocation:
            self.revoked_at = at
        if self.opted_out_at is None:  # one opt-out lasts until the owner opts in again
            self.opted_out_at, self.by_revocation, self.confirmations = at, by_revocation, 0


@dataclass(frozen=True)
class Handoff:
    """One text handed to the gateway (or answered as TwiML) and what was true then."""

    to: str
    body: str
    kind: str  # a SendKind, or "reply:<intent>" for a TwiML answer
    at: datetime
    replayed: Status  # the number's status by the ledger's events at that moment


@dataclass(frozen=True)
class Exemption:
    """A text that may reach a number whose owner has not opted in, and when."""

    name: str
    kinds: frozenset[str]  # which texts (SendKind values, "reply:<intent>" for TwiML)
    allows: Callable[[Handoff, Client], bool]
    ledger: Status | None = None  # what the ledger must say at that moment (None: anything)
    counts: Callable[[Client], None] = lambda _client: None  # bookkeeping once it is used


def _one_opt_out_confirmation(h: Handoff, c: Client) -> bool:
    """Once per opt-out, within 5 minutes of it, and only for the owner's own revocation
    (a revocation after a staff, carrier or questionnaire opt-out gets no text)."""
    return (
        c.opted_out_at is not None
        and c.by_revocation
        and c.confirmations == 0
        and h.at - c.opted_out_at <= CONFIRM_WITHIN
    )


def _count_confirmation(c: Client) -> None:
    c.confirmations += 1


# Extend here: the double-opt-in request (issue 9 point 3) is one more entry, allowed to a
# number whose owner answered Yes on the questionnaire and has not revoked since.
EXEMPTIONS: tuple[Exemption, ...] = (
    Exemption(
        "the one opt-out confirmation",
        frozenset({str(SendKind.OPT_OUT_CONFIRMATION), f"reply:{Intent.OPT_OUT}"}),
        _one_opt_out_confirmation,
        Status.OPTED_OUT,
        _count_confirmation,
    ),
    Exemption(
        "the HELP answer, a reply to the owner's own HELP whatever the status",
        frozenset({f"reply:{Intent.HELP}"}),
        lambda _h, _c: True,
    ),
)


def violation(h: Handoff, client: Client) -> str | None:
    """Why this handoff broke the promise, or None (an allowed exception is counted)."""
    if client.consented and h.replayed is Status.OPTED_IN:
        return None
    for exempt in EXEMPTIONS:
        ledger_ok = exempt.ledger is None or h.replayed is exempt.ledger
        if h.kind in exempt.kinds and ledger_ok and exempt.allows(h, client):
            exempt.counts(client)
            return None
    return (
        f"{h.kind} text to {h.to} at {h.at:%H:%M:%S} while the owner "
        f"{'had' if client.consented else 'had not'} consented and the ledger said "
        f"'{h.replayed}': {h.body!r}"
    )


def too_many_opt_in_confirmations(h: Handoff, client: Client) -> str | None:
    """More than one opt-in confirmation to a number in 24 hours (SPEC §2)."""
    if h.kind != str(SendKind.CONFIRMATION):
        return None
    client.opt_in_confirmations.append(h.at)
    recent = [at for at in client.opt_in_confirmations if h.at - at < timedelta(hours=24)]
    if len(recent) > OPT_IN_CONFIRMATIONS_PER_DAY:
        return f"{len(recent)} opt-in confirmations to {h.to} within 24 hours"
    return None


def breaks_florida_law(h: Handoff, client: Client) -> str | None:
    """An automated text to a Florida area code (305: Eastern time) outside 08:00-20:00,
    or a fourth within 24 hours (SPEC §1; Fla. Stat. § 501.616(6))."""
    if h.kind != str(SendKind.AUTOMATED) or not h.to.startswith("+1305"):
        return None
    local = h.at.astimezone(ZoneInfo("America/New_York")).time()
    if not time(8, 0) <= local < time(20, 0):
        return f"automated text to {h.to} at {local:%H:%M} in Florida"
    client.automated.append(h.at)
    recent = [at for at in client.automated if h.at - at < timedelta(hours=24)]
    if len(recent) > 3:
        return f"{len(recent)} automated texts to {h.to} within 24 hours"
    return None
