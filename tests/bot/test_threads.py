"""Staff replies in a contact's thread: confirm, send or off; Slack retries act once."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.notifier import SlackNotifier
from consent.records import InboundSms
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.inbound import handle_inbound
from tests.bot import seed
from tests.bot.conftest import mount
from tests.bot.harness import GUEST, STAFF, Server, Slack, as_dict, wait_until
from tests.fakes import FakeSlack
from tests.support import FixedClock, RecordingGateway

ANN = "+14155550100"
CHANNEL, PARENT = "C0NOTIFY", "1700000000.000100"


def reply(
    text: str = "See you at 9",
    *,
    user: str = STAFF,
    ts: str = "1700000001.000200",
    thread_ts: str = PARENT,
    **extra: Any,
) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "event_ts": ts,
    }
    event.update(extra)
    return event


@pytest.fixture
def ann(slack: Slack) -> int:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    seed.thread(slack.desk, CHANNEL, cid, PARENT)
    return cid


def mode(server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock, how: str) -> Slack:
    return mount(server, fake, desk, clock, thread_replies=how)


def settle() -> None:
    time.sleep(0.4)  # let background work that should not happen have its chance


def prompt_value(slack: Slack) -> str:
    [call] = wait_until(lambda: slack.calls("chat.postEphemeral"))
    blocks = call.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    [row] = [b for b in blocks if b["type"] == "actions"]
    return str(row["elements"][0]["value"])


# -- confirm (the default) -----------------------------------------------------------------


def test_confirm_asks_the_author_in_an_ephemeral(slack: Slack, ann: int) -> None:
    assert slack.event(reply()).status_code == 200
    [call] = wait_until(lambda: slack.calls("chat.postEphemeral"))
    assert (call.args["channel"], call.args["user"], call.args["thread_ts"]) == (
        CHANNEL,
        STAFF,
        PARENT,
    )
    blocks = call.args["blocks"]
    blob = blocks if isinstance(blocks, str) else json.dumps(blocks)
    assert "Send as text" in blob and "Keep as note" in blob and "See you at 9" in blob
    settle()
    assert seed.outbound(slack.desk, ann) == []


def test_send_as_text_sends_once(slack: Slack, ann: int) -> None:
    slack.event(reply("Running late &amp; sorry"))
    value = prompt_value(slack)
    _, first = slack.action(ids.THREAD_SEND, value)
    wait_until(lambda: slack.fake.responses_for(first))
    assert "Sent as a text to +1 415-555-0100" in slack.fake.responses_for(first)[0]["text"]
    assert slack.fake.responses_for(first)[0]["replace_original"] is True
    _, second = slack.action(ids.THREAD_SEND, value)
    wait_until(lambda: slack.fake.responses_for(second))
    assert "already handled" in slack.fake.responses_for(second)[0]["text"]
    assert [m.body for m in seed.outbound(slack.desk, ann)] == ["Running late & sorry"]


def test_keep_as_note_sends_nothing(slack: Slack, ann: int) -> None:
    slack.event(reply())
    prompt_value(slack)
    _, name = slack.action(ids.THREAD_NOTE, "note")
    wait_until(lambda: slack.fake.responses_for(name))
    assert "Kept as a team note" in slack.fake.responses_for(name)[0]["text"]
    settle()
    assert seed.outbound(slack.desk, ann) == []


def test_send_as_text_goes_through_the_gate(slack: Slack) -> None:
    cid = seed.opted_out(slack.desk, "Ben", "+14155550123")
    seed.thread(slack.desk, CHANNEL, cid, PARENT)
    slack.event(reply())
    _, name = slack.action(ids.THREAD_SEND, prompt_value(slack))
    wait_until(lambda: slack.fake.responses_for(name))
    assert "Not sent" in slack.fake.responses_for(name)[0]["text"]
    assert seed.outbound(slack.desk, cid) == []


def test_send_as_text_by_non_staff_is_refused(slack: Slack, ann: int) -> None:
    slack.event(reply(user=GUEST))
    _, name = slack.action(ids.THREAD_SEND, prompt_value(slack), user=GUEST)
    wait_until(lambda: slack.fake.responses_for(name))
    assert "Only optdesk staff" in slack.fake.responses_for(name)[0]["text"]
    assert seed.outbound(slack.desk, ann) == []
    # a staff member may still send it afterwards: the refusal claimed nothing
    _, name = slack.action(ids.THREAD_SEND, prompt_value(slack))
    wait_until(lambda: slack.fake.responses_for(name))
    assert len(seed.outbound(slack.desk, ann)) == 1


def test_a_broken_button_value_sends_nothing(slack: Slack, ann: int) -> None:
    _, name = slack.action(ids.THREAD_SEND, "{not json")
    wait_until(lambda: slack.fake.responses_for(name))
    assert "broken" in slack.fake.responses_for(name)[0]["text"]
    assert seed.outbound(slack.desk, ann) == []


def test_a_reply_too_long_to_text_stays_a_note(slack: Slack, ann: int) -> None:
    slack.event(reply("x" * 1700))
    [call] = wait_until(lambda: slack.calls("chat.postEphemeral"))
    assert "too long to text" in call.args["text"]


def test_slack_retries_ask_only_once(slack: Slack, ann: int) -> None:
    event = reply()
    slack.event(event, event_id="EvSAME")
    wait_until(lambda: slack.calls("chat.postEphemeral"))
    assert slack.event(event, event_id="EvSAME", retry=1).status_code == 200
    assert slack.event(event, event_id="EvSAME", retry=2).status_code == 200
    settle()
    assert len(slack.calls("chat.postEphemeral")) == 1


def test_slack_entities_become_plain_text(slack: Slack, ann: int) -> None:
    slack.event(reply("See <https://example.com/plan|example.com/plan> &amp; call <@U1|bob>"))
    value = json.loads(prompt_value(slack))
    assert value["x"] == "See example.com/plan & call @bob"


# -- send ------------------------------------------------------------------------------------


def test_send_mode_texts_at_once(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mode(server, fake, desk, clock, "send")
    cid = seed.opted_in(desk, "Ann", ANN)
    seed.thread(desk, CHANNEL, cid, PARENT)
    slack.event(reply("On my way"))
    [call] = wait_until(lambda: slack.calls("chat.postEphemeral"))
    assert "Sent as a text" in call.args["text"]
    assert [m.body for m in seed.outbound(desk, cid)] == ["On my way"]


def test_send_mode_retries_never_send_twice(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mode(server, fake, desk, clock, "send")
    cid = seed.opted_in(desk, "Ann", ANN)
    seed.thread(desk, CHANNEL, cid, PARENT)
    event = reply("Only once")
    for retry in (None, 1, 2, 3):
        assert slack.event(event, event_id="EvRETRY", retry=retry).status_code == 200
    wait_until(lambda: seed.outbound(desk, cid))
    settle()
    assert [m.body for m in seed.outbound(desk, cid)] == ["Only once"]


def test_send_mode_refusals_are_told_to_the_author(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mode(server, fake, desk, clock, "send")
    cid = seed.pending(desk, "Cy", phone="+14155550199")
    seed.thread(desk, CHANNEL, cid, PARENT)
    slack.event(reply())
    [call] = wait_until(lambda: slack.calls("chat.postEphemeral"))
    assert "has not opted in" in call.args["text"]
    slack.event(reply(user=GUEST, ts="1700000002.000300"))
    calls = wait_until(lambda: slack.calls("chat.postEphemeral")[1:])
    assert "Only optdesk staff" in calls[0].args["text"]
    assert seed.outbound(desk, cid) == []


# -- off, and messages that are not replies ------------------------------------------------------


def test_off_ignores_thread_replies(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mode(server, fake, desk, clock, "off")
    cid = seed.opted_in(desk, "Ann", ANN)
    seed.thread(desk, CHANNEL, cid, PARENT)
    assert slack.event(reply()).status_code == 200
    settle()
    assert slack.calls("chat.postEphemeral") == []
    assert seed.outbound(desk, cid) == []


IGNORED = {
    "a bot": reply(bot_id="B999"),
    "our own bot": reply(user="UBOT"),
    "an edit": reply(subtype="message_changed"),
    "a delete": reply(subtype="message_deleted"),
    "a top-level message": {k: v for k, v in reply().items() if k != "thread_ts"},
    "the thread parent": reply(ts=PARENT),
    "another thread": reply(thread_ts="1600000000.000001"),
    "another channel": reply(channel="C0OTHER"),
    "an empty text": reply(""),
}


@pytest.mark.parametrize("event", IGNORED.values(), ids=IGNORED.keys())
def test_messages_that_are_not_staff_replies_are_ignored(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock, event: dict[str, Any]
) -> None:
    slack = mode(server, fake, desk, clock, "send")
    cid = seed.opted_in(desk, "Ann", ANN)
    seed.thread(desk, CHANNEL, cid, PARENT)
    assert slack.event(event).status_code == 200
    settle()
    assert slack.calls("chat.postEphemeral") == []
    assert seed.outbound(desk, cid) == []


# -- the thread shows what became of the text ------------------------------------------------


def test_the_thread_shows_a_text_the_gate_refused_at_sending(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mode(server, fake, desk, clock, "send")
    cid = seed.opted_in(desk, "Ann", ANN)
    seed.thread(desk, CHANNEL, cid, PARENT)
    slack.event(reply("See you at 9"))
    wait_until(lambda: seed.outbound(desk, cid))
    # a STOP lands between queueing and sending: the gate refuses, the thread says so
    handle_inbound(desk, InboundSms("SM" + "5" * 32, ANN, "+14155550000", "STOP"))
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    dispatcher = Dispatcher(desk, RecordingGateway(), SlackNotifier(client))

    async def drain() -> None:
        while await dispatcher.run_once():
            pass

    asyncio.run(drain())
    posts = [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == PARENT]
    blob = json.dumps([as_dict({"b": p.args.get("blocks")}) for p in posts])
    assert "Not sent" in blob and "See you at 9" in blob
