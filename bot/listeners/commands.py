"""`/sms`: parse and ack at once (no database), then do the work and answer via respond."""

from __future__ import annotations

from typing import Any

from bot import commands as c
from bot import ids
from bot.context import BotContext
from bot.fmt import Reply
from bot.parser import parse
from bot.render import help_reply, usage_reply
from bot.runner import Caller, execute
from bot.staff import user_zone


async def caller_for(ctx: BotContext, cmd: c.Command, user_id: str) -> Caller:
    """Who is asking: staff is only looked up when the command needs it, the zone likewise."""
    staff = await ctx.staff.allows(user_id) if isinstance(cmd, c.STAFF_ONLY) else False
    if isinstance(cmd, c.Schedule) and staff:
        zone, note = await user_zone(ctx.client, user_id)
        return Caller(user_id, staff, zone, note)
    return Caller(user_id, staff)


def ack_body(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": reply.blocks, "response_type": "ephemeral"}


def register(app: Any, ctx: BotContext) -> None:
    region = ctx.desk.config.default_region

    async def sms(ack: Any, command: dict[str, Any], respond: Any) -> None:
        try:
            cmd = parse(str(command.get("text") or ""), region=region)
        except c.UsageError as err:
            await ack(**ack_body(usage_reply(err)))
            return
        if isinstance(cmd, c.Help):
            await ack(**ack_body(help_reply(cmd.topic)))
            return
        await ack()
        caller = await caller_for(ctx, cmd, str(command.get("user_id") or ""))
        answer = await ctx.call(execute, ctx.desk, cmd, caller)
        await respond(
            text=answer.text,
            blocks=answer.blocks,
            response_type="ephemeral",
            replace_original=False,
        )

    for name in ids.COMMANDS:
        app.command(name)(sms)
