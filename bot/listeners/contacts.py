"""Per-contact buttons (App Home rows, channel notes): view, send, move, opt out."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.context import BotContext, contact_id_of, small_int, user_of
from bot.fmt import escape_mrkdwn
from bot.modals import move_modal, send_modal, view_modal
from bot.render import opted_out_reply
from consent.errors import ConsentError
from consent.services.home import move_contact, opt_out_contact, view_contact
from consent.services.projects import list_projects
from consent.services.staff import opt_out_by_staff

BUTTON_REASON = "opted out by staff with the Opt out button in Slack"
FLAG_REASON = "staff confirmed a flagged text as a request to stop"


def register(app: Any, ctx: BotContext) -> None:
    async def refuse(body: dict[str, Any], respond: Any, err: ConsentError) -> None:
        await ctx.tell(body, respond, escape_mrkdwn(err.reason))

    async def open_modal(body: dict[str, Any], respond: Any, value: Any, kind: str) -> None:
        cid = contact_id_of(value)
        try:
            if cid is None:
                raise ConsentError("That button doesn't name a contact.")
            view = await ctx.call(view_contact, ctx.desk, cid)
            if kind == "view":
                modal = view_modal(view)
            elif kind == "send":
                modal = send_modal(view)
            else:
                modal = move_modal(view, await ctx.call(list_projects, ctx.desk))
        except ConsentError as err:
            await refuse(body, respond, err)
            return
        await ctx.client.views_open(trigger_id=body.get("trigger_id"), view=modal)

    async def on_view(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        await open_modal(body, respond, action.get("value"), "view")

    async def on_send(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        await open_modal(body, respond, action.get("value"), "send")

    async def on_move_pick(
        ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any
    ) -> None:
        await ack()
        await open_modal(body, respond, action.get("value"), "move")

    async def on_move(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        value = str((action.get("selected_option") or {}).get("value") or "")
        head, _, project = value.partition(":")
        cid, project_id = small_int(head), small_int(project)
        try:
            if cid is None or (project and project_id is None):
                raise ConsentError("That choice doesn't name a contact and a project.")
            contact, name = await ctx.call(move_contact, ctx.desk, cid, project_id)
        except ConsentError as err:
            await refuse(body, respond, err)
            return
        where = f"project {escape_mrkdwn(name)}" if name else "no project"
        await ctx.tell(body, respond, f"{escape_mrkdwn(contact.name)} is now in {where}.")

    async def on_opt_out(
        ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any
    ) -> None:
        await ack()
        user = user_of(body)
        value = str(action.get("value") or "")
        cid = contact_id_of(value)
        try:
            if cid is None:
                raise ConsentError("That button doesn't name a contact.")
            if action.get("action_id") == ids.OPT_OUT_NUMBER:
                phone = value.partition(":")[2]
                result = await ctx.call(opt_out_by_staff, ctx.desk, phone, FLAG_REASON, actor=user)
            else:
                result = await ctx.call(opt_out_contact, ctx.desk, cid, BUTTON_REASON, actor=user)
        except ConsentError as err:
            await refuse(body, respond, err)
            return
        await ctx.tell(body, respond, opted_out_reply(result).text)

    app.action(ids.VIEW)(on_view)
    app.action(ids.SEND)(on_send)
    app.action(ids.MOVE_PICK)(on_move_pick)
    app.action(ids.MOVE)(on_move)
    app.action(ids.OPT_OUT)(on_opt_out)
    app.action(ids.OPT_OUT_NUMBER)(on_opt_out)
