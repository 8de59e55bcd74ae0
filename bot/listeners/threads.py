"""Staff replies in a contact's thread, by OPTDESK_THREAD_REPLIES: confirm, send or off.

Every delivery of an event claims `slack:event:<event_id>` first, so Slack's retries
act once; every way of texting a reply claims the reply's own key, so a reply is
texted at most once (a double click, or `send` mode plus a button, send nothing twice).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.context import BotContext, guard, user_of
from bot.fmt import escape_mrkdwn
from bot.staff_gate import staff_only
from bot.thread_reply import (
    button_value,
    confirm_prompt,
    is_thread_reply,
    message_text,
    read_value,
    reply_key,
)
from consent import messages
from consent.errors import AlreadyDone, ConsentError
from consent.phones import display_phone
from consent.services.home import phone_for_contact, view_contact
from consent.services.staff import send_text
from consent.services.threads import claim_once, contact_for_thread

Payload = dict[str, Any]
ALREADY = "This reply was already handled: it is texted at most once."


async def send_reply(ctx: BotContext, user: str, contact_id: int, key: str, text: str) -> str:
    """Text a staff member's thread reply once, through the consent gate; the answer to
    show its author (in the thread, or in place of the Send button's prompt: so refusals
    are told here, not by bot.context.refuse). Callers have checked OPTDESK_STAFF."""
    try:
        phone = await ctx.call(phone_for_contact, ctx.desk, contact_id)
        queued = await ctx.call(send_text, ctx.desk, phone, text, actor=user, once=key)
    except AlreadyDone:
        return ALREADY
    except ConsentError as err:
        return escape_mrkdwn(err.reason)
    to = escape_mrkdwn(display_phone(queued.message.e164))
    return f"Sent as a text to {to}. The thread shows when it is delivered."


async def on_message(ctx: BotContext, event: Payload, body: Payload) -> None:
    if ctx.thread_replies == "off" or not is_thread_reply(event):
        return
    channel, thread_ts, ts = str(event["channel"]), str(event["thread_ts"]), str(event["ts"])
    contact_id = await ctx.call(contact_for_thread, ctx.desk, channel, thread_ts)
    if contact_id is None:
        return
    event_id = str(body.get("event_id") or f"{channel}:{ts}")
    if not await ctx.call(claim_once, ctx.desk, f"slack:event:{event_id}"):
        return
    text, user = message_text(str(event.get("text") or "")), str(event["user"])
    if not text:
        return
    if ctx.thread_replies == "send":
        # a message is no button: OPTDESK_STAFF is checked here, as the Send button's is
        # by @staff_only, and told in the thread
        if await ctx.staff.allows(user):
            answer = await send_reply(ctx, user, contact_id, reply_key(channel, ts), text)
        else:
            answer = f"Not sent: {messages.NOT_STAFF}"
        await ctx.client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=answer
        )
        return
    view = await ctx.call(view_contact, ctx.desk, contact_id, messages=0)
    fallback, blocks = confirm_prompt(view, text, button_value(contact_id, channel, ts, text))
    await ctx.client.chat_postEphemeral(
        channel=channel, user=user, thread_ts=thread_ts, text=fallback, blocks=blocks
    )


@staff_only
async def on_send(ctx: BotContext, ack: Any, body: Payload, action: Payload, respond: Any) -> None:
    await ack()
    data = read_value(str(action.get("value") or ""))
    if data is None:
        await respond(text="That button is broken: nothing was sent.", replace_original=True)
        return
    key = reply_key(data["ch"], data["ts"])
    answer = await send_reply(ctx, user_of(body), data["c"], key, data["x"])
    await respond(text=answer, replace_original=True)


async def on_note(ctx: BotContext, ack: Any, respond: Any) -> None:
    await ack()
    await respond(text="Kept as a team note: it was not texted.", replace_original=True)


def register(app: AsyncApp, ctx: BotContext) -> None:
    app.event(ids.MESSAGE)(guard(ctx, on_message))
    app.action(ids.THREAD_SEND)(guard(ctx, on_send))
    app.action(ids.THREAD_NOTE)(guard(ctx, on_note))
