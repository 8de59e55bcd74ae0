"""What the local desk's buttons, menus and boxes do: the Slack listeners' use cases.

Each action calls the same function in consent/services as its Slack listener
(bot/listeners/contacts.py, modals.py, threads.py) and answers with Block Kit blocks
(bot/render.py, bot/modals.py), which the desk draws as HTML. The person at the desk is
the local staff member, as at `optdesk sms`: local mode has no OPTDESK_STAFF to check.
Sync: the desk's routes run these in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.cli import local_zone, run_cli_reply
from bot.desk_channel import DeskChannel
from bot.fmt import MRKDWN, Reply, escape_mrkdwn, reply, section
from bot.modals import send_modal, sent_modal, view_modal
from bot.render import error_reply, note_reply, opted_out_reply
from consent.errors import AlreadyDone, ConsentError, InvalidInput
from consent.phones import display_phone
from consent.services.context import Desk
from consent.services.home import move_contact, opt_out_contact, phone_for_contact, view_contact
from consent.services.projects import list_projects
from consent.services.staff import MAX_TEXT, opt_out_by_staff, send_text

ACTOR = "desk"  # the ledger's actor for the local staff member at /local/desk
BUTTON_REASON = "opted out by staff with the Opt out button on the local desk"
FLAG_REASON = "staff confirmed a flagged text as a request to stop"
SEND_TEXT = "desk_send_text"  # the Send form's submit (Slack: the send modal)
Blocks = list[dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """What the desk shows where the click happened: blocks, or a form of its own."""

    blocks: Blocks
    ok: bool = True
    form: str = ""  # "send": a text box; "confirm": the question before an opt-out
    contact_id: int = 0
    title: str = ""
    action_id: str = ""  # what a "confirm" form runs once confirmed
    value: str = ""


def run_command(desk: Desk, text: str) -> Reply:
    """The command box: `optdesk sms`'s grammar and answers; the leading `/sms` optional."""
    text = text.strip()
    if text.lower() == "/sms" or text.lower().startswith(("/sms ", "/sms\t")):
        text = text[4:].strip()
    return run_cli_reply(desk, text or "help", actor=ACTOR, tz=local_zone())


def _contact_id(value: str) -> int:
    head = value.partition(":")[0]
    if not (head.isascii() and head.isdigit()) or len(head) > 18:
        raise InvalidInput("That button doesn't name a contact.")
    return int(head)


def _answer(r: Reply) -> Answer:
    return Answer(r.blocks, r.ok)


