"""The App Home tab: publish on open; paging and filters re-publish it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.context import BotContext, guard, small_int, user_of
from bot.home_view import MAX_PAGE, clean_search, filter_from_metadata
from consent.services.home import FILTERS, HomeFilter

Payload = dict[str, Any]


def _selected(action: Payload) -> str:
    return str((action.get("selected_option") or {}).get("value") or "")


def _current(body: Payload) -> HomeFilter:
    return filter_from_metadata((body.get("view") or {}).get("private_metadata"))


async def opened(ctx: BotContext, event: Payload) -> None:
    if event.get("tab", "home") == "home" and event.get("user"):
        await ctx.home.publish_quietly(str(event["user"]))


async def page(ctx: BotContext, ack: Any, body: Payload, action: Payload) -> None:
    await ack()
    now = _current(body)
    number = min(small_int(action.get("value")) or 0, MAX_PAGE)
    wanted = HomeFilter(now.status, now.project_id, number, now.search)
    await ctx.home.publish_quietly(user_of(body), wanted)


async def status(ctx: BotContext, ack: Any, body: Payload, action: Payload) -> None:
    await ack()
    value = _selected(action)
    now = _current(body)
    wanted = HomeFilter(value if value in FILTERS else None, now.project_id, 0, now.search)
    await ctx.home.publish_quietly(user_of(body), wanted)


async def project(ctx: BotContext, ack: Any, body: Payload, action: Payload) -> None:
    await ack()
    now = _current(body)
    project_id = small_int(_selected(action))
    wanted = HomeFilter(now.status, project_id, 0, now.search)
    await ctx.home.publish_quietly(user_of(body), wanted)


async def search(ctx: BotContext, ack: Any, body: Payload, action: Payload) -> None:
    """Enter in the search box searches (with the filters kept); "Clear search" clears."""
    await ack()
    now = _current(body)
    typed = action.get("value") if action.get("type") == "plain_text_input" else None
    wanted = HomeFilter(now.status, now.project_id, 0, clean_search(str(typed or "")))
    await ctx.home.publish_quietly(user_of(body), wanted)


def register(app: AsyncApp, ctx: BotContext) -> None:
    app.event(ids.HOME_OPENED)(guard(ctx, opened))
    app.action(ids.HOME_PAGE)(guard(ctx, page))
    app.action(ids.HOME_STATUS)(guard(ctx, status))
    app.action(ids.HOME_PROJECT)(guard(ctx, project))
    app.action(ids.HOME_SEARCH)(guard(ctx, search))
