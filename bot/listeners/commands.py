"""`/sms`: parse, do the work, and answer in the ack when that is quick (it usually is);
work that takes longer is acked with a note and answered through response_url."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot import commands as c
from bot import ids
from bot.context import BotContext, guard
from bot.fmt import Reply
from bot.parser import parse
from bot.render import help_reply, usage_reply, working_reply
from bot.runner import Caller, execute
from bot.staff import user_zone

MAX_BUILT = 64  # acks kept built: help's topics and the counts
NEW_ACK: Callable[[], AsyncAck] = AsyncAck  # what a listener's ack is (its __init__ is untyped)


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


def known_answer(ctx: BotContext, text: str) -> Reply | c.Command:
    """The answer to `/sms <text>` when it is known at once, the same for whoever asks,
    with no thread and no Slack call (a usage error, help, the counts while they are kept
    fresh: bot.counts_answer); otherwise the command, to be worked on."""
    try:
        cmd = parse(text, region=ctx.desk.config.default_region)
    except c.UsageError as err:
        return usage_reply(err)
    if isinstance(cmd, c.Help):
        return help_reply(cmd.topic)
    kept = ctx.counts.kept() if counts_only(cmd) else None
    return cmd if kept is None else kept


async def answer_for(ctx: BotContext, cmd: c.Command, user_id: str) -> Reply:
    if counts_only(cmd):  # open to all, the same for everyone: kept while fresh
        return await ctx.counts.answer()
    caller = await caller_for(ctx, cmd, user_id)
    return await ctx.call(execute, ctx.desk, cmd, caller)


async def sms(ctx: BotContext, ack: Any, command: dict[str, Any], respond: Any) -> None:
    cmd = known_answer(ctx, str(command.get("text") or ""))
    if isinstance(cmd, Reply):
        await ack(**ack_body(cmd))
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


class KnownAnswers:
    """The `/sms` answers bot.handler gives before Bolt: Bolt's own ack of each known
    answer (`known_answer`), built once per answer (help per topic; the counts while they
    are kept), so answering costs one parse of the text."""

    def __init__(self, ctx: BotContext) -> None:
        self._ctx = ctx
        self._built: dict[int, tuple[Reply, BoltResponse]] = {}

    async def __call__(self, fields: Mapping[str, str]) -> BoltResponse | None:
        if "payload" in fields or fields.get("command") not in ids.COMMANDS:
            return None  # a payload makes the form an interaction to Bolt, not a command
        known = known_answer(self._ctx, fields.get("text") or "")
        return await self._ack_of(known) if isinstance(known, Reply) else None

    async def _ack_of(self, reply: Reply) -> BoltResponse:
        built = self._built.get(id(reply))
        if built is not None and built[0] is reply:
            return built[1]
        ack = NEW_ACK()
        response: BoltResponse = await ack(**ack_body(reply))
        if len(self._built) >= MAX_BUILT:  # usage errors are new replies every time
            self._built.clear()
        self._built[id(reply)] = (reply, response)
        return response


def register(app: AsyncApp, ctx: BotContext) -> None:
    for name in ids.COMMANDS:
        app.command(name)(guard(ctx, sms))
