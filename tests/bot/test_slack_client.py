"""The process's Slack client keeps one HTTP session for its life."""

from __future__ import annotations

import asyncio

from bot.slack_client import make_client, shared_session
from tests.fakes.slack_server import FakeSlack


def test_calls_share_one_session_while_the_process_runs_and_it_closes_at_the_end() -> None:
    """Without a session of its own, AsyncWebClient opens (and closes) a new aiohttp
    session, with its connection pool, for every call."""
    with FakeSlack() as slack:
        client = make_client("xoxb-test", slack.base_url)

        async def run() -> None:
            async with shared_session(client):
                session = client.session
                assert session is not None and not session.closed
                await client.auth_test()
                await client.auth_test()
                assert client.session is session and not session.closed
            assert session.closed and client.session is None

        asyncio.run(run())
        assert len(slack.calls_to("auth.test")) == 2
