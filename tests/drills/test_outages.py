"""Drill 2: Twilio, then Slack, answer 500 and then hang past our timeout for a while.

No text is lost, none is sent twice, none reaches a number that opted out meanwhile,
and all go out once Twilio recovers; every Slack notification is posted once it recovers.
The dispatcher runs as `optdesk serve` runs it (its own loop, real clock, the real
Twilio gateway and Slack notifier), here in-process so the timeouts can be short.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.notifier import SlackNotifier
from bot.slack_client import make_client
from consent.records import InboundSms
from consent.services.context import Desk, DeskConfig, SystemClock
from consent.services.dispatch import Dispatcher
from consent.services.inbound import handle_inbound
from consent.services.staff import send_text
from storage.uow import SqlUnitOfWorkFactory
from tests.drills.harness import (
    SENDER,
    Db,
    Dispatching,
    db_variants,
    new_sid,
    number,
    scaled,
    wait_for,
)
from tests.fakes import Call, FakeSlack, FakeTwilio
from webhooks.twilio_gateway import TwilioGateway

TIMEOUT = 0.3  # the gateway's read timeout, seconds
HANG = 1.5  # each request Twilio takes during the hang; done long before SETTLE is over
SETTLE = timedelta(seconds=5)


@dataclass(frozen=True)
class Outage:
    numbers: int  # opted-in numbers, one text each per phase
    stopped: int  # of which this many text STOP while Twilio is down
    seconds: float  # how long each phase of the outage lasts


@dataclass
class Rig:
    desk: Desk
    db: Db
    twilio: FakeTwilio
    slack: FakeSlack
    dispatcher: Dispatcher
    sids: Iterator[int]

    def text_in(self, phone: str, body: str) -> None:
        sms = InboundSms(new_sid(next(self.sids), block=7), phone, SENDER, body)
        handle_inbound(self.desk, sms)


@pytest.fixture
def rig(migrated_engine: Engine, caplog: pytest.LogCaptureFixture) -> Iterator[Rig]:
    config = DeskConfig(business_name="Drill Studio", notify_channel="C0NOTIFY")
    desk = Desk(SqlUnitOfWorkFactory(migrated_engine, clock := SystemClock()), clock, config)
    db = Db(migrated_engine.url.render_as_string(hide_password=False))
    with FakeTwilio() as twilio, FakeSlack() as slack:
        gateway = TwilioGateway(
            twilio.account_sid,
            twilio.auth_token,
            from_number=SENDER,
            api_url=twilio.base_url,
            timeout=TIMEOUT,
            per_second=1000,
        )
        notifier = SlackNotifier(make_client("xoxb-drill", slack.base_url, timeout=1))
        dispatcher = Dispatcher(desk, gateway, notifier, settle=SETTLE)
        yield Rig(desk, db, twilio, slack, dispatcher, iter(range(10**6)))
    db.close()
    failures = [r for r in caplog.records if r.name == "optdesk.dispatch" and r.levelno >= 40]
    assert not failures, "a dispatcher pass crashed: " + failures[0].getMessage()


def _settled(db: Db, kind: str) -> bool:
    return not [row for row in db.unsettled() if row.kind == kind]


@pytest.mark.parametrize(
    ("outage", "db_url"),
    db_variants(Outage(5, 2, 1.0), Outage(scaled(30), scaled(8), 8)),
    indirect=["db_url"],
)
def test_twilio_down_then_hanging_sends_every_text_once_and_none_after_stop(
    outage: Outage, rig: Rig
) -> None:
    phones = [number(n, block=2) for n in range(outage.numbers)]
    for phone in phones:
        rig.text_in(phone, "START")
    stopped, kept = phones[: outage.stopped], phones[outage.stopped :]
    twilio, db = rig.twilio, rig.db
    with Dispatching(rig.dispatcher):
        # 1. Twilio answers 500 (nothing taken); texts queue up; some clients say STOP.
        twilio.fail_with(500)
        before = {phone: f"before the outage ended, to {phone}" for phone in phones}
        for phone, body in before.items():
            send_text(rig.desk, phone, body, actor="drill")
        wait_for(lambda: _posts(twilio, before.values()) >= len(before), 60, "every text tried")
        time.sleep(outage.seconds)  # the outage goes on
        for phone in stopped:
            rig.text_in(phone, "STOP")

        # 2. Twilio hangs past our timeout, then takes every request after all.
        twilio.clear_faults()
        twilio.hang(HANG)
        during = {phone: f"queued while Twilio hangs, to {phone}" for phone in kept}
        for phone, body in during.items():
            send_text(rig.desk, phone, body, actor="drill")
        wait_for(lambda: _posts(twilio, during.values()), 60, "a text sent into the hang")
        time.sleep(outage.seconds)  # the hang goes on

        # 3. Twilio recovers.
        twilio.clear_faults()
        wait_for(lambda: _settled(db, "sms"), 180, "every text settled")

    expected = [before[p] for p in kept] + list(during.values())
    sent = Counter(record["body"] for record in twilio.sent)
    assert sent == Counter(expected), "each text exactly once, nothing else"
    assert not [r for r in twilio.sent if r["to"] in stopped], "a text after STOP"
    by_body = {r["body"]: r["sid"] for r in twilio.sent}
    outbound = {row.body: row for row in db.outbound()}
    for body in expected:  # each message row names the SID Twilio gave that very text
        assert outbound[body].twilio_sid == by_body[body]
    for phone in stopped:
        assert outbound[before[phone]].status == "refused"
    assert not [row for row in db.outbox() if row.status == "failed"]
    adopted = [
        body for body in during.values() if _posts(twilio, [body]) == 1 and _attempts(db, body) > 1
    ]
    assert adopted, "no send timed out: the drill did not exercise the lookup"


def _posts(twilio: FakeTwilio, bodies: Iterable[str]) -> int:
    wanted = set(bodies)
    return sum(
        1
        for r in list(twilio.requests)
        if r.method == "POST" and r.form.get("Body", [""])[0] in wanted
    )


def _attempts(db: Db, body: str) -> int:
    ids = {row.id for row in db.outbound() if row.body == body}
    return max(row.attempts for row in db.outbox() if row.message_id in ids)


@pytest.mark.parametrize(
    ("outage", "db_url"),
    db_variants(Outage(5, 0, 1.0), Outage(scaled(30), 0, 8)),
    indirect=["db_url"],
)
def test_slack_down_loses_no_notification_and_posts_each_once(outage: Outage, rig: Rig) -> None:
    slack = rig.slack
    with Dispatching(rig.dispatcher):
        slack.fail_with(500)
        notes = _inbound_notes(rig, outage.numbers)
        wait_for(lambda: _slack_tries(slack, notes) >= len(notes), 60, "every note tried")
        time.sleep(outage.seconds)  # the outage goes on
        slack.clear_faults()
        slack.rate_limit(retry_after=1, times=max(1, outage.numbers // 4))
        wait_for(lambda: _settled(rig.db, "slack"), 180, "every note posted")
    assert _posted(slack, notes) == Counter(notes), "each note posted exactly once"


@pytest.mark.drill
@pytest.mark.timeout(300)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_slack_hanging_past_the_timeout_posts_each_note_once(rig: Rig) -> None:
    slack = rig.slack
    with Dispatching(rig.dispatcher):
        slack.hang(2.5)  # past the client's 1 s timeout; Slack posts them all the same
        notes = _inbound_notes(rig, 4)
        wait_for(lambda: _slack_tries(slack, notes) >= len(notes), 60, "every note tried")
        time.sleep(3)
        slack.clear_faults()
        wait_for(lambda: _settled(rig.db, "slack"), 180, "every note posted")
    assert _posted(slack, notes) == Counter(notes), "each note posted exactly once"
    looked = slack.calls_to("conversations.history") + slack.calls_to("conversations.replies")
    assert looked, "no post timed out: the drill did not exercise the lookup"


def _inbound_notes(rig: Rig, n: int) -> list[str]:
    """`n` texts in from new numbers; each queues one Slack note quoting its body."""
    notes = [f"drill-note-{k:04d}" for k in range(n)]
    for k, body in enumerate(notes):
        rig.text_in(number(k, block=4), body)
    return notes


def _posted(slack: FakeSlack, notes: list[str]) -> Counter[str]:
    """How often each note was posted successfully (the fake records even abandoned calls)."""
    posts = [str(c.args.get("text")) for c in _ok_posts(slack)]
    return Counter(body for body in notes for text in posts if body in text)


def _ok_posts(slack: FakeSlack) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if c.status == 200 and c.ok]


def _slack_tries(slack: FakeSlack, notes: list[str]) -> int:
    calls = slack.calls_to("chat.postMessage")
    return sum(1 for body in notes if any(body in str(c.args.get("text")) for c in calls))
