"""Notifications (the notes the consent core queues) as Slack blocks and as plain text. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from bot import blocks as bk
from bot import ids
from bot.fmt import MRKDWN, PLAIN, Fmt, section
from consent.notes import (
    ConsentNote,
    DeliveryNote,
    HeldNote,
    InboundNote,
    Note,
    NumberTakenNote,
    UnknownNote,
)
from consent.phones import display_phone

MAX_BODY = 2500
SOURCES = {
    "questionnaire": "on the questionnaire",
    "sms_keyword": "by text",
    "staff": "by staff",
    "carrier": "at the carrier (error 21610)",
    "import": "from an imported opt-out list",
}
THREAD_HINTS = {
    "confirm": "replies in this thread stay in Slack unless you choose to text them.",
    "send": "replies in this thread are texted to them.",
    "off": "replies in this thread stay in Slack: use Reply to text them.",
}
DELIVERY = {
    "delivered": ":white_check_mark: Delivered",
    "undelivered": ":warning: Not delivered",
    "failed": ":x: Failed",
    "refused": ":no_entry_sign: Not sent",
}


def _who(f: Fmt, note: Note) -> str:
    phone = f.esc(display_phone(note.phone))
    return f"{f.b(f.esc(note.contact))} ({phone})" if note.contact else f.b(phone)


def _body(f: Fmt, body: str) -> str:
    body = body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"
    return f.quote(body) if body else f.i("(no text)")


def consent_lines(f: Fmt, note: ConsentNote) -> list[str]:
    status, source = note.status, note.source
    how = SOURCES.get(source, f.esc(source))
    by = f" by {f.actor(note.actor)}" if source == "staff" else ""
    icon = {"opted in": ":white_check_mark:", "opted out": ":no_entry:"}.get(
        status, ":grey_question:"
    )
    if note.awaiting_start and source == "questionnaire":
        line = (
            f"{icon} {_who(f, note)} answered Yes {how}, but the number stays opted out "
            "until they text START (it was opted out by text, by the carrier or by staff)."
        )
    else:
        line = f"{icon} {_who(f, note)} {f.b(status)} {how}{by}."
    reason = note.reason
    return [line + (f" Reason: {f.esc(reason)}" if reason else "")]


def _trigger(f: Fmt, note: InboundNote) -> str:
    """“the words” (the rule), or "" when the note does not say."""
    if not note.trigger:
        return ""
    return f"“{f.esc(note.trigger)}”" + (f" ({f.esc(note.rule)})" if note.rule else "")


def inbound_lines(f: Fmt, note: InboundNote) -> list[str]:
    lines = [f":speech_balloon: {_who(f, note)} texted:", _body(f, note.body)]
    intent = note.intent
    trigger = _trigger(f, note)
    if intent == "opt_out" and note.wrong_number:
        lines.append(
            f"This looks like a wrong-number reply ({trigger}): the number is opted out, "
            "as it may now belong to someone else."
        )
    elif intent == "opt_out":
        why = f" ({trigger})" if trigger else ""
        lines.append(f"They asked to stop{why}: the number is opted out.")
    elif intent == "maybe_opt_out":
        why = f" Flagged because of {trigger}." if trigger else ""
        lines.append(
            ":triangular_flag_on_post: This might be a request to stop texting."
            f"{why} If it is, opt the number out."
        )
    elif intent == "opt_in":
        lines.append("They asked to receive texts again.")
    elif note.status == "opted in":
        lines.append("They confirmed by replying YES to our request: the number is opted in.")
    for url in note.media:
        lines.append(f"Attachment: {f.esc(url)}")
    return lines


def delivery_lines(f: Fmt, note: DeliveryNote) -> list[str]:
    head = DELIVERY.get(note.status, f"Text {f.esc(note.status)}")
    error = note.error
    line = f"{head} to {_who(f, note)}" + (f": {f.esc(error)}" if error else ".")
    return [line, _body(f, note.body)]


def held_lines(f: Fmt, note: HeldNote) -> list[str]:
    """An automated text waits for a state's law: why, and until when."""
    try:
        until = f.when(datetime.fromisoformat(note.until))
    except ValueError:
        until = f.esc(note.until)
    line = f":hourglass: Waiting until {until} to text {_who(f, note)}: {f.esc(note.reason)}."
    return [line, _body(f, note.body)]


