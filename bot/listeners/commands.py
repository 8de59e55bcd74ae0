"""`/sms`: parse, do the work, and answer in the ack when that is quick (it usually is);
work that takes longer is acked with a note and answered through response_url."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import commands as c
from bot import ids
from bot.context import BotContext, guard
from bot.fmt import Reply
from bot.parser import parse
from bot.render import help_reply, usage_reply, working_reply
from bot.runner import Caller, execute
from bot.staff import user_zone


async def caller_for(ctx: BotContext, cmd: c.Command, user_id: str) -> Caller:
    """Who is asking: staff is only looked up when the command needs it, the zone likewise."""
    staff = await ctx.staff.allows(user_id) if c.needs_staff(cmd) else False
    if (isinstance(cmd, c.Schedule) and staff) or isinstance(cmd, c.Scheduled):
        zone, note = await user_zone(ctx.client, user_id)  # times read on their clock
        return Caller(user_id, staff, zone, note)
    return Caller(user_id, staff)


def ack_body(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": reply.blocks, "response_type": "ephemeral"}


def counts_only(cmd: c.Command) -> bool:
    return isinstance(cmd, c.Status) and cmd.who is None


async def answer_for(ctx: BotContext, cmd: c.Command, user_id: str) -> Reply:
    if counts_only(cmd):  # open to all, the same for everyone: kept while fresh
        return await ctx.counts.answer()
    caller = await caller_for(ctx, cmd, user_id)
    return await ctx.call(execute, ctx.desk, cmd, caller)


async def sms(ctx: BotContext, ack: Any, command: dict[str, Any], respond: Any) -> None:
    try:
        cmd = parse(str(command.get("text") or ""), region=ctx.desk.config.default_region)
    except c.UsageError as err:
        await ack(**ack_body(usage_reply(err)))
        return
    if isinstance(cmd, c.Help):
        await ack(**ack_body(help_reply(cmd.topic)))
        return
    kept = ctx.counts.kept() if counts_only(cmd) else None
    if kept is not None:  # fresh counts in memory: no thread, no database
        await ack(**ack_body(kept))
        return
    work = asyncio.ensure_future(answer_for(ctx, cmd, str(command.get("user_id") or "")))
    done, _ = await asyncio.wait({work}, timeout=ctx.answer_within)
    if done:  # quick work answers in the ack itself: one round trip, no flash
        await ack(**ack_body(work.result()))
        return
    await ack(**ack_body(working_reply()))
    answer = await work
    await respond(
        text=answer.text,
        blocks=answer.blocks,
        response_type="ephemeral",
        replace_original=False,
    )


def register(app: AsyncApp, ctx: BotContext) -> None:
    for name in ids.COMMANDS:
        app.command(name)(guard(ctx, sms))
