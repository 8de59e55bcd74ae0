"""The Notifier port on Slack (and in local mode): rendering, threads, failures."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.local_notifier import LocalNotifier
from bot.notifier import SlackNotifier
from consent.notes import Note, note_from_payload
from consent.senders import NotifyError
from tests.fakes import FakeSlack

CHANNEL = "C0NOTIFY"
INBOUND: dict[str, Any] = {
    "type": "inbound",
    "contact_id": 7,
    "contact": "Ann <!channel> & co",
    "phone": "+14155550100",
    "body": "Is 9 ok? <@U1> &",
    "media": [],
    "media_types": [],
    "intent": "none",
    "message_id": 11,
    "sid": "SM1",
}


def typed(payload: Mapping[str, Any]) -> tuple[Note, dict[str, int]]:
    """A note in its stored form, as the dispatcher hands it over: the typed note, and its
    outbox row (`note_id`) and `attempt` when the payload names them."""
    row = {k: int(payload[k]) for k in ("note_id", "attempt") if k in payload}
    return note_from_payload(payload), row


def post(fake: FakeSlack, note: Mapping[str, Any], thread: str | None = None, **kw: Any) -> str:
    base_url = kw.pop("base_url", None) or fake.base_url
    client = AsyncWebClient(token="xoxb-test", base_url=base_url, timeout=kw.pop("timeout", 5))
    typed_note, row = typed(note)
    return asyncio.run(SlackNotifier(client, **kw).post(CHANNEL, thread, typed_note, **row))


def posted(fake: FakeSlack) -> tuple[dict[str, Any], str]:
    call = fake.calls_to("chat.postMessage")[-1]
    blocks = call.args.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return call.args, json.dumps(blocks or [], ensure_ascii=False)


def test_a_first_inbound_text_starts_the_contacts_thread(fake: FakeSlack) -> None:
    ts = post(fake, INBOUND)
    assert ts == fake.calls_to("chat.postMessage")[0].response["ts"]  # type: ignore[index]
    args, blob = posted(fake)
    assert args["channel"] == CHANNEL and "thread_ts" not in args
    assert "Ann &lt;!channel&gt; &amp; co" in blob and "+1 415-555-0100" in blob
    assert "Is 9 ok? &lt;@U1&gt; &amp;" in blob
    for action_id in (ids.SEND, ids.OPT_OUT, ids.MOVE_PICK, ids.VIEW):
        assert f'"action_id": "{action_id}"' in blob
    assert "<!channel>" not in args["text"] and "<@U1>" not in args["text"]
    assert "stay in Slack unless you choose to text them" in blob


def test_the_first_message_says_what_thread_replies_do(fake: FakeSlack) -> None:
    post(fake, INBOUND, thread_replies="send")
    _, blob = posted(fake)
    assert "replies in this thread are texted to them" in blob


def test_later_notes_go_into_the_thread(fake: FakeSlack) -> None:
    post(fake, INBOUND, thread="1700000000.000100")
    args, blob = posted(fake)
    assert args["thread_ts"] == "1700000000.000100"
    assert "replies in this thread" not in blob  # the header is for the first message only
    assert f'"action_id": "{ids.SEND}"' in blob  # every inbound text can be answered


def test_pictures_show_as_image_blocks(fake: FakeSlack) -> None:
    note = dict(
        INBOUND,
        media=["https://api.twilio.com/m/ME1", "https://api.twilio.com/m/ME2"],
        media_types=["image/jpeg", "application/pdf"],
    )
    post(fake, note)
    _, blob = posted(fake)
    assert '"type": "image"' in blob and "https://api.twilio.com/m/ME1" in blob
    assert "Attachment: https://api.twilio.com/m/ME2" in blob


def test_a_maybe_opt_out_is_flagged_with_a_one_click_opt_out(fake: FakeSlack) -> None:
    post(
        fake,
        dict(INBOUND, body="can't stop smiling!", intent="maybe_opt_out"),
        thread="1700000000.000100",
    )
    _, blob = posted(fake)
    blocks = json.loads(blob)
    [flag] = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.OPT_OUT_NUMBER
    ]
    assert flag["value"] == "7:+14155550100"
    assert flag["confirm"]["confirm"]["text"] == "Opt out"
    assert "might be a request to stop" in blob


def test_consent_notes_name_the_source_and_refresh_the_home_tab(fake: FakeSlack) -> None:
    refreshed: list[bool] = []

    async def refresh() -> None:
        refreshed.append(True)

    note = {
        "type": "consent",
        "contact_id": 7,
        "contact": "Ann",
        "phone": "+14155550100",
        "status": "opted out",
        "previous": "opted in",
        "source": "staff",
        "actor": "USTAFF",
        "reason": "asked <politely>",
        "awaiting_start": False,
        "seq": 3,
    }
    post(fake, note, thread="1.2", home_refresh=refresh)
    _, blob = posted(fake)
    assert "*opted out* by staff by <@USTAFF>" in blob
    assert "asked &lt;politely&gt;" in blob
    assert refreshed == [True]


def test_a_failing_home_refresh_does_not_fail_the_note(fake: FakeSlack) -> None:
    async def broken() -> None:
        raise RuntimeError("database gone")

    note = {
        "type": "consent",
        "contact_id": 7,
        "contact": "Ann",
        "phone": "+14155550100",
        "status": "opted in",
        "source": "sms_keyword",
        "actor": "sms",
    }
    assert post(fake, note, thread="1.2", home_refresh=broken)


def test_delivery_results_land_in_the_thread(fake: FakeSlack) -> None:
    note = {
        "type": "delivery",
        "contact_id": 7,
        "phone": "+14155550100",
        "message_id": 3,
        "status": "failed",
        "error": "Twilio error 30007",
        "body": "See you <soon>",
    }
    post(fake, note, thread="1700000000.000100")
    args, blob = posted(fake)
    assert args["thread_ts"] == "1700000000.000100"
    assert "Failed" in blob and "Twilio error 30007" in blob and "See you &lt;soon&gt;" in blob


@pytest.mark.parametrize("fault", ["ratelimited", "server_error", "timeout", "network"])
def test_retryable_failures_raise_notify_error(fake: FakeSlack, fault: str) -> None:
    kw: dict[str, Any] = {}
    if fault == "ratelimited":
        fake.rate_limit(method="chat.postMessage", times=1)
    elif fault == "server_error":
        fake.fail_with(503, method="chat.postMessage")
    elif fault == "timeout":
        fake.hang(3, method="chat.postMessage")
        kw["timeout"] = 0.5
    else:
        kw["base_url"] = "http://127.0.0.1:9/api/"  # nothing listens there
    with pytest.raises(NotifyError):
        post(fake, INBOUND, **kw)
    fake.clear_faults()


def test_permanent_failures_are_logged_clearly(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake.error("chat.postMessage", "channel_not_found")
    with caplog.at_level(logging.ERROR, logger="optdesk.bot"), pytest.raises(NotifyError):
        post(fake, INBOUND)
    assert "channel_not_found" in caplog.text and "can't see it" in caplog.text


def test_refused_blocks_fall_back_to_text(fake: FakeSlack) -> None:
    fake.error("chat.postMessage", "invalid_blocks", times=1)
    assert post(fake, INBOUND)
    args, _ = posted(fake)
    assert "blocks" not in args and "Is 9 ok?" in args["text"]


def test_no_channel_is_logged_not_retried(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    with caplog.at_level(logging.WARNING, logger="optdesk.bot"):
        ts = asyncio.run(SlackNotifier(client).post("", None, typed(INBOUND)[0]))
    assert ts == "" and "OPTDESK_NOTIFY_CHANNEL" in caplog.text
    assert fake.calls_to("chat.postMessage") == []


def test_local_mode_logs_each_note_as_plain_sentences(caplog: pytest.LogCaptureFixture) -> None:
    notifier = LocalNotifier()
    stop = {**INBOUND, "body": "please stop\ntexting me", "intent": "opt_out", "trigger": "stop"}
    with caplog.at_level(logging.INFO, logger="optdesk.bot"):
        first = asyncio.run(notifier.post(CHANNEL, None, typed(INBOUND)[0]))
        second = asyncio.run(notifier.post(CHANNEL, first, typed(INBOUND)[0]))
        asyncio.run(notifier.post("", None, typed(stop)[0]))
    assert first != second
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == (  # plain, for a log: no emoji names, no quote bars, the text in quotes
        "LOCAL MODE: Slack would get this note in #C0NOTIFY: "
        "Ann <!channel> & co (+1 415-555-0100) texted “Is 9 ok? <@U1> &”."
    )
    assert lines[2] == (
        "LOCAL MODE: Slack would get this note: Ann <!channel> & co (+1 415-555-0100) texted "
        "“please stop texting me”. They asked to stop (“stop”): the number is opted out."
    )


# exactly once: a retry looks for the post an earlier attempt may have made -----------------


def notifier(fake: FakeSlack, timeout: float = 5) -> SlackNotifier:
    return SlackNotifier(AsyncWebClient(token="xoxb-test", base_url=fake.base_url, timeout=timeout))


def lookups(fake: FakeSlack) -> list[str]:
    return [c.method for c in fake.calls if c.method.startswith("conversations.")]


def test_each_post_carries_the_note_id_as_metadata(fake: FakeSlack) -> None:
    post(fake, dict(INBOUND, note_id=42, attempt=1))
    args, _ = posted(fake)
    assert args["metadata"] == {"event_type": "optdesk_note", "event_payload": {"note_id": 42}}


def test_a_first_attempt_never_looks_up(fake: FakeSlack) -> None:
    post(fake, dict(INBOUND, note_id=42, attempt=1))
    post(fake, dict(INBOUND, note_id=43, attempt=1), thread="1700000000.000100")
    post(fake, INBOUND)  # no note_id (not from the outbox): nothing to look for either
    assert lookups(fake) == []
    assert len(fake.calls_to("chat.postMessage")) == 3


@pytest.mark.parametrize("in_thread", [True, False])
def test_a_retry_after_a_timeout_finds_the_earlier_post(fake: FakeSlack, in_thread: bool) -> None:
    thread = post(fake, dict(INBOUND, note_id=1, attempt=1)) if in_thread else None
    post(fake, dict(INBOUND, note_id=2, attempt=1), thread=thread)  # another note, same place
    note = typed(INBOUND)[0]
    fake.hang(3, times=1, method="chat.postMessage")
    with pytest.raises(NotifyError):
        asyncio.run(notifier(fake, timeout=0.5).post(CHANNEL, thread, note, note_id=7, attempt=1))
    fake.clear_faults()  # Slack finishes the abandoned post after all
    fake.wait_for("chat.postMessage", n=3 if in_thread else 2)
    [late] = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.args["metadata"]["event_payload"]["note_id"] == 7
    ]
    assert _settled(fake, late)

    ts = asyncio.run(notifier(fake).post(CHANNEL, thread, note, note_id=7, attempt=2))

    assert ts == late.response["ts"]  # type: ignore[index]
    assert len(fake.calls_to("chat.postMessage")) == (3 if in_thread else 2)  # not again
    [lookup] = fake.calls_to("conversations.replies" if in_thread else "conversations.history")
    assert lookup.args["channel"] == CHANNEL
    assert lookup.args["include_all_metadata"] in ("1", "true")
    if in_thread:
        assert lookup.args["ts"] == thread
    else:
        assert lookup.args["limit"] == "50"


def _settled(fake: FakeSlack, call: Any, timeout: float = 5) -> bool:
    return fake._wait(lambda: call.status is not None, timeout)


def test_a_retry_posts_when_no_earlier_attempt_reached_slack(fake: FakeSlack) -> None:
    thread = post(fake, dict(INBOUND, note_id=1, attempt=1))
    ts = post(fake, dict(INBOUND, note_id=7, attempt=3), thread=thread)
    assert ts and fake.calls_to("conversations.replies")
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_a_retry_finds_its_post_on_a_later_page_of_the_thread(fake: FakeSlack) -> None:
    thread = post(fake, dict(INBOUND, note_id=1, attempt=1))
    for n in range(210):  # more replies before it than one page (200) holds
        post(fake, dict(INBOUND, note_id=100 + n, attempt=1), thread=thread)
    first = post(fake, dict(INBOUND, note_id=7, attempt=1), thread=thread)
    before = len(fake.calls_to("chat.postMessage"))
    assert post(fake, dict(INBOUND, note_id=7, attempt=2), thread=thread) == first
    assert len(fake.calls_to("chat.postMessage")) == before
    pages = fake.calls_to("conversations.replies")
    assert len(pages) == 2 and pages[1].args["cursor"]


def test_a_failed_lookup_raises_rather_than_risk_a_duplicate(fake: FakeSlack) -> None:
    fake.fail_with(500, method="conversations.history")
    with pytest.raises(NotifyError, match="looking for an earlier post"):
        post(fake, dict(INBOUND, note_id=7, attempt=2))
    assert fake.calls_to("chat.postMessage") == []


def test_a_flag_says_which_words_triggered_it(fake: FakeSlack) -> None:
    note = dict(
        INBOUND, body="stop by at 3?", intent="maybe_opt_out", rule="opt-out word", trigger="stop"
    )
    post(fake, note, thread="1700000000.000100")
    _, blob = posted(fake)
    assert "Flagged because of “stop” (opt-out word)." in blob


def test_a_wrong_number_opt_out_tells_staff_why(fake: FakeSlack) -> None:
    note = dict(
        INBOUND,
        body="wrong number",
        intent="opt_out",
        rule="wrong number",
        trigger="wrong number",
        wrong_number=True,
    )
    post(fake, note, thread="1700000000.000100")
    _, blob = posted(fake)
    assert "wrong-number reply (“wrong number” (wrong number)): the number is opted out" in blob
