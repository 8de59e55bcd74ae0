"""The dispatcher: retries with backoff, quiet hours, and exactly-once delivery across workers."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from consent.model import SendKind, Source, Status
from consent.notes import InboundNote, Note
from consent.records import InboundSms, OutboundDraft, OutboxKind
from consent.senders import NotifyError, SendResult, SmsError
from consent.services import links, queries, staff
from consent.services.context import Desk
from consent.services.dispatch import SETTLE, Dispatcher, backoff
from consent.services.inbound import handle_inbound_many
from tests.support import FixedClock, RecordingGateway, RecordingNotifier


def _opted_in(desk: Desk, name: str, phone: str) -> None:
    token = links.issue_link(desk, name, actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", phone, "1.2.3.4", "ua")


def _drain(dispatcher: Dispatcher) -> None:
    while asyncio.run(dispatcher.run_once()):
        pass


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert backoff(40).total_seconds() == 15 * 60


def test_a_twilio_outage_loses_nothing_and_sends_once_it_recovers(
    desk: Desk, clock: FixedClock
) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = RecordingGateway(fail=SmsError("Twilio 500", permanent=False))
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    for _ in range(4):
        _drain(dispatcher)
        clock.advance(minutes=1)
    assert gateway.sent == []
    gateway.fail = None
    clock.advance(minutes=20)
    _drain(dispatcher)
    assert len(gateway.sent) == 1


def test_a_slack_outage_loses_no_notification(desk: Desk, clock: FixedClock) -> None:
    notifier = RecordingNotifier(fail=True)
    dispatcher = Dispatcher(desk, RecordingGateway(), notifier)
    _opted_in(desk, "Ann Lee", "4155550100")
    _drain(dispatcher)
    notifier.fail = False
    clock.advance(minutes=20)
    _drain(dispatcher)
    assert [p[2].kind for p in notifier.posts] == ["consent"]


def test_notifications_for_one_contact_share_a_thread(desk: Desk) -> None:
    notifier = RecordingNotifier()
    dispatcher = Dispatcher(desk, RecordingGateway(), notifier)
    _opted_in(desk, "Ann Lee", "4155550100")
    _drain(dispatcher)
    staff.opt_out_by_staff(desk, "Ann Lee", "asked", actor="U1")
    _drain(dispatcher)
    threads = [p[1] for p in notifier.posts]
    assert threads[0] is None and threads[-1] == "1700000000.000001"


def test_a_scheduled_text_at_night_waits_for_eight_in_the_morning(
    desk: Desk, clock: FixedClock
) -> None:
    _opted_in(desk, "Ann Lee", "2125550100")
    gateway = RecordingGateway()
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    _drain(dispatcher)  # confirmation
    at = datetime(2026, 7, 2, 3, 0, tzinfo=UTC)  # 23:00 in New York
    queued = staff.schedule_text(desk, "Ann Lee", at, "See you tomorrow!", actor="U1")
    assert queued.wait_until == datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
    clock.at = at
    _drain(dispatcher)
    assert len(gateway.sent) == 1
    clock.at = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
    _drain(dispatcher)
    assert gateway.sent[-1][1] == "See you tomorrow!"


def test_broadcast_counts_what_it_skipped_and_why(desk: Desk) -> None:
    from consent.services import projects

    projects.new_project(desk, "Smith Wedding", "C1")
    _opted_in(desk, "Ann Lee", "4155550100")
    links.issue_link(desk, "Bo Chen", actor="U1", phone="4155550101")
    _opted_in(desk, "Cy Diaz", "4155550102")
    staff.opt_out_by_staff(desk, "Cy Diaz", "moved away", actor="U1")
    for who in ("Ann Lee", "Bo Chen", "Cy Diaz"):
        projects.set_project(desk, who, "Smith Wedding")
    result = staff.broadcast(desk, "smith wedding", "Timeline attached", actor="U1")
    assert result.queued == 1
    assert result.skipped == {"not subscribed": 1, "opted out": 1}


def test_two_dispatchers_deliver_a_thousand_rows_exactly_once(desk: Desk) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    now = desk.clock.now()
    with desk.uow() as uow:
        state = uow.numbers.get("+14155550100")
        assert state is not None and state.status is Status.OPTED_IN
        for i in range(1000):
            draft = OutboundDraft(
                state.contact_id, state.e164, f"text {i}", SendKind.MANUAL, "U1", now
            )
            msg = uow.messages.add_outbound(draft, now)
            uow.outbox.add(OutboxKind.SMS, {}, now, msg.id)
        uow.commit()
    gateway = RecordingGateway()

    def worker() -> None:
        dispatcher = Dispatcher(desk, gateway, RecordingNotifier(), batch=25)
        _drain(dispatcher)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(body for _, body, _ in gateway.sent)
    assert len(counts) == 1001  # the thousand and the confirmation
    assert max(counts.values()) == 1


def test_a_permanent_21610_opts_the_number_out_at_the_carrier(desk: Desk) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = RecordingGateway(
        fail=SmsError("unsubscribed", permanent=True, unsubscribed=True, code=21610)
    )
    _drain(Dispatcher(desk, gateway, RecordingNotifier()))
    (number,) = queries.contact_view(desk, "Ann Lee").numbers
    assert (number.status, number.source) == (Status.OPTED_OUT, Source.CARRIER)


@dataclass
class LostAnswerGateway:
    """Takes every text, but the answers to the first `lose` sends are lost (timeouts)."""

    clock: FixedClock
    lose: int = 0
    taken: list[tuple[str, str, str]] = field(default_factory=list)  # (to, body, sid)
    lookups: int = 0
    per_send: timedelta = timedelta(0)  # how long one send takes on the clock

    def pace(self) -> float:
        return 0.0

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        self.clock.advance(seconds=self.per_send.total_seconds())
        self.taken.append((to, body, f"SM{len(self.taken):032x}"))
        if self.lose:
            self.lose -= 1
            raise SmsError("no answer in time", permanent=False, uncertain=True)
        return SendResult(self.taken[-1][2], "queued")

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        self.lookups += 1
        taken = reversed(self.taken)
        return [SendResult(sid, "sent") for t, b, sid in taken if (t, b) == (to, body)]


def _queue(desk: Desk, bodies: list[str]) -> None:
    now = desk.clock.now()
    with desk.uow() as uow:
        state = uow.numbers.get("+14155550100")
        assert state is not None
        for body in bodies:
            draft = OutboundDraft(state.contact_id, state.e164, body, SendKind.MANUAL, "U1", now)
            uow.outbox.add(OutboxKind.SMS, {}, now, uow.messages.add_outbound(draft, now).id)
        uow.commit()


def test_a_text_whose_answer_was_lost_is_found_and_never_sent_twice(
    desk: Desk, clock: FixedClock
) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = LostAnswerGateway(clock, lose=1)
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    _drain(dispatcher)  # the confirmation reaches Twilio; its answer does not reach us
    clock.advance(seconds=SETTLE.total_seconds() - 1)
    _drain(dispatcher)
    assert gateway.lookups == 0  # Twilio may still be working on it: wait
    clock.advance(seconds=2)
    _drain(dispatcher)
    assert gateway.lookups == 1 and len(gateway.taken) == 1
    (message,) = [m for m in queries.contact_view(desk, "Ann Lee").messages if m.twilio_sid]
    assert message.twilio_sid == gateway.taken[0][2] and message.status == "sent"


def test_a_retry_that_cannot_look_does_not_send(desk: Desk, clock: FixedClock) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = RecordingGateway(fail=SmsError("Twilio 500", permanent=False))
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    _drain(dispatcher)
    clock.advance(minutes=1)
    _drain(dispatcher)  # the lookup fails too: nothing is sent blind
    assert gateway.sent == []
    gateway.fail = None
    clock.advance(minutes=20)
    _drain(dispatcher)
    assert len(gateway.sent) == 1


def test_a_slow_pass_hands_back_the_rows_it_has_not_reached(desk: Desk, clock: FixedClock) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = LostAnswerGateway(clock, per_send=timedelta(seconds=25))
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier(), batch=10)
    _queue(desk, [f"text {n}" for n in range(5)])
    asyncio.run(dispatcher.run_once())
    # Three sends fit before the lease is down to its margin; the rest is handed back at once,
    # not left leased for another dispatcher to take while this one might still send them.
    assert [body for _, body, _ in gateway.taken[1:]] == ["text 0", "text 1"]
    assert asyncio.run(dispatcher.run_once()) == 3  # texts 2-4: no lease to wait out
    assert Counter(body for _, body, _ in gateway.taken) == Counter(
        [gateway.taken[0][1]] + [f"text {n}" for n in range(5)]
    )


def test_a_note_queued_by_an_older_version_still_delivers(desk: Desk) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    ann = queries.contact_view(desk, "Ann Lee").contact
    old = {"type": "inbound", "contact_id": ann.id, "phone": "+14155550100", "body": "hello",
           "media": [], "intent": "none", "message_id": 5, "sid": "SM5"}  # fmt: skip
    with desk.uow() as uow:
        uow.outbox.add(OutboxKind.SLACK, old, desk.clock.now())
        uow.commit()
    notifier = RecordingNotifier()
    _drain(Dispatcher(desk, RecordingGateway(), notifier))
    [note] = [p[2] for p in notifier.posts if isinstance(p[2], InboundNote)]
    assert note == InboundNote(
        ann.id, "Ann Lee", "+14155550100", "hello", message_id=5, sid="SM5"
    )  # the contact's current name fills in the one the row did not store


def test_a_pass_of_slack_notes_commits_once_and_keeps_each_contact_in_one_thread(
    desk: Desk, migrated_engine: Engine
) -> None:
    """A storm of STOPs queues a note each; the dispatcher settles a pass of notes in one
    transaction (a commit per note cost PostgreSQL a WAL flush each), and a contact's
    second note in the same pass goes into the thread its first note started."""
    stops = [
        InboundSms(f"SM{i}", f"+1415555{i % 5:04d}", "+15005550006", "STOP", opt_out_type="STOP")
        for i in range(10)
    ]
    assert not any(isinstance(r, Exception) for r in handle_inbound_many(desk, stops))
    notifier = RecordingNotifier()
    dispatcher = Dispatcher(desk, RecordingGateway(), notifier)
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    event.listen(migrated_engine, "commit", committed)
    try:
        assert asyncio.run(dispatcher.run_once()) == 10
    finally:
        event.remove(migrated_engine, "commit", committed)
    assert len(commits) <= 2  # the claim, then every note's outcome together
    started: dict[int, str] = {}
    for i, (_channel, thread, note) in enumerate(notifier.posts):
        ts = f"1700000000.{i + 1:06d}"
        if note.contact_id in started:
            assert thread == started[note.contact_id]
        else:
            assert thread is None
            started[note.contact_id] = ts
    assert len(started) == 5
    with desk.uow(write=False) as uow:
        assert uow.outbox.pending_count() == 0
        assert {uow.threads.get("C0NOTIFY", cid) for cid in started} == set(started.values())
    assert asyncio.run(dispatcher.run_once()) == 0


def test_a_failed_note_in_a_pass_is_retried_and_the_others_are_done(
    desk: Desk, clock: FixedClock
) -> None:
    stops = [
        InboundSms(f"SM{i}", f"+1415555{i:04d}", "+15005550006", "STOP", opt_out_type="STOP")
        for i in range(3)
    ]
    handle_inbound_many(desk, stops)
    notifier = FlakyNotifier(fail_on={2})
    dispatcher = Dispatcher(desk, RecordingGateway(), notifier)
    assert asyncio.run(dispatcher.run_once()) == 3
    assert len(notifier.posts) == 2
    with desk.uow(write=False) as uow:
        assert uow.outbox.pending_count() == 1
    clock.advance(minutes=1)
    _drain(dispatcher)
    assert len(notifier.posts) == 3


@dataclass
class FlakyNotifier(RecordingNotifier):
    """Fails the n-th post it is asked for (1-based), once each."""

    fail_on: set[int] = field(default_factory=set)
    asked: int = 0

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        self.asked += 1
        if self.asked in self.fail_on:
            raise NotifyError("slack hiccup")
        return await super().post(channel, thread_ts, note, note_id=note_id, attempt=attempt)


def test_a_pass_reads_where_its_notes_go_in_one_statement(
    desk: Desk, migrated_engine: Engine
) -> None:
    """A project's channel, else the notify channel (a project without one, or with an
    empty one, too); the contact's thread in that channel only, if started. One read for
    the pass, not three per contact (on PostgreSQL 64 contacts took 13 ms that way)."""
    from consent.services.dispatch_notes import Place, places_for

    with desk.uow() as uow:
        own = uow.projects.add("Weddings", "C0WED").id
        none = uow.projects.add("Portraits", None).id
        empty = uow.projects.add("Events", "").id
        ann = uow.contacts.add("Ann", None, own).id
        bo = uow.contacts.add("Bo", None, none).id
        cy = uow.contacts.add("Cy", None, None).id
        di = uow.contacts.add("Di", None, empty).id
        uow.threads.put("C0WED", ann, "1.1")
        uow.threads.put("C0NOTIFY", ann, "1.2")  # an older thread, before the project
        uow.threads.put("C0NOTIFY", bo, "2.1")
        uow.commit()
    selects: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(migrated_engine, "before_cursor_execute", seen)
    try:
        places = places_for(desk, {ann, bo, cy, di, 999_999})
    finally:
        event.remove(migrated_engine, "before_cursor_execute", seen)
    assert places == {
        ann: Place("C0WED", "1.1", "Ann"),
        bo: Place("C0NOTIFY", "2.1", "Bo"),
        cy: Place("C0NOTIFY", None, "Cy"),
        di: Place("C0NOTIFY", None, "Di"),
        999_999: Place("C0NOTIFY", None, ""),
    }
    assert len(selects) == 1
