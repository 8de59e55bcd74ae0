"""The Bolt app: `/sms`, the App Home tab, contact buttons, modals and thread replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.context import ANSWER_IN_ACK_WITHIN, BotContext, ThreadReplies
from bot.home import HomePublisher
from bot.listeners import commands, contacts, modals, threads
from bot.listeners import home as home_tab
from bot.slack_errors import SLACK_ERRORS
from bot.staff import StaffPolicy
from consent.services.context import Desk

log = logging.getLogger("optdesk.bot")
THREAD_MODES = ("confirm", "send", "off")
# What a malformed payload makes Bolt's middleware raise.
INPUT_ERRORS = (AttributeError, TypeError, KeyError, ValueError, IndexError)


class DeskApp(AsyncApp):
    """Bolt's AsyncApp, with the `/sms` answers bot.handler may give before Bolt."""

    known: commands.KnownAnswers | None = None


def create_bolt_app(
    desk: Desk,
    *,
    client: AsyncWebClient,
    signing_secret: str,
    staff: Sequence[str] = (),
    thread_replies: ThreadReplies = "confirm",
    socket_mode: bool = False,
    home: HomePublisher | None = None,
    answer_within: float = ANSWER_IN_ACK_WITHIN,
) -> DeskApp:
    """Build the AsyncApp on `client` (the composition root makes the client).

    `staff`: Slack user ids and/or user group ids ("S..."); empty lets every member
    send. `home`: pass the HomePublisher whose `refresh_recent` the SlackNotifier
    gets, so the App Home follows consent changes. Over HTTP a signing secret is
    required (the composition root hands it to bot.handler.slack_route too, which answers
    401 to unsigned requests); Socket Mode needs none.
    """
    if thread_replies not in THREAD_MODES:
        raise ValueError(f"thread_replies must be one of {', '.join(THREAD_MODES)}")
    if not socket_mode and not signing_secret:
        raise ValueError("a Slack signing secret is required over HTTP")
    app = DeskApp(
        client=client,
        signing_secret=signing_secret,
        # The HTTP answer waits for our listener, which returns right after its ack (see
        # bot.context.guard): Bolt's default path would poll for the ack every 10 ms.
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        # bot.handler.slack_route checks every signature (with the secret the composition
        # root hands it) before Bolt sees the request, and Socket Mode needs none: Bolt's
        # own check is off, so the route is the one place it happens.
        request_verification_enabled=False,
        logger=log,
    )
    ctx = BotContext(
        desk=desk,
        client=client,
        staff=StaffPolicy(client, staff),
        home=home or HomePublisher(desk, client),
        thread_replies=thread_replies,
        answer_within=answer_within,
    )
    register_listeners(app, ctx)
    app.known = commands.KnownAnswers(ctx)
    app.error(on_error)
    return app


async def on_error(error: Exception, response: Any) -> Any:
    """Errors raised before any listener ran (listeners are guarded): Bolt's middleware."""
    log.error("Slack request failed: %s", type(error).__name__, exc_info=error)
    if response is None or response.status < 500:
        return None
    if isinstance(error, SLACK_ERRORS):
        return BoltResponse(status=503, body="Slack could not be reached")
    if isinstance(error, INPUT_ERRORS):  # a payload Bolt could not read
        return BoltResponse(status=400, body="bad request")
    return None


def register_listeners(app: AsyncApp, ctx: BotContext) -> None:
    """Every command, event, action and view listener: each module registers its own,
    by name from bot.ids, each through `guard` (and `staff_only` where SPEC §4 says)."""
    for module in (commands, home_tab, contacts, modals, threads):
        module.register(app, ctx)
