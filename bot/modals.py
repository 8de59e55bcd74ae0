"""Modals behind the contact buttons: view a contact, send a text, move to a project. Pure."""

from __future__ import annotations

import json
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.fmt import MRKDWN, plain, section, sections
from bot.render_contact import history_paragraphs, numbers_block
from consent.model import Project, Status
from consent.phones import display_phone
from consent.services.queries import ContactView
from consent.services.staff import MAX_TEXT, Queued

NO_PROJECT = "none"


def metadata(contact_id: int, **extra: Any) -> str:
    return json.dumps({"c": contact_id, **extra})


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except (ValueError, TypeError):  # TypeError: metadata that is not text
        return {}
    return data if isinstance(data, dict) else {}


def view_modal(view: ContactView) -> dict[str, Any]:
    """The conversation and consent history of one contact."""
    blocks = sections(history_paragraphs(MRKDWN, view))
    return bk.modal(ids.VIEW_MODAL, "Contact", blocks[:100], metadata=metadata(view.contact.id))


def send_modal(view: ContactView) -> dict[str, Any]:
    """A text box to text one contact; the gate answers on submit."""
    f = MRKDWN
    intro = f"To {f.b(f.esc(view.contact.name))}\n{numbers_block(f, view)}"
    blocks: list[bk.Block] = [section(intro)]
    if not any(n.status is Status.OPTED_IN for n in view.numbers):
        blocks.append(
            bk.context(":warning: No number of this contact is opted in: the text will be refused.")
        )
    blocks.append(
        {
            "type": "input",
            "block_id": ids.SEND_BLOCK,
            "label": plain("Text"),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.SEND_INPUT,
                "multiline": True,
                "max_length": MAX_TEXT,
                "placeholder": plain("What to text them"),
            },
        }
    )
    return bk.modal(
        ids.SEND_MODAL, "Send a text", blocks, submit="Send", metadata=metadata(view.contact.id)
    )


def sent_modal(queued: Queued) -> dict[str, Any]:
    """What a send modal turns into once the text is queued."""
    f = MRKDWN
    to = f"{f.b(f.esc(queued.target.contact.name))} ({f.esc(display_phone(queued.message.e164))})"
    blocks = [
        section(f"Text to {to} queued:\n{f.quote(queued.message.body)}"),
        bk.context("The contact's thread shows when it is delivered."),
    ]
    return bk.modal(ids.VIEW_MODAL, "Text queued", blocks)


def move_modal(view: ContactView, projects: list[Project]) -> dict[str, Any]:
    """A static select of projects for one contact."""
    options = [bk.option("No project", NO_PROJECT)]
    options += [bk.option(p.name, str(p.id)) for p in projects[: bk.MAX_OPTIONS - 1]]
    current = next((p for p in projects if p.name == view.project), None)
    chosen = str(current.id) if current else NO_PROJECT
    initial = next((o for o in options if o["value"] == chosen), None)
    select = bk.static_select(ids.MOVE_INPUT, "Project", options, initial)
    blocks = [
        section(f"Which project do {MRKDWN.b(MRKDWN.esc(view.contact.name))}'s texts belong to?"),
        {
            "type": "input",
            "block_id": ids.MOVE_BLOCK,
            "label": plain("Project"),
            "element": select,
        },
    ]
    return bk.modal(
        ids.MOVE_MODAL, "Move to project", blocks, submit="Move", metadata=metadata(view.contact.id)
    )


def message_modal(title: str, text_mrkdwn: str) -> dict[str, Any]:
    return bk.modal(ids.VIEW_MODAL, title, [section(text_mrkdwn)])