def taken_lines(f: Fmt, note: NumberTakenNote) -> list[str]:
    holder = f.b(f.esc(note.holder or "another contact"))
    return [
        f":warning: {_who(f, note)} answered Yes on their questionnaire link with a number "
        f"that is on file for {holder}. Nothing was changed and nothing was sent; the "
        "client was told to check the number or ask you for help."
    ]


def note_lines(f: Fmt, note: Note) -> list[str]:
    match note:
        case ConsentNote():
            return consent_lines(f, note)
        case NumberTakenNote():
            return taken_lines(f, note)
        case InboundNote():
            return inbound_lines(f, note)
        case DeliveryNote():
            return delivery_lines(f, note)
        case HeldNote():
            return held_lines(f, note)
        case UnknownNote():
            return [f"optdesk: {f.esc(note.kind)} notification"]
        case _:
            assert_never(note)


def note_text(note: Note, *, plain_text: bool = False) -> str:
    """One line of fallback text (mrkdwn, escaped) or the plain text for logs."""
    return "\n".join(note_lines(PLAIN if plain_text else MRKDWN, note))


def _media_blocks(note: InboundNote) -> list[bk.Block]:
    out: list[bk.Block] = []
    for n, url in enumerate(note.media[:5]):
        kind = note.media_types[n] if n < len(note.media_types) else ""
        if kind.startswith("image/") and url.startswith("https://"):
            out.append(
                {
                    "type": "image",
                    "image_url": url[:3000],
                    "alt_text": f"picture {n + 1} from the client",
                }
            )
    return out


def _flag_actions(f: Fmt, note: InboundNote) -> bk.Block:
    """The Opt out button under a text that might be a request to stop."""
    value = f"{note.contact_id}:{note.phone}"
    confirm = bk.confirm_dialog(
        "Opt this number out?",
        f"Opt {f.esc(display_phone(note.phone))} out of all texts? "
        "Only the client can opt back in.",
        "Opt out",
    )
    return bk.actions(
        f"flag:{note.message_id}",
        bk.button("Opt out", ids.OPT_OUT_NUMBER, value, style="danger", confirm=confirm),
    )


def note_blocks(note: Note, *, top_level: bool, thread_replies: str = "confirm") -> list[bk.Block]:
    """Blocks for one note; the first message of a contact's thread names them, with buttons."""
    f = MRKDWN
    lines = note_lines(f, note)
    blocks: list[bk.Block] = []
    contact_id = note.contact_id
    if top_level and contact_id:
        blocks.append(
            section(
                f":bust_in_silhouette: {_who(f, note)} · "
                + THREAD_HINTS.get(thread_replies, THREAD_HINTS["confirm"])
            )
        )
    blocks.extend(section(line) for line in lines if line)
    inbound = isinstance(note, InboundNote)
    if isinstance(note, InboundNote):
        blocks.extend(_media_blocks(note))
        if note.intent == "maybe_opt_out" and contact_id:
            blocks.append(_flag_actions(f, note))
    if contact_id and (top_level or inbound):
        blocks.append(_contact_actions(note, contact_id))
    return blocks[:50]


def _reference(note: Note) -> str:
    """What a note's buttons block is about: its text, or its ledger event."""
    match note:
        case InboundNote() | DeliveryNote() | HeldNote():
            return str(note.message_id or "")
        case ConsentNote():
            return str(note.seq or "")
        case NumberTakenNote() | UnknownNote():
            return ""
        case _:
            assert_never(note)


def _contact_actions(note: Note, contact_id: int) -> bk.Block:
    name = note.contact or display_phone(note.phone)
    value = str(contact_id)
    return bk.actions(
        f"note:{contact_id}:{_reference(note)}",
        bk.button("Reply", ids.SEND, value, style="primary"),
        bk.button(
            "Opt out",
            ids.OPT_OUT,
            value,
            style="danger",
            confirm=bk.opt_out_confirm(MRKDWN.b(MRKDWN.esc(name))),
        ),
        bk.button("Move to project", ids.MOVE_PICK, value),
        bk.button("View", ids.VIEW, value),
    )
