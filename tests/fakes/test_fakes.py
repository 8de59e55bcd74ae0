"""The fakes answer the real twilio / slack_sdk / slack_bolt clients like the real services."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import WebClient
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from tests.fakes import FakeSlack, FakeTwilio

FROM = "+15550000000"
TO = "+15551230001"


def _fake_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(("FakeSlack", "FakeTwilio"))]


@pytest.fixture
def tw() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake
    assert not _fake_threads()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(usergroups={"S123": ["U1", "U2"]}) as fake:
        yield fake
    assert not _fake_threads()


def _client(tw: FakeTwilio, timeout: float | None = 5.0) -> Client:
    """The recipe from the module docstring, spelled out."""
    client = Client(
        tw.account_sid,
        tw.auth_token,
        http_client=TwilioHttpClient(timeout=timeout),
        environment={},
    )
    client.api.base_url = tw.base_url
    return client


# --------------------------------------------------------------------------- Twilio


def test_twilio_create_reaches_fake_and_parses_the_message(tw: FakeTwilio) -> None:
    msg = _client(tw).messages.create(
        to=TO,
        from_=FROM,
        body="Reply YES to confirm",
        status_callback="http://127.0.0.1:9/twilio/status",
    )
    [sent] = tw.wait_for_sent(1)
    assert sent["to"] == TO
    assert sent["from_"] == FROM
    assert sent["body"] == "Reply YES to confirm"
    assert sent["status_callback"] == "http://127.0.0.1:9/twilio/status"
    assert sent["messaging_service_sid"] is None
    assert sent["media_url"] == []
    assert msg.sid == sent["sid"]
    assert msg.sid is not None and msg.sid.startswith("SM") and len(msg.sid) == 34
    assert msg.account_sid == tw.account_sid
    assert msg.status == "queued"
    assert msg.to == TO and msg.from_ == FROM
    assert msg.num_segments == "1"
    assert msg.error_code is None
    assert isinstance(msg.date_created, datetime)
    [raw] = tw.requests
    assert raw.method == "POST"
    assert raw.path == f"/2010-04-01/Accounts/{tw.account_sid}/Messages.json"
    assert raw.headers["User-Agent"].startswith("twilio-python/")


def test_twilio_messaging_service_send_is_accepted_with_media(tw: FakeTwilio) -> None:
    msg = tw.client().messages.create(
        to=TO,
        messaging_service_sid="MG" + "0" * 32,
        body="x" * 161,
        media_url=["https://example.com/a.png", "https://example.com/b.png"],
    )
    assert msg.status == "accepted"
    assert msg.from_ is None
    assert msg.num_segments == "2"
    assert msg.num_media == "2"
    [sent] = tw.sent
    assert sent["messaging_service_sid"] == "MG" + "0" * 32
    assert sent["media_url"] == ["https://example.com/a.png", "https://example.com/b.png"]


def test_twilio_fetch_returns_the_sent_message(tw: FakeTwilio) -> None:
    client = tw.client()
    sid = client.messages.create(to=TO, from_=FROM, body="hi").sid
    assert client.messages(sid).fetch().body == "hi"


def test_twilio_blocked_number_raises_21610(tw: FakeTwilio) -> None:
    tw.block_number(TO)
    with pytest.raises(TwilioRestException) as info:
        tw.client().messages.create(to=TO, from_=FROM, body="hi")
    assert info.value.code == 21610
    assert info.value.status == 400
    assert "unsubscribed recipient" in info.value.msg
    assert tw.sent == []
    tw.client().messages.create(to="+15551230002", from_=FROM, body="hi")
    assert len(tw.sent) == 1


def test_twilio_invalid_number_raises_21211(tw: FakeTwilio) -> None:
    tw.invalid_number("+1555")
    with pytest.raises(TwilioRestException) as info:
        tw.client().messages.create(to="+1555", from_=FROM, body="hi")
    assert (info.value.status, info.value.code) == (400, 21211)


def test_twilio_missing_body_is_rejected(tw: FakeTwilio) -> None:
    with pytest.raises(TwilioRestException) as info:
        tw.client().messages.create(to=TO, from_=FROM)
    assert info.value.code == 21602


def test_twilio_500_raises_then_recovers_after_times(tw: FakeTwilio) -> None:
    tw.fail_with(500, times=1)
    client = tw.client()
    with pytest.raises(TwilioRestException) as info:
        client.messages.create(to=TO, from_=FROM, body="hi")
    assert (info.value.status, info.value.code) == (500, 20500)
    client.messages.create(to=TO, from_=FROM, body="hi")
    assert len(tw.sent) == 1
    assert len(tw.requests) == 2


def test_twilio_fail_with_custom_code_until_cleared(tw: FakeTwilio) -> None:
    tw.fail_with(400, code=21408, message="Permission to send an SMS has not been enabled")
    client = tw.client()
    for _ in range(2):
        with pytest.raises(TwilioRestException) as info:
            client.messages.create(to=TO, from_=FROM, body="hi")
        assert info.value.code == 21408
    tw.clear_faults()
    client.messages.create(to=TO, from_=FROM, body="hi")


def test_twilio_non_json_error_body_uses_status_as_code(tw: FakeTwilio) -> None:
    tw.fail_with(502, body="<html>Bad Gateway</html>", times=1)
    with pytest.raises(TwilioRestException) as info:
        tw.client().messages.create(to=TO, from_=FROM, body="hi")
    assert (info.value.status, info.value.code) == (502, 502)


def test_twilio_wrong_credentials_get_401(tw: FakeTwilio) -> None:
    client = Client(tw.account_sid, "wrong-token", environment={})
    client.api.base_url = tw.base_url
    with pytest.raises(TwilioRestException) as info:
        client.messages.create(to=TO, from_=FROM, body="hi")
    assert (info.value.status, info.value.code) == (401, 20003)


def test_twilio_hang_with_short_client_timeout_raises_requests_timeout(tw: FakeTwilio) -> None:
    tw.hang(30)
    with pytest.raises(requests.exceptions.Timeout):
        _client(tw, timeout=0.3).messages.create(to=TO, from_=FROM, body="hi")
    started = time.monotonic()
    tw.stop()  # the handler still sleeping in hang() must not block stop()
    assert time.monotonic() - started < 3
    assert tw.sent == []  # stop() drops the hung request unprocessed


def test_twilio_timed_out_request_is_still_processed_when_the_hang_ends(tw: FakeTwilio) -> None:
    tw.hang(30)
    with pytest.raises(requests.exceptions.ReadTimeout):
        _client(tw, timeout=0.3).messages.create(to=TO, from_=FROM, body="hi")
    tw.clear_faults()  # releases the hung request: like Twilio, it was sent after all
    assert tw.wait_for_sent(1)[0]["body"] == "hi"


def test_twilio_hang_times_then_answers(tw: FakeTwilio) -> None:
    tw.hang(0.2, times=1)
    client = tw.client()
    started = time.monotonic()
    client.messages.create(to=TO, from_=FROM, body="slow")
    assert time.monotonic() - started >= 0.2
    client.messages.create(to=TO, from_=FROM, body="fast")
    assert [s["body"] for s in tw.sent] == ["slow", "fast"]


def test_twilio_concurrent_sends_are_all_recorded(tw: FakeTwilio) -> None:
    client = tw.client()
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            client.messages.create(to=f"+1555123{i:04d}", from_=FROM, body=str(i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent = tw.wait_for_sent(12)
    assert len({s["sid"] for s in sent}) == 12


def test_twilio_wait_for_sent_times_out_with_assertion(tw: FakeTwilio) -> None:
    with pytest.raises(AssertionError):
        tw.wait_for_sent(1, timeout=0.1)


# AsyncTwilioHttpClient passes aiohttp.BasicAuth / auth=, deprecated in aiohttp 3.14; the
# warnings are attributed to twilio's module, so pyproject's aiohttp.* filter misses them.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_twilio_async_client_create_async(tw: FakeTwilio) -> None:
    async def main() -> str | None:
        http_client = AsyncTwilioHttpClient(timeout=5)
        try:
            client = Client(tw.account_sid, tw.auth_token, http_client=http_client)
            client.api.base_url = tw.base_url
            msg = await client.messages.create_async(to=TO, from_=FROM, body="async")
            return str(msg.sid)
        finally:
            await http_client.session.close()

    sid = asyncio.run(main())
    assert tw.sent[0]["sid"] == sid


# --------------------------------------------------------------------------- Slack


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_slack_auth_test(slack: FakeSlack) -> None:
    res = _run(AsyncWebClient(token="xoxb-test", base_url=slack.base_url).auth_test())
    assert res["ok"] is True
    assert (res["team_id"], res["user_id"], res["bot_id"]) == ("T0001", "UBOT", "BBOT")
    assert res["is_enterprise_install"] is False
    [call] = slack.calls_to("auth.test")
    assert call.token == "xoxb-test"
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_slack_post_message_in_thread(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)

    async def main() -> tuple[Any, Any]:
        parent = await client.chat_postMessage(channel="C1", text="parent")
        reply = await client.chat_postMessage(
            channel="C1",
            text="reply",
            thread_ts=parent["ts"],
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "reply"}}],
        )
        return parent, reply

    parent, reply = _run(main())
    assert parent["channel"] == "C1"
    assert float(reply["ts"]) > float(parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    assert reply["message"]["blocks"][0]["type"] == "section"
    calls = slack.wait_for("chat.postMessage", n=2)
    assert calls[1].args["thread_ts"] == parent["ts"]
    assert calls[1].args["text"] == "reply"
    assert calls[1].ok


def test_slack_ts_format(slack: FakeSlack) -> None:
    res = _run(
        AsyncWebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(
            channel="C1", text="x"
        )
    )
    whole, frac = res["ts"].split(".")
    assert len(whole) == 10 and len(frac) == 6


def test_slack_update_needs_a_posted_message(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)

    async def main() -> Any:
        posted = await client.chat_postMessage(channel="C1", text="v1")
        return await client.chat_update(channel="C1", ts=posted["ts"], text="v2")

    assert _run(main())["text"] == "v2"
    with pytest.raises(SlackApiError) as info:
        _run(client.chat_update(channel="C1", ts="1.000001", text="v2"))
    assert info.value.response["error"] == "message_not_found"


def test_slack_views_publish(slack: FakeSlack) -> None:
    view = {"type": "home", "blocks": [{"type": "divider"}]}
    res = _run(
        AsyncWebClient(token="xoxb-test", base_url=slack.base_url).views_publish(
            user_id="U1", view=view
        )
    )
    assert res["view"]["id"].startswith("V")
    assert res["view"]["type"] == "home"
    [call] = slack.calls_to("views.publish")
    assert call.args["user_id"] == "U1"
    assert call.args["view"] == view


def test_slack_usergroups_users_list(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    assert _run(client.usergroups_users_list(usergroup="S123"))["users"] == ["U1", "U2"]
    with pytest.raises(SlackApiError) as info:
        _run(client.usergroups_users_list(usergroup="S999"))
    assert info.value.response["error"] == "no_such_subteam"


def test_slack_users_info_and_other_methods(slack: FakeSlack) -> None:
    slack.users["U2"] = {"tz": "Europe/Berlin"}
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)

    async def main() -> list[Any]:
        return [
            await client.users_info(user="U1"),
            await client.users_info(user="U2"),
            await client.conversations_info(channel="C1"),
            await client.conversations_join(channel="C1"),
            await client.chat_getPermalink(channel="C1", message_ts="1700000000.000100"),
            await client.chat_postEphemeral(channel="C1", user="U1", text="psst"),
            await client.views_open(trigger_id="t1", view=_MODAL),
            await client.api_call("reactions.add", json={"channel": "C1", "name": "x"}),
        ]

    u1, u2, info, join, link, eph, opened, other = _run(main())
    assert u1["user"]["tz"] == "America/New_York"
    assert u2["user"]["tz"] == "Europe/Berlin"
    assert info["channel"]["id"] == "C1" and join["channel"]["id"] == "C1"
    assert link["permalink"].endswith("/archives/C1/p1700000000000100")
    assert eph["message_ts"]
    assert opened["view"]["id"].startswith("V")
    assert other["ok"] is True
    assert slack.calls_to("users.info")[0].args == {"user": "U1"}


def test_slack_response_url_records_webhook_posts(slack: FakeSlack) -> None:
    url = slack.response_url("cmd1")
    res = _run(AsyncWebhookClient(url=url).send(text="done", response_type="ephemeral"))
    assert res.status_code == 200
    assert slack.wait_for_responses(1) == [{"text": "done", "response_type": "ephemeral"}]
    assert slack.responses_for("cmd1") == [{"text": "done", "response_type": "ephemeral"}]
    assert slack.responses_for("other") == []


def test_slack_error_mode_raises_slack_api_error(slack: FakeSlack) -> None:
    slack.error("chat.postMessage", "channel_not_found", times=1)
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    with pytest.raises(SlackApiError) as info:
        _run(client.chat_postMessage(channel="C1", text="x"))
    assert info.value.response["error"] == "channel_not_found"
    assert info.value.response.status_code == 200
    assert _run(client.chat_postMessage(channel="C1", text="x"))["ok"] is True
    first, second = slack.calls_to("chat.postMessage")
    assert not first.ok and second.ok


def test_slack_500_fails(slack: FakeSlack) -> None:
    slack.fail_with(500)
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    with pytest.raises(SlackApiError) as info:
        _run(client.chat_postMessage(channel="C1", text="x"))
    assert info.value.response.status_code == 500
    with pytest.raises(SlackApiError):
        _run(client.auth_test())
    slack.clear_faults()
    assert _run(client.auth_test())["ok"] is True


_MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Hi"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
}


def test_slack_fail_with_for_one_method_only(slack: FakeSlack) -> None:
    slack.fail_with(503, method="views.publish")
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    assert _run(client.auth_test())["ok"] is True
    with pytest.raises(SlackApiError) as info:
        _run(client.views_publish(user_id="U1", view={"type": "home", "blocks": []}))
    assert info.value.response.status_code == 503


def test_slack_rate_limit_raises_without_retry_handler(slack: FakeSlack) -> None:
    slack.rate_limit(retry_after=7)
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    with pytest.raises(SlackApiError) as info:
        _run(client.chat_postMessage(channel="C1", text="x"))
    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert info.value.response.headers["Retry-After"] == "7"
    assert _run(client.chat_postMessage(channel="C1", text="x"))["ok"] is True


def test_slack_rate_limit_is_retried_by_the_sdk_handler(slack: FakeSlack) -> None:
    slack.rate_limit(retry_after=0, times=1)
    client = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert _run(client.chat_postMessage(channel="C1", text="x"))["ok"] is True
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_slack_hang_times_out_the_client_and_does_not_block_stop(slack: FakeSlack) -> None:
    slack.hang(30)
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url, timeout=1)
    with pytest.raises(TimeoutError):
        _run(client.chat_postMessage(channel="C1", text="x"))
    started = time.monotonic()
    slack.stop()
    assert time.monotonic() - started < 3


def test_slack_missing_token_is_not_authed(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as info:
        _run(AsyncWebClient(base_url=slack.base_url).auth_test())
    assert info.value.response["error"] == "not_authed"


def test_slack_sync_web_client_also_works(slack: FakeSlack) -> None:
    res = WebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(
        channel="U1", text="dm"
    )
    assert res["channel"] == "D1"
    assert slack.calls_to("chat.postMessage")[0].args["channel"] == "U1"


def test_slack_bolt_app_uses_fake_for_auth_test_client_and_respond(slack: FakeSlack) -> None:
    secret = "s3cret"
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    app = AsyncApp(client=client, signing_secret=secret, process_before_response=True)

    @app.command("/optdesk")
    async def handle(
        ack: Any, respond: Any, client: AsyncWebClient, command: dict[str, Any]
    ) -> None:
        await ack()
        await client.chat_postMessage(channel=command["channel_id"], text="posted")
        await respond("responded")

    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T0001",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/optdesk",
            "text": "help",
            "response_url": slack.response_url("cmd"),
            "trigger_id": "t1",
        }
    )
    timestamp = str(int(time.time()))
    headers: dict[str, str | Sequence[str]] = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [timestamp],
        "x-slack-signature": [
            str(SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body))
        ],
    }

    async def main() -> int:
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        return response.status

    assert _run(main()) == 200
    assert len(slack.calls_to("auth.test")) == 1
    assert slack.calls_to("chat.postMessage")[0].args["text"] == "posted"
    assert slack.responses_for("cmd")[0]["text"] == "responded"


def test_slack_concurrent_calls_get_unique_ts(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(client.chat_postMessage(channel="C1", text=str(i)) for i in range(20))
        )

    results = _run(main())
    assert len({r["ts"] for r in results}) == 20
    assert len(slack.calls_to("chat.postMessage")) == 20


def test_slack_reset_forgets_calls_and_faults(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    _run(client.auth_test())
    slack.fail_with(500)
    slack.reset()
    assert slack.calls == []
    assert _run(client.auth_test())["ok"] is True


def test_twilio_list_filters_by_to_and_from_newest_first(tw: FakeTwilio) -> None:
    client = tw.client()
    first = client.messages.create(to=TO, from_=FROM, body="one").sid
    client.messages.create(to="+15551230002", from_=FROM, body="elsewhere")
    client.messages.create(to=TO, from_="+15550000001", body="other sender")
    second = client.messages.create(to=TO, from_=FROM, body="two").sid
    found = client.messages.list(to=TO, from_=FROM)
    assert [m.sid for m in found] == [second, first]
    assert found[0].status == "sent" and found[0].date_sent is not None
    assert found[0].direction == "outbound-api" and found[0].to == TO


def test_twilio_list_pages_through_next_page_uri(tw: FakeTwilio) -> None:
    client = tw.client()
    for n in range(5):
        client.messages.create(to=TO, from_=FROM, body=f"text {n}")
    assert [m.body for m in client.messages.list(page_size=2)] == [
        f"text {n}" for n in reversed(range(5))
    ]
    assert len(client.messages.list(limit=3, page_size=2)) == 3
    page = client.messages.page(page_size=2)
    assert len(list(page)) == 2 and page.next_page_url is not None


def test_twilio_list_date_sent_filters(tw: FakeTwilio) -> None:
    client = tw.client()
    client.messages.create(to=TO, from_=FROM, body="now")
    now = datetime.now(UTC)
    assert len(client.messages.list(date_sent_after=now - timedelta(minutes=1))) == 1
    assert client.messages.list(date_sent_after=now + timedelta(minutes=1)) == []
    assert client.messages.list(date_sent_before=now - timedelta(minutes=1)) == []
    assert len(client.messages.list(date_sent_before=now + timedelta(minutes=1))) == 1
    today = now.strftime("%Y-%m-%d")
    assert len(client.messages.list(date_sent=today)) == 1
    assert len(client.messages.list(date_sent_before=today)) == 1  # a day: on or before it


def test_twilio_held_queue_has_no_date_sent_and_dodges_date_filters(tw: FakeTwilio) -> None:
    client = tw.client()
    tw.hold_queue()
    sid = client.messages.create(to=TO, from_=FROM, body="waiting").sid
    assert client.messages(sid).fetch().status == "queued"
    assert [m.sid for m in client.messages.list(to=TO)] == [sid]
    assert client.messages.list(date_sent_after=datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_twilio_abandoned_request_is_listed_once_the_hang_ends(tw: FakeTwilio) -> None:
    tw.hang(30, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        _client(tw, timeout=0.3).messages.create(to=TO, from_=FROM, body="late")
    tw.clear_faults()
    tw.wait_for_sent(1)
    assert [m.body for m in tw.client().messages.list(to=TO)] == ["late"]


def test_twilio_list_answers_faults_too(tw: FakeTwilio) -> None:
    tw.fail_with(500, times=1)
    with pytest.raises(TwilioException):
        tw.client().messages.list(to=TO)
    assert tw.client().messages.list(to=TO) == []


def test_slack_history_and_replies_list_posted_messages_with_metadata(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    meta = {"event_type": "optdesk_note", "event_payload": {"note_id": 5}}

    async def main() -> list[Any]:
        parent = await client.chat_postMessage(channel="C1", text="parent", metadata=meta)
        await client.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"])
        await client.chat_postMessage(channel="C1", text="later")
        await client.chat_postMessage(channel="C2", text="elsewhere")
        return [
            await client.conversations_history(channel="C1", include_all_metadata=True),
            await client.conversations_history(channel="C1"),
            await client.conversations_replies(
                channel="C1", ts=parent["ts"], include_all_metadata=True
            ),
            await client.conversations_history(channel="C1", limit=1),
        ]

    history, plain, replies, page = _run(main())
    assert [m["text"] for m in history["messages"]] == ["later", "parent"]  # newest first
    assert history["messages"][1]["metadata"] == meta
    assert "metadata" not in plain["messages"][1]  # only with include_all_metadata
    assert [m["text"] for m in replies["messages"]] == ["parent", "reply"]  # parent first
    assert replies["messages"][0]["metadata"] == meta
    assert page["has_more"] and page["response_metadata"]["next_cursor"]
    with pytest.raises(SlackApiError) as info:
        _run(client.conversations_replies(channel="C1", ts="1.000001"))
    assert info.value.response["error"] == "thread_not_found"


def test_slack_abandoned_post_shows_in_history_once_the_hang_ends(slack: FakeSlack) -> None:
    slack.hang(30, times=1, method="chat.postMessage")
    client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url, timeout=0.5)
    with pytest.raises(TimeoutError):
        _run(client.chat_postMessage(channel="C1", text="late"))
    assert _run(client.conversations_history(channel="C1"))["messages"] == []
    slack.clear_faults()  # releases the hung post: Slack made it after all
    [call] = slack.wait_for("chat.postMessage")
    assert slack._wait(lambda: call.status == 200, 5)
    assert [m["text"] for m in _run(client.conversations_history(channel="C1"))["messages"]] == [
        "late"
    ]


def test_slack_refuses_block_kit_that_slack_sdk_models_reject(slack: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    good = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    assert client.chat_postMessage(channel="C1", text="hi", blocks=good)["ok"]
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    unknown = [{"type": "no_such_block"}]
    for blocks in (too_long, unknown):
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
        assert refused.value.response["error"] == "invalid_blocks"
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": good})["ok"]
    bad_view = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 30}, "blocks": good}
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id="t1", view=bad_view)
    assert refused.value.response["error"] == "invalid_blocks"


def test_a_keep_alive_fake_slack_answers_several_calls_on_one_connection() -> None:
    """make bench's fake keeps connections as Slack does; the tests' fake answers one
    request per connection."""
    import http.client
    from urllib.parse import urlsplit

    for keep_alive in (True, False):
        with FakeSlack(keep_alive=keep_alive) as slack:
            parts = urlsplit(slack.base_url)
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
            try:
                answers = []
                for _ in range(2 if keep_alive else 1):
                    conn.request(
                        "POST", parts.path + "auth.test", headers={"Authorization": "Bearer xoxb-1"}
                    )
                    response = conn.getresponse()
                    answers.append((response.version, response.read()))
            finally:
                conn.close()
            assert {version for version, _ in answers} == {11 if keep_alive else 10}
            assert len(slack.calls_to("auth.test")) == len(answers)