def _view(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    return Answer(view_modal(view_contact(desk, _contact_id(value)))["blocks"])


def _send_form(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    """The send modal's blocks without its input: the desk draws its own text box."""
    view = view_contact(desk, _contact_id(value), messages=0)
    intro = [b for b in send_modal(view)["blocks"] if b.get("type") != "input"]
    return Answer(intro, form="send", contact_id=view.contact.id, title=view.contact.name)


def _send(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    phone = phone_for_contact(desk, _contact_id(value))
    queued = send_text(desk, phone, fields.get("text", ""), actor=ACTOR)
    return Answer(sent_modal(queued)["blocks"])


def _move_pick(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    view = view_contact(desk, _contact_id(value), messages=0)
    cid = view.contact.id
    options = [bk.option("No project", f"{cid}:")]
    projects = list_projects(desk)
    options += [bk.option(p.name, f"{cid}:{p.id}") for p in projects[: bk.MAX_OPTIONS - 1]]
    chosen = next(o for o in options if o["value"] == f"{cid}:{view.contact.project_id or ''}")
    f = MRKDWN
    return Answer(
        [
            section(f"Move {f.b(f.esc(view.contact.name))} to a project:"),
            bk.actions("move", bk.static_select(ids.MOVE, "Move to project", options, chosen)),
        ]
    )


def _move(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    head, _, project = value.partition(":")
    if project and not (project.isascii() and project.isdigit() and len(project) <= 18):
        raise InvalidInput("That choice doesn't name a contact and a project.")
    contact, name = move_contact(desk, _contact_id(head), int(project) if project else None)
    where = f"project {escape_mrkdwn(name)}" if name else "no project"
    return Answer([section(f"{escape_mrkdwn(contact.name)} is now in {where}.")])


def _opt_out(desk: Desk, value: str, fields: Mapping[str, str]) -> Answer:
    cid = _contact_id(value)
    if fields.get("action_id") == ids.OPT_OUT_NUMBER:
        result = opt_out_by_staff(desk, value.partition(":")[2], FLAG_REASON, actor=ACTOR)
    else:
        result = opt_out_contact(desk, cid, BUTTON_REASON, actor=ACTOR)
    return _answer(opted_out_reply(result))


_ACTIONS: dict[str, Callable[[Desk, str, Mapping[str, str]], Answer]] = {
    ids.VIEW: _view,
    ids.SEND: _send_form,
    SEND_TEXT: _send,
    ids.MOVE_PICK: _move_pick,
    ids.MOVE: _move,
    ids.OPT_OUT: _opt_out,
    ids.OPT_OUT_NUMBER: _opt_out,
}


CONFIRM_FIRST = frozenset({ids.OPT_OUT, ids.OPT_OUT_NUMBER})


def _confirm_first(desk: Desk, action_id: str, value: str) -> Answer:
    """The question Slack's confirm dialog asks, for a click that came without its
    answer (the page's script asks in a dialog and sends `confirmed=yes`)."""
    view = view_contact(desk, _contact_id(value), messages=0)
    f = MRKDWN
    phone = value.partition(":")[2]
    who = (
        f.esc(display_phone(phone))
        if action_id == ids.OPT_OUT_NUMBER
        else f.b(f.esc(view.contact.name))
    )
    question = (
        f"Opt {who} out of all texts? Only they can opt back in (questionnaire or START). "
        "This is recorded with your name."
    )
    return Answer([section(question)], form="confirm", action_id=action_id, value=value)


def run_action(desk: Desk, fields: Mapping[str, str]) -> Answer:
    """One button click or menu choice; refusals come back as answers, as in Slack."""
    action_id = fields.get("action_id", "")
    action = _ACTIONS.get(action_id)
    if action is None:
        return _answer(note_reply("That button does nothing on the local desk.", ok=False))
    try:
        if action_id in CONFIRM_FIRST and fields.get("confirmed") != "yes":
            return _confirm_first(desk, action_id, fields.get("value", ""))
        return action(desk, fields.get("value", ""), fields)
    except ConsentError as err:
        return _answer(error_reply(err))


def thread_reply(desk: Desk, channel: DeskChannel, fields: Mapping[str, str]) -> Answer:
    """A reply typed in a contact's thread: texted through the gate (once per box), or
    kept as a team note, as the Slack thread's Send as text / Keep as note buttons."""
    text = fields.get("text", "").strip()
    try:
        cid = _contact_id(fields.get("value", ""))
        if not text or len(text) > MAX_TEXT:
            raise InvalidInput(f"Type a reply of 1 to {MAX_TEXT} characters.")
        view = view_contact(desk, cid, messages=0)
        if fields.get("mode") == "note":
            channel.add_staff_note(cid, view.contact.name, text, texted=False)
            return _answer(note_reply("Kept as a team note: it was not texted."))
        phone = phone_for_contact(desk, cid)
        once = fields.get("once", "")[:100]
        send_text(desk, phone, text, actor=ACTOR, once=f"desk:reply:{once}" if once else None)
        channel.add_staff_note(cid, view.contact.name, text, texted=True)
    except AlreadyDone:
        return _answer(note_reply("This reply was already handled: it is texted at most once."))
    except ConsentError as err:
        return _answer(error_reply(err))
    to = display_phone(phone)
    return _answer(
        reply(lambda f: [f"Sent as a text to {f.esc(to)}. The thread shows when it is delivered."])
    )
