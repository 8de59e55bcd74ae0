"""A stateful property test of the consent promise, for hypothesis's rule-based state machine.

Random sequences of what clients, staff and the carrier do (questionnaire answers, keywords,
revocations in words, staff opt-outs, carrier 21610s, number changes, sends, scheduled
sends, broadcasts, dispatcher passes, clock jumps and restarts) run through the real use
cases on a real SQLite database. A gateway at the edge records every text handed over, and
`replies` every TwiML answer. After every step:

- no text reached a number whose owner had not opted in at that moment (by the client model
  in consent_model.py, independent of the app, and by the ledger's replay), apart from the
  texts in its `EXEMPTIONS` (the one opt-out confirmation, the HELP answer);
- every number's status column equals the replay of its events;
- `ledger verify` passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy.engine import Engine

from consent.errors import ConsentError
from consent.model import Status
from consent.records import InboundSms
from consent.senders import SendResult, SmsError
from consent.services import delivery, inbound, links, projects, queries, staff
from consent.services.context import Desk, DeskConfig
from consent.services.dispatch import Dispatcher
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.consent.services.consent_model import (
    Client,
    Handoff,
    breaks_florida_law,
    too_many_opt_in_confirmations,
    violation,
)
from tests.support import FixedClock, RecordingNotifier
from webhooks.twilio_errors import delivery_report

PHONES = ("+12125550101", "+14155550102", "+13055550103")
NAMES = ("Ann Lee", "Bo Chen", "Cy Diaz")
PROJECT = "Smith Wedding"
SENDER = "+15005550006"

# What a client may text, by what it means (the model's reading, not the app's classifier).
REVOKE_KEYWORD = ("STOP", "stop", "Unsubscribe", "CANCEL")  # Twilio blocks the number too
REVOKE_WORDS = ("stop.", "please stop texting me", "remove me from your list", "ARRET")
OPT_IN = ("START", "unstop", "YES")  # Twilio lifts its block
OTHER = ("HELP", "help?", "thanks!", "can't stop smiling!", "see you at 3")
BODIES = REVOKE_KEYWORD + REVOKE_WORDS + OPT_IN + OTHER


class _Template:
    """One migrated database, copied for each example (migrating each time is slow)."""

    path: Path | None = None

    @classmethod
    def copy_to(cls, target: Path) -> None:
        if cls.path is None:
            folder = Path(tempfile.mkdtemp(prefix="optdesk-machine-"))
            engine = make_engine(f"sqlite:///{folder / 'template.db'}")
            upgrade(engine)
            engine.dispose()
            cls.path = folder / "template.db"
        shutil.copyfile(cls.path, target)


@dataclass
class World:
    """The desk on one SQLite file, its dispatcher, and what left it."""

    folder: Path
    clock: FixedClock
    config: DeskConfig
    clients: dict[str, Client] = field(default_factory=dict)
    handoffs: list[Handoff] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    sids: dict[str, str] = field(default_factory=dict)  # sid -> number
    # What happens while the dispatcher waits for a sending slot (a STOP landing, say).
    during_wait: list[Callable[[], None]] = field(default_factory=list)
    engine: Engine | None = None
    desk: Desk | None = None
    dispatcher: Dispatcher | None = None
    restarts: int = 0

    def start(self) -> None:
        """Build the desk (again): new engine, units of work, dispatcher; same database."""
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(f"sqlite:///{self.folder / 'optdesk.db'}")
        self.desk = Desk(SqlUnitOfWorkFactory(self.engine, self.clock), self.clock, self.config)
        self.dispatcher = Dispatcher(self.desk, ObservingGateway(self), RecordingNotifier())

    def client(self, e164: str) -> Client:
        return self.clients.setdefault(e164, Client())

    def handed(self, to: str, body: str, kind: str) -> None:
        """Check one text against the model and the ledger at the moment it leaves."""
        h = Handoff(to, body, kind, self.clock.now(), self.replayed(to))
        self.handoffs.append(h)
        client = self.client(to)
        broken = (
            violation(h, client)
            or too_many_opt_in_confirmations(h, client)
            or breaks_florida_law(h, client)
        )
        if broken is not None:
            self.violations.append(broken)

    def replayed(self, e164: str) -> Status:
        assert self.desk is not None
        with self.desk.uow(write=False) as uow:
            events = [e for e in uow.ledger.all() if e.phone == e164]
        return events[-1].status if events else Status.NOT_SUBSCRIBED

    def numbers_of(self, name: str) -> list[str]:
        assert self.desk is not None
        with self.desk.uow(write=False) as uow:
            found = uow.contacts.find(name)
            return [n.e164 for c in found for n in uow.numbers.for_contact(c.id)]


@dataclass
class ObservingGateway:
    """The SmsGateway at the edge: records and checks each text, refuses blocked numbers
    with 21610 as the carrier would."""

    world: World

    def pace(self) -> float:
        """No wait, unless a step queued something to happen during one."""
        if not self.world.during_wait:
            return 0.0
        self.world.during_wait.pop(0)()
        return 1.0

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        world = self.world
        assert world.desk is not None
        with world.desk.uow(write=False) as uow:
            message = uow.messages.get(message_id)
        world.handed(to, body, message.kind if message else "?")
        if world.client(to).carrier_blocked:  # the app must not text it again before START
            world.client(to).opt_out(world.clock.now(), by_revocation=False)
            raise SmsError("unsubscribed", permanent=True, unsubscribed=True, code=21610)
        sid = f"SM{len(world.handoffs):032x}"
        world.sids[sid] = to
        return SendResult(sid, "queued")

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        return []


class ConsentMachine(RuleBasedStateMachine):
    """See the module docstring; `steps` counts the rules run over all examples."""

    links = Bundle("links")
    steps = 0
    examples = 0

    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="optdesk-example-")
        folder = Path(self._tmp.name)
        _Template.copy_to(folder / "optdesk.db")
        self.world = World(folder, FixedClock(), DeskConfig())
        type(self).examples += 1

    @property
    def desk(self) -> Desk:
        assert self.world.desk is not None
        return self.world.desk

    def _step(self) -> None:
        type(self).steps += 1

    @initialize(keywords_by=st.sampled_from(["twilio", "app"]))
    def start(self, keywords_by: Any) -> None:
        self.world.config = DeskConfig(
            business_name="Lumen Studio",
            business_contact="hello@lumen.example",
            keywords_by=keywords_by,
            notify_channel="C0NOTIFY",
            sender=SENDER,
        )
        self.world.start()
        projects.new_project(self.desk, PROJECT, "C0PROJECT")

    # staff ---------------------------------------------------------------------------------

    @rule(
        target=links,
        name=st.sampled_from(NAMES),
        phone=st.none() | st.sampled_from(PHONES),
        in_project=st.booleans(),
    )
    def issue_link(self, name: str, phone: str | None, in_project: bool) -> str:
        self._step()
        project = PROJECT if in_project else None
        try:
            issued = links.issue_link(self.desk, name, actor="U1", phone=phone, project=project)
        except ConsentError:
            return "-"
        return f"{name}|{issued.url.rsplit('/', 1)[1]}"

    @rule(name=st.sampled_from(NAMES))
    def staff_opts_out(self, name: str) -> None:
        self._step()
        numbers = self.world.numbers_of(name)
        try:
            staff.opt_out_by_staff(self.desk, name, "asked on the phone", actor="U1")
        except ConsentError:
            return
        for e164 in numbers:
            self.world.client(e164).opt_out(self.world.clock.now(), by_revocation=False)

    @rule(who=st.sampled_from(NAMES + PHONES))
    def staff_sends(self, who: str) -> None:
        self._step()
        with contextlib.suppress(ConsentError):
            staff.send_text(self.desk, who, "Your photos are ready", actor="U1")

    @rule(who=st.sampled_from(NAMES), minutes=st.sampled_from([1, 30, 600]))
    def staff_schedules(self, who: str, minutes: int) -> None:
        self._step()
        at = self.world.clock.now() + timedelta(minutes=minutes)
        with contextlib.suppress(ConsentError):
            staff.schedule_text(self.desk, who, at, "Reminder: shoot tomorrow", actor="U1")

    @rule()
    def staff_broadcasts(self) -> None:
        self._step()
        with contextlib.suppress(ConsentError):
            staff.broadcast(self.desk, PROJECT, "Timeline attached", actor="U1")

    @rule(name=st.sampled_from(NAMES))
    def staff_moves_to_project(self, name: str) -> None:
        self._step()
        with contextlib.suppress(ConsentError):
            projects.set_project(self.desk, name, PROJECT)

    # clients -------------------------------------------------------------------------------

    @rule(
        link=links,
        answer=st.sampled_from(["yes", "no", None]),
        phone=st.sampled_from(PHONES) | st.just("555"),
    )
    def client_answers(self, link: str, answer: str | None, phone: str) -> None:
        self._step()
        if link == "-":
            return
        name, token = link.split("|", 1)
        before = self.world.numbers_of(name)
        try:
            answered = links.submit_answer(
                self.desk, token, answer, phone, "203.0.113.9", "Mobile Safari"
            )
        except ConsentError:
            return
        now = self.world.clock.now()
        if answer == "yes":
            self.world.client(phone).web_yes(answered.outcome)
        elif answer == "no":
            for e164 in before:
                self.world.client(e164).opt_out(now, by_revocation=False)

    @rule(
        name=st.sampled_from(NAMES),
        phone=st.sampled_from(PHONES),
    )
    def client_changes_number(self, name: str, phone: str) -> None:
        """A new number for a known contact, through a new link answered Yes."""
        self._step()
        try:
            issued = links.issue_link(self.desk, name, actor="U1")
            token = issued.url.rsplit("/", 1)[1]
            answered = links.submit_answer(
                self.desk, token, "yes", phone, "203.0.113.9", "Mobile Safari"
            )
        except ConsentError:
            return
        self.world.client(phone).web_yes(answered.outcome)

    @rule(phone=st.sampled_from(PHONES), body=st.sampled_from(BODIES), flagged=st.booleans())
    def client_texts(self, phone: str, body: str, flagged: bool) -> None:
        self._step()
        self._text_in(phone, body, flagged)

    @rule(phone=st.sampled_from(PHONES), body=st.sampled_from(REVOKE_KEYWORD + REVOKE_WORDS))
    def client_texts_while_a_text_waits_for_its_slot(self, phone: str, body: str) -> None:
        """The next text the dispatcher paces waits a second, and this lands meanwhile."""
        self._step()
        self.world.during_wait.append(lambda: self._text_in(phone, body, False))

    def _text_in(self, phone: str, body: str, flagged: bool) -> None:
        world = self.world
        opt_out_type = None
        if flagged and world.config.keywords_by == "twilio":  # Twilio answered it itself
            opt_out_type = {"STOP": "STOP", "START": "START", "HELP": "HELP"}.get(body)
        sid = f"SM{uuid.uuid4().hex}"
        sms = InboundSms(sid, phone, SENDER, body, opt_out_type=opt_out_type)
        result = inbound.handle_inbound(self.desk, sms)
        client, now = world.client(phone), world.clock.now()
        if body in REVOKE_KEYWORD:
            client.opt_out(now, by_revocation=True)
            client.carrier_blocked = True
        elif body in REVOKE_WORDS:
            client.opt_out(now, by_revocation=True)
        elif body in OPT_IN:
            client.opt_in()
            client.carrier_blocked = False
        if result.reply is not None:
            world.handed(phone, result.reply, f"reply:{result.intent}")

    # the carrier -----------------------------------------------------------------------------

    @rule(phone=st.sampled_from(PHONES))
    def carrier_blocks(self, phone: str) -> None:
        """The owner unsubscribed where the app can't see it: sends now get 21610."""
        self._step()
        self.world.client(phone).carrier_blocked = True

    @precondition(lambda self: bool(self.world.sids))
    @rule(data=st.data())
    def carrier_reports_21610(self, data: st.DataObject) -> None:
        """A status callback for an earlier text: undelivered, 21610."""
        self._step()
        sid = data.draw(st.sampled_from(sorted(self.world.sids)))
        now = self.world.clock.now()
        if delivery.record_delivery(self.desk, delivery_report(sid, "undelivered", "21610")):
            self.world.client(self.world.sids[sid]).opt_out(now, by_revocation=False)

    # time and processes ------------------------------------------------------------------------

    @rule(passes=st.integers(1, 3))
    def dispatcher_runs(self, passes: int) -> None:
        self._step()
        assert self.world.dispatcher is not None
        for _ in range(passes):
            asyncio.run(self.world.dispatcher.run_once())

    @rule()
    def dispatcher_dies_mid_pass(self) -> None:
        """A dispatcher leases what is due and dies; the next one takes over after the lease."""
        self._step()
        assert self.world.dispatcher is not None
        self.world.dispatcher.claim()
        self.world.restarts += 1
        self.world.start()

    @rule(minutes=st.sampled_from([1, 4, 6, 90, 600, 1440]))
    def time_passes(self, minutes: int) -> None:
        self._step()
        self.world.clock.advance(minutes=minutes)

    @rule()
    def restart(self) -> None:
        """New desk objects on the same database, as after a crash or a deploy."""
        self._step()
        self.world.restarts += 1
        self.world.start()

    # after every step --------------------------------------------------------------------------

    @invariant()
    def no_text_reached_a_number_that_had_not_opted_in(self) -> None:
        if self.world.desk is None:
            return
        assert self.world.violations == [], self.world.violations[0]

    @invariant()
    def every_status_equals_the_replay_of_its_events(self) -> None:
        if self.world.desk is None:
            return
        with self.desk.uow(write=False) as uow:
            replay = {e.phone: e.status for e in uow.ledger.all()}
            for state, _name in uow.numbers.export():
                expected = replay.get(state.e164, Status.NOT_SUBSCRIBED)
                assert state.status is expected, (state.e164, state.status, expected)

    @invariant()
    def ledger_verify_passes(self) -> None:
        if self.world.desk is None:
            return
        report = queries.verify_ledger(self.desk)
        assert report.ok, report.problem

    def teardown(self) -> None:
        if self.world.engine is not None:
            self.world.engine.dispose()
        self._tmp.cleanup()
