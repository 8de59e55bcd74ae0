"""Modal submissions: send a text (refusals become field errors), move to a project."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.context import BotContext, contact_id_of, guard, small_int, user_of
from bot.modals import NO_PROJECT, read_metadata, sent_modal
from bot.staff_gate import staff_only
from consent.errors import InvalidInput
from consent.services.home import move_contact, phone_for_contact
from consent.services.staff import send_text

Payload = dict[str, Any]


def _field(view: Payload, block: str, action: str) -> Payload:
    found: Any = view.get("state")
    for key in ("values", block, action):  # each level may be anything in a forged payload
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else {}


def _contact_id(view: Payload) -> int | None:
    return contact_id_of(read_metadata(view.get("private_metadata")).get("c"))


@staff_only
async def on_send(ctx: BotContext, ack: Any, body: Payload, view: Payload) -> None:
    """Queue the text; a refusal is the text box's error (bot.context.refuse)."""
    cid = _contact_id(view)
    text = str(_field(view, ids.SEND_BLOCK, ids.SEND_INPUT).get("value") or "")
    if cid is None:
        raise InvalidInput("This form lost track of its contact: open it again.")
    phone = await ctx.call(phone_for_contact, ctx.desk, cid)
    queued = await ctx.call(send_text, ctx.desk, phone, text, actor=user_of(body))
    await ack(response_action="update", view=sent_modal(queued))


@staff_only
async def on_move(ctx: BotContext, ack: Any, body: Payload, view: Payload) -> None:
    """Move the contact; the mover's App Home follows if they have it open."""
    cid = _contact_id(view)
    option = _field(view, ids.MOVE_BLOCK, ids.MOVE_INPUT).get("selected_option") or {}
    value = str(option.get("value") or NO_PROJECT)
    project = small_int(value)
    if cid is None or (project is None and value != NO_PROJECT):
        raise InvalidInput("Pick a project from the list.")
    await ctx.call(move_contact, ctx.desk, cid, project)
    await ack()
    user = user_of(body)
    if user in ctx.home.recent_users():
        await ctx.home.publish_quietly(user)


def register(app: AsyncApp, ctx: BotContext) -> None:
    app.view(ids.SEND_MODAL)(guard(ctx, on_send))
    app.view(ids.MOVE_MODAL)(guard(ctx, on_move))
