"""Per-contact buttons (App Home rows, channel notes): view, send, move, opt out.

Each listener names `body` and `respond` even where it does not use them: Bolt injects
what a listener names, and `bot.context.guard` tells a refusal where the click happened.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.context import BotContext, contact_id_of, guard, small_int, user_of
from bot.fmt import escape_mrkdwn
from bot.modals import move_modal, send_modal, view_modal
from bot.render import opted_out_reply
from bot.staff_gate import staff_only
from consent.errors import InvalidInput
from consent.services.home import move_contact, opt_out_contact, view_contact
from consent.services.projects import list_projects
from consent.services.queries import ContactView
from consent.services.staff import opt_out_by_staff

BUTTON_REASON = "opted out by staff with the Opt out button in Slack"
FLAG_REASON = "staff confirmed a flagged text as a request to stop"
Payload = dict[str, Any]


async def _contact(ctx: BotContext, action: Payload) -> ContactView:
    """The contact a button names (refused if it names none)."""
    cid = contact_id_of(action.get("value"))
    if cid is None:
        raise InvalidInput("That button doesn't name a contact.")
    return await ctx.call(view_contact, ctx.desk, cid)


async def on_view(ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any) -> None:
    await ack()
    modal = view_modal(await _contact(ctx, action))
    await ctx.client.views_open(trigger_id=body.get("trigger_id"), view=modal)


@staff_only
async def on_send(ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any) -> None:
    await ack()
    modal = send_modal(await _contact(ctx, action))
    await ctx.client.views_open(trigger_id=body.get("trigger_id"), view=modal)


@staff_only
async def on_move_pick(
    ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any
) -> None:
    await ack()
    view = await _contact(ctx, action)
    modal = move_modal(view, await ctx.call(list_projects, ctx.desk))
    await ctx.client.views_open(trigger_id=body.get("trigger_id"), view=modal)


@staff_only
async def on_move(ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any) -> None:
    await ack()
    value = str((action.get("selected_option") or {}).get("value") or "")
    head, _, project = value.partition(":")
    cid, project_id = small_int(head), small_int(project)
    if cid is None or (project and project_id is None):
        raise InvalidInput("That choice doesn't name a contact and a project.")
    contact, name = await ctx.call(move_contact, ctx.desk, cid, project_id)
    where = f"project {escape_mrkdwn(name)}" if name else "no project"
    await ctx.tell(body, respond, f"{escape_mrkdwn(contact.name)} is now in {where}.")


@staff_only
async def on_opt_out(
    ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any
) -> None:
    await ack()
    user = user_of(body)
    value = str(action.get("value") or "")
    cid = contact_id_of(value)
    if cid is None:
        raise InvalidInput("That button doesn't name a contact.")
    if action.get("action_id") == ids.OPT_OUT_NUMBER:
        phone = value.partition(":")[2]
        result = await ctx.call(opt_out_by_staff, ctx.desk, phone, FLAG_REASON, actor=user)
    else:
        result = await ctx.call(opt_out_contact, ctx.desk, cid, BUTTON_REASON, actor=user)
    await ctx.tell(body, respond, opted_out_reply(result).text)


def register(app: AsyncApp, ctx: BotContext) -> None:
    app.action(ids.VIEW)(guard(ctx, on_view))
    app.action(ids.SEND)(guard(ctx, on_send))
    app.action(ids.MOVE_PICK)(guard(ctx, on_move_pick))
    app.action(ids.MOVE)(guard(ctx, on_move))
    app.action(ids.OPT_OUT)(guard(ctx, on_opt_out))
    app.action(ids.OPT_OUT_NUMBER)(guard(ctx, on_opt_out))
