"""A staff reply in a contact's thread: which messages count, and the confirm prompt. Pure."""

from __future__ import annotations

import json
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.fmt import MRKDWN, section
from bot.render_contact import numbers_block
from bot.tokens import pieces
from consent.phones import display_phone
from consent.services.queries import ContactView
from consent.services.staff import MAX_TEXT

HUMAN_SUBTYPES = (None, "thread_broadcast", "file_share")


def is_thread_reply(event: dict[str, Any]) -> bool:
    """A person's new reply in a thread: no bots, edits, deletes or top-level messages."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    return (
        event.get("type") == "message"
        and event.get("subtype") in HUMAN_SUBTYPES
        and not event.get("bot_id")
        and not event.get("app_id")
        and bool(event.get("user"))
        and bool(event.get("channel"))
        and bool(thread_ts)
        and thread_ts != ts
    )


def message_text(slack_text: str) -> str:
    """What a Slack message says as plain text for a phone: entities read, escaping undone."""
    return "".join(text for text, *_ in pieces(slack_text)).strip()


def reply_key(channel: str, ts: str) -> str:
    """One key per Slack message: it is texted at most once, whichever way."""
    return f"slack:reply:{channel}:{ts}"


def button_value(contact_id: int, channel: str, ts: str, text: str) -> str | None:
    """What "Send as text" carries; None when the text can't fit in a button."""
    value = json.dumps(
        {"c": contact_id, "ch": channel, "ts": ts, "x": text},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= bk.MAX_VALUE else None


def read_value(raw: str) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    ok = isinstance(data, dict) and isinstance(data.get("c"), int)
    return data if ok and all(isinstance(data.get(k), str) for k in ("ch", "ts", "x")) else None


def confirm_prompt(view: ContactView, text: str, value: str | None) -> tuple[str, list[bk.Block]]:
    """The ephemeral question to the author: send this reply as a text, or keep it as a note?"""
    f = MRKDWN
    name = f.b(f.esc(view.contact.name))
    if value is None or len(text) > MAX_TEXT:
        words = (
            f"This reply is too long to text ({len(text)} characters; at most {MAX_TEXT}). "
            f"It stays in Slack as a team note."
        )
        return words, [section(words)]
    phones = ", ".join(f.esc(display_phone(n.e164)) for n in view.numbers) or "no number"
    question = f"Send your reply to {name} ({phones}) as a text, or keep it as a team note?"
    blocks = [
        section(f"{question}\n{f.quote(text)}"),
        bk.context(numbers_block(f, view)),
        bk.actions(
            "thread_reply",
            bk.button("Send as text", ids.THREAD_SEND, value, style="primary"),
            bk.button("Keep as note", ids.THREAD_NOTE, "note"),
        ),
    ]
    return question, blocks
