"""POST /slack/events over real HTTP: signatures, malformed bodies, nothing ever 500s."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.app import create_bolt_app
from bot.handler import body_problem, slack_route
from consent.services.context import Desk
from tests.bot import seed
from tests.bot.harness import PERIMETER, SECRET, STAFF, Server, Slack, signed_headers
from tests.fakes import FakeSlack
from tests.support import FixedClock

ANN = "+14155550100"
FORM = "application/x-www-form-urlencoded"


def command_body(slack: Slack, text: str, name: str = "forged") -> str:
    return urlencode(
        {
            "team_id": "T0001",
            "channel_id": "C0CMD",
            "user_id": STAFF,
            "command": "/sms",
            "text": text,
            "response_url": slack.fake.response_url(name),
            "trigger_id": "1.2.3",
        }
    )


def test_an_unsigned_command_gets_401_and_changes_nothing(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    response = slack.post(command_body(slack, "optout Ann"), FORM, signed=False)
    assert response.status_code == 401
    time.sleep(0.3)
    assert seed.statuses(slack.desk, cid) == {ANN: "opted in"}
    assert slack.fake.responses == []


def test_a_forged_signature_gets_401(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    body = command_body(slack, "send Ann hi")
    headers = signed_headers(body, FORM, secret="not-the-secret")
    response = slack.http.post(f"{slack.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    time.sleep(0.3)
    assert seed.outbound(slack.desk, cid) == []


def test_a_stale_timestamp_gets_401(slack: Slack) -> None:
    body = command_body(slack, "status")
    headers = signed_headers(body, FORM, timestamp=int(time.time()) - 600)
    response = slack.http.post(f"{slack.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401


def test_a_body_changed_after_signing_gets_401(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    headers = signed_headers(command_body(slack, "status"), FORM)
    body = command_body(slack, "optout Ann")
    response = slack.http.post(f"{slack.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    assert seed.statuses(slack.desk, cid) == {ANN: "opted in"}


MALFORMED = [
    ("application/json", b"token=x&team_id=T1", "not JSON"),
    ("application/json", b"[1, 2, 3]", "not an object"),
    ("application/json", b'"just a string"', "not an object"),
    ("application/json", b'{"type": ', "not JSON"),
    (FORM, b"payload=%7Bnot-json", "payload is not JSON"),
    (FORM, b"payload=%5B1%5D", "not a JSON object"),
    (FORM, b'{"type": "event_callback"}', "JSON body sent as a form"),
    (FORM, b"\xff\xfe\x00bad", "not UTF-8"),
    ("text/plain", b"hello", "unsupported content type"),
    ("", b"hello", "unsupported content type"),
]


@pytest.mark.parametrize(("content_type", "body", "problem"), MALFORMED)
def test_a_signed_body_that_is_not_its_content_type_gets_400(
    slack: Slack, content_type: str, body: bytes, problem: str
) -> None:
    response = slack.post(body, content_type)
    assert response.status_code == 400
    assert problem in response.json()["error"]


@pytest.mark.parametrize(("content_type", "body", "problem"), MALFORMED[:4])
def test_an_unsigned_malformed_body_gets_401(
    slack: Slack, content_type: str, body: bytes, problem: str
) -> None:
    assert slack.post(body, content_type, signed=False).status_code == 401


def test_well_formed_but_unexpected_payloads_never_500(slack: Slack) -> None:
    odd = [
        json.dumps({"type": "event_callback", "event": "not a dict"}),
        json.dumps({"type": "event_callback", "event": {"type": "message"}}),
        json.dumps({"type": "block_actions"}),
        json.dumps({}),
    ]
    for body in odd:
        assert slack.post(body, "application/json").status_code < 500
    payload = {
        "type": "block_actions",
        "user": {"id": STAFF},
        "actions": [{"action_id": "contact_view", "value": "not-a-number", "type": "button"}],
    }
    form = urlencode({"payload": json.dumps(payload)})
    assert slack.post(form, FORM).status_code < 500


def test_an_oversized_body_gets_413(slack: Slack) -> None:
    response = slack.post("text=" + "x" * 1_100_000, FORM)
    assert response.status_code == 413


def test_only_post_is_served(slack: Slack) -> None:
    assert slack.http.get(f"{slack.url}/slack/events").status_code == 405


def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    response = slack.post(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


def test_an_empty_signing_secret_is_refused_over_http(desk: Desk) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    with pytest.raises(ValueError, match="signing secret"):
        create_bolt_app(desk, client=client, signing_secret="", staff=[])
    app = create_bolt_app(desk, client=client, signing_secret="", socket_mode=True)
    assert app is not None


def test_a_bad_thread_replies_mode_is_refused(desk: Desk) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    with pytest.raises(ValueError, match="thread_replies"):
        create_bolt_app(desk, client=client, signing_secret=SECRET, thread_replies="always")  # type: ignore[arg-type]


def test_body_problem_accepts_what_slack_sends() -> None:
    assert body_problem(FORM, b"token=x&text=a%20b") is None
    assert body_problem(FORM + "; charset=utf-8", b"") is None
    assert body_problem(FORM, b"payload=%7B%22type%22%3A%22block_actions%22%7D") is None
    assert body_problem("application/json", b'{"type": "event_callback"}') is None


@pytest.mark.parametrize("stamp", ["abc", "12.5", "", "-1", "9" * 40])
def test_a_garbage_timestamp_is_unsigned(slack: Slack, stamp: str) -> None:
    body = command_body(slack, "status")
    headers = signed_headers(body, FORM)
    headers["x-slack-request-timestamp"] = stamp
    response = slack.http.post(f"{slack.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401


def test_a_body_that_is_not_utf8_gets_400_signed_or_not(slack: Slack) -> None:
    """Slack sends UTF-8 and slack_sdk's verifier reads the body as UTF-8: any other
    body is refused (400) before the signature is checked, and changes nothing."""
    for signed in (True, False):
        response = slack.post(b"text=\xc3\x28", FORM, signed=signed)
        assert response.status_code == 400
        assert "not UTF-8" in response.json()["error"]


def test_the_route_checks_the_secret_the_composition_root_gives_it(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    """The route is handed its secret; it never reads one out of the Bolt app."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    app = create_bolt_app(desk, client=client, signing_secret=SECRET, staff=[STAFF])
    route = slack_route(app, signing_secret="the-routes-own-secret")
    server.switch.app = Starlette(routes=[route], middleware=[PERIMETER])
    slack = Slack(server.url, fake, desk, clock)
    try:
        body = command_body(slack, "status")
        by_app = signed_headers(body, FORM)
        by_route = signed_headers(body, FORM, secret="the-routes-own-secret")
        url = f"{slack.url}/slack/events"
        assert slack.http.post(url, content=body, headers=by_app).status_code == 401
        assert slack.http.post(url, content=body, headers=by_route).status_code == 200
    finally:
        slack.http.close()


def test_a_route_without_a_secret_refuses_everything(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    """Socket Mode needs no secret; its HTTP route then lets nothing through."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    app = create_bolt_app(desk, client=client, signing_secret="", socket_mode=True)
    server.switch.app = Starlette(routes=[slack_route(app, signing_secret="")])
    slack = Slack(server.url, fake, desk, clock)
    try:
        body = command_body(slack, "status")
        # bytes: signed by hand, as slack_sdk refuses an empty secret
        empty = signed_headers(body.encode(), FORM, secret="")
        for headers in (empty, signed_headers(body, FORM)):
            response = slack.http.post(f"{slack.url}/slack/events", content=body, headers=headers)
            assert response.status_code == 401
    finally:
        slack.http.close()


def test_slack_route_takes_its_secret_explicitly(desk: Desk) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    app = create_bolt_app(desk, client=client, signing_secret=SECRET)
    with pytest.raises(TypeError):
        slack_route(app)  # type: ignore[call-arg]
