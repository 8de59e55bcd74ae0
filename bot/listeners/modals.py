"""Modal submissions: send a text (refusals become field errors), move to a project."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.context import BotContext, contact_id_of, small_int, user_of
from bot.modals import NO_PROJECT, read_metadata, sent_modal
from consent.errors import ConsentError
from consent.services.home import move_contact, phone_for_contact
from consent.services.staff import send_text

MAX_ERROR = 150  # Slack shows short field errors


def _field(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    found: Any = view.get("state")
    for key in ("values", block, action):  # each level may be anything in a forged payload
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else {}


def _error(block: str, reason: str) -> dict[str, Any]:
    short = reason if len(reason) <= MAX_ERROR else reason[: MAX_ERROR - 1] + "…"
    return {"response_action": "errors", "errors": {block: short}}


def register(app: Any, ctx: BotContext) -> None:
    async def on_send(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = user_of(body)
        cid = contact_id_of(read_metadata(view.get("private_metadata")).get("c"))
        text = str(_field(view, ids.SEND_BLOCK, ids.SEND_INPUT).get("value") or "")
        try:
            if cid is None:
                raise ConsentError("This form lost track of its contact: open it again.")
            phone = await ctx.call(phone_for_contact, ctx.desk, cid)
            queued = await ctx.call(send_text, ctx.desk, phone, text, actor=user)
        except ConsentError as err:
            await ack(**_error(ids.SEND_BLOCK, err.reason))
            return
        await ack(response_action="update", view=sent_modal(queued))

    async def on_move(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        cid = contact_id_of(read_metadata(view.get("private_metadata")).get("c"))
        option = _field(view, ids.MOVE_BLOCK, ids.MOVE_INPUT).get("selected_option") or {}
        value = str(option.get("value") or NO_PROJECT)
        try:
            project = small_int(value)
            if cid is None or (project is None and value != NO_PROJECT):
                raise ConsentError("Pick a project from the list.")
            await ctx.call(move_contact, ctx.desk, cid, project)
        except ConsentError as err:
            await ack(**_error(ids.MOVE_BLOCK, err.reason))
            return
        await ack()
        user = user_of(body)
        if user in ctx.home.recent_users():
            await ctx.home.publish_quietly(user)

    app.view(ids.SEND_MODAL)(on_send)
    app.view(ids.MOVE_MODAL)(on_move)
