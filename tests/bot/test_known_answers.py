"""`/sms` answers known at once (help, a usage error, the counts while kept) are given by
the route before Bolt, with the very ack Bolt's listener gives: same status, same
headers that matter, same bytes. Everything else still goes through Bolt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import create_bolt_app
from consent.services.context import Desk
from consent.services.fresh import CommitWatch
from tests.bot import seed
from tests.bot.conftest import mount
from tests.bot.harness import SECRET, STAFF, TEAM, Server, Slack
from tests.fakes import FakeSlack
from tests.support import FixedClock

KNOWN = ["help", "help send", "", "frobnicate now", "link Ann --phone", "status"]


@pytest.fixture
def watched(desk: Desk) -> Desk:
    """The desk as `optdesk serve` wires it (the counts may be kept)."""
    return replace(desk, uow=CommitWatch(desk.uow))


@pytest.fixture
def bolt_only(server: Server, fake: FakeSlack, watched: Desk, clock: FixedClock) -> Iterator[Slack]:
    """The same app served by Bolt's own Starlette adapter: every answer from Bolt."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    app = create_bolt_app(watched, client=client, signing_secret=SECRET)
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    server.switch.app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
    harness = Slack(server.url, fake, watched, clock)
    yield harness
    harness.http.close()


def answers(slack: Slack) -> list[tuple[int, str, bytes]]:
    def seen(response: httpx.Response) -> tuple[int, str, bytes]:
        return response.status_code, response.headers.get("content-type", ""), response.content

    seen(slack.command("status")[0])  # the counts read once, then kept
    # a form with a payload is an interaction to Bolt, whatever else it holds
    shortcut = json.dumps({"type": "shortcut", "callback_id": "nothing", "trigger_id": "1.2"})
    also_payload = {
        "command": "/sms",
        "text": "help",
        "user_id": STAFF,
        "team_id": TEAM,
        "response_url": slack.fake.response_url("payload"),
        "payload": shortcut,
    }
    return [seen(slack.command(text)[0]) for text in KNOWN] + [seen(slack.form(also_payload))]


def test_a_known_answer_is_bolts_own_ack(
    server: Server, fake: FakeSlack, watched: Desk, clock: FixedClock, bolt_only: Slack
) -> None:
    seed.opted_in(watched, "Ann Lee", "+14155550100")
    from_bolt = answers(bolt_only)
    routed = mount(server, fake, watched, clock)
    try:
        assert answers(routed) == from_bolt
    finally:
        routed.http.close()


def test_help_and_usage_are_answered_while_slacks_api_is_down(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    fake.fail_with(503, method="auth.test")  # Bolt checks its token on a first request
    slack = mount(server, fake, desk, clock)
    try:
        assert "/sms subcommands" in str(slack.ask("help")["text"])
        assert 'Unknown subcommand "frobnicate"' in str(slack.ask("frobnicate")["text"])
        response, _ = slack.command("status Ann")  # work to do: Bolt's, which needs the API
        assert "Ann" not in response.text
    finally:
        slack.http.close()
