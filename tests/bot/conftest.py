"""Bot tests: a real uvicorn server on 127.0.0.1, the fake Slack Web API, a desk on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.app import create_bolt_app
from bot.handler import slack_route
from consent.services.context import Desk
from tests.bot.harness import PERIMETER, SECRET, STAFF, Server, Slack
from tests.fakes import FakeSlack
from tests.support import FixedClock

STAFF_GROUP = "S0STAFF"
GROUP_MEMBER = "UGROUPIE"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server().start()
    yield running
    running.stop()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    users: dict[str, dict[str, Any]] = {"ULONDON": {"tz": "Europe/London"}, "UNOTZ": {"tz": None}}
    with FakeSlack(usergroups={STAFF_GROUP: [GROUP_MEMBER]}, users=users) as running:
        yield running


def mount(server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock, **options: Any) -> Slack:
    """Build the Bolt app as the composition root does and serve it on the test server."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    options.setdefault("staff", [STAFF, "UNOTZ", "ULONDON"])
    app = create_bolt_app(desk, client=client, signing_secret=SECRET, **options)
    # the body limit is the sidecar's, as webhooks.app.create_app mounts it
    server.switch.app = Starlette(
        routes=[slack_route(app, signing_secret=SECRET)],
        middleware=[PERIMETER],
    )
    return Slack(server.url, fake, desk, clock)


@pytest.fixture
def slack(server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock) -> Iterator[Slack]:
    harness = mount(server, fake, desk, clock)
    yield harness
    harness.http.close()
