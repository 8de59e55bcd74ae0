"""Small Block Kit builders (dicts), within Slack's length limits. Pure."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.fmt import plain

Block = dict[str, Any]
MAX_OPTIONS = 100
MAX_VALUE = 2000


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    block: Block = {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": value[:MAX_VALUE],
    }
    if style:
        block["style"] = style
    if confirm:
        block["confirm"] = confirm
    return block


def confirm_dialog(title: str, text: str, yes: str, *, danger: bool = True) -> Block:
    """Slack's own "are you sure?" dialog on a button; `text` is mrkdwn (escaped)."""
    block: Block = {
        "title": plain(title, 100),
        "text": {"type": "mrkdwn", "text": text[:300]},
        "confirm": plain(yes, 30),
        "deny": plain("Cancel", 30),
    }
    if danger:
        block["style"] = "danger"
    return block


def option(text: str, value: str) -> Block:
    return {"text": plain(text), "value": value[:150]}


def static_select(
    action_id: str, placeholder: str, options: list[Block], initial: Block | None = None
) -> Block:
    block: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, 150),
        "options": options[:MAX_OPTIONS],
    }
    if initial is not None and initial in block["options"]:
        block["initial_option"] = initial
    return block


def actions(block_id: str | None, *elements: Block) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id[:255]
    return block


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def divider() -> Block:
    return {"type": "divider"}


def opt_out_confirm(name_mrkdwn: str) -> Block:
    return confirm_dialog(
        "Opt out?",
        f"Opt {name_mrkdwn} out of all texts? Only they can opt back in "
        "(questionnaire or START). This is recorded with your name.",
        "Opt out",
    )


def contact_buttons(contact_id: int, name_mrkdwn: str, *, move_select: Block | None) -> Block:
    """View / Send / Move to project / Opt out for one contact (an App Home row)."""
    value = str(contact_id)
    move = move_select or button("Move to project", ids.MOVE_PICK, value)
    return actions(
        f"contact:{contact_id}",
        button("View", ids.VIEW, value),
        button("Send", ids.SEND, value, style="primary"),
        move,
        button("Opt out", ids.OPT_OUT, value, style="danger", confirm=opt_out_confirm(name_mrkdwn)),
    )


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    metadata: str = "",
) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "close": plain("Close" if submit is None else "Cancel", 24),
        "blocks": blocks[:100],
        "private_metadata": metadata[:3000],
    }
    if submit is not None:
        view["submit"] = plain(submit, 24)
    return view
