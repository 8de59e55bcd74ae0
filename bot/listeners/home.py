"""The App Home tab: publish on open; paging and filters re-publish it."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.context import BotContext, small_int, user_of
from bot.home_view import MAX_PAGE, filter_from_metadata
from consent.services.home import FILTERS, HomeFilter


def _selected(action: dict[str, Any]) -> str:
    return str((action.get("selected_option") or {}).get("value") or "")


def _current(body: dict[str, Any]) -> HomeFilter:
    return filter_from_metadata((body.get("view") or {}).get("private_metadata"))


def register(app: Any, ctx: BotContext) -> None:
    async def opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            await ctx.home.publish_quietly(str(event["user"]))

    async def page(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        now = _current(body)
        number = min(small_int(action.get("value")) or 0, MAX_PAGE)
        await ctx.home.publish_quietly(
            user_of(body), HomeFilter(now.status, now.project_id, number)
        )

    async def status(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        value = _selected(action)
        now = _current(body)
        wanted = HomeFilter(value if value in FILTERS else None, now.project_id, 0)
        await ctx.home.publish_quietly(user_of(body), wanted)

    async def project(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        value = _selected(action)
        now = _current(body)
        project_id = small_int(value)
        await ctx.home.publish_quietly(user_of(body), HomeFilter(now.status, project_id, 0))

    app.event(ids.HOME_OPENED)(opened)
    app.action(ids.HOME_PAGE)(page)
    app.action(ids.HOME_STATUS)(status)
    app.action(ids.HOME_PROJECT)(project)
