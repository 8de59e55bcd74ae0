"""Notifications (the dicts the consent core queues) as Slack blocks and as plain text. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.fmt import MRKDWN, PLAIN, Fmt, section
from consent.phones import display_phone

MAX_BODY = 2500
SOURCES = {
    "questionnaire": "on the questionnaire",
    "sms_keyword": "by text",
    "staff": "by staff",
    "carrier": "at the carrier (error 21610)",
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


def _who(f: Fmt, note: Mapping[str, Any]) -> str:
    phone = f.esc(display_phone(str(note.get("phone") or "")))
    name = str(note.get("contact") or "")
    return f"{f.b(f.esc(name))} ({phone})" if name else f.b(phone)


def _body(f: Fmt, body: str) -> str:
    body = body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"
    return f.quote(body) if body else f.i("(no text)")


def consent_lines(f: Fmt, note: Mapping[str, Any]) -> list[str]:
    status, source = str(note.get("status")), str(note.get("source"))
    how = SOURCES.get(source, f.esc(source))
    by = f" by {f.actor(str(note.get('actor') or ''))}" if source == "staff" else ""
    icon = {"opted in": ":white_check_mark:", "opted out": ":no_entry:"}.get(
        status, ":grey_question:"
    )
    if note.get("awaiting_start") and source == "questionnaire":
        line = (
            f"{icon} {_who(f, note)} answered Yes {how}, but the number stays opted out "
            "until they text START (it was opted out by text, by the carrier or by staff)."
        )
    else:
        line = f"{icon} {_who(f, note)} {f.b(status)} {how}{by}."
    reason = str(note.get("reason") or "")
    return [line + (f" Reason: {f.esc(reason)}" if reason else "")]


def _trigger(f: Fmt, note: Mapping[str, Any]) -> str:
    """“the words” (the rule), or "" when the note does not say."""
    words, rule = str(note.get("trigger") or ""), str(note.get("rule") or "")
    if not words:
        return ""
    return f"“{f.esc(words)}”" + (f" ({f.esc(rule)})" if rule else "")


def inbound_lines(f: Fmt, note: Mapping[str, Any]) -> list[str]:
    lines = [f":speech_balloon: {_who(f, note)} texted:", _body(f, str(note.get("body") or ""))]
    intent = str(note.get("intent") or "")
    trigger = _trigger(f, note)
    if intent == "opt_out" and note.get("wrong_number"):
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
    elif note.get("status") == "opted in":
        lines.append("They confirmed by replying YES to our request: the number is opted in.")
    for url in note.get("media") or []:
        lines.append(f"Attachment: {f.esc(str(url))}")
    return lines


def delivery_lines(f: Fmt, note: Mapping[str, Any]) -> list[str]:
    status = str(note.get("status") or "")
    head = DELIVERY.get(status, f"Text {f.esc(status)}")
    error = str(note.get("error") or "")
    line = f"{head} to {_who(f, note)}" + (f": {f.esc(error)}" if error else ".")
    return [line, _body(f, str(note.get("body") or ""))]


def taken_lines(f: Fmt, note: Mapping[str, Any]) -> list[str]:
    holder = f.b(f.esc(str(note.get("holder") or "another contact")))
    return [
        f":warning: {_who(f, note)} answered Yes on their questionnaire link with a number "
        f"that is on file for {holder}. Nothing was changed and nothing was sent; the "
        "client was told to check the number or ask you for help."
    ]


def note_lines(f: Fmt, note: Mapping[str, Any]) -> list[str]:
    kind = note.get("type")
    if kind == "consent":
        return consent_lines(f, note)
    if kind == "number_taken":
        return taken_lines(f, note)
    if kind == "inbound":
        return inbound_lines(f, note)
    if kind == "delivery":
        return delivery_lines(f, note)
    return [f"optdesk: {f.esc(str(kind))} notification"]


def note_text(note: Mapping[str, Any], *, plain_text: bool = False) -> str:
    """One line of fallback text (mrkdwn, escaped) or the plain text for logs."""
    return "\n".join(note_lines(PLAIN if plain_text else MRKDWN, note))


def _media_blocks(note: Mapping[str, Any]) -> list[bk.Block]:
    out: list[bk.Block] = []
    types = list(note.get("media_types") or [])
    for n, url in enumerate(list(note.get("media") or [])[:5]):
        kind = str(types[n]) if n < len(types) else ""
        if kind.startswith("image/") and str(url).startswith("https://"):
            out.append(
                {
                    "type": "image",
                    "image_url": str(url)[:3000],
                    "alt_text": f"picture {n + 1} from the client",
                }
            )
    return out


def note_blocks(
    note: Mapping[str, Any], *, top_level: bool, thread_replies: str = "confirm"
) -> list[bk.Block]:
    """Blocks for one note; the first message of a contact's thread names them, with buttons."""
    f = MRKDWN
    lines = note_lines(f, note)
    blocks: list[bk.Block] = []
    contact_id = int(note.get("contact_id") or 0)
    if top_level and contact_id:
        blocks.append(
            section(
                f":bust_in_silhouette: {_who(f, note)} · "
                + THREAD_HINTS.get(thread_replies, THREAD_HINTS["confirm"])
            )
        )
    blocks.extend(section(line) for line in lines if line)
    if note.get("type") == "inbound":
        blocks.extend(_media_blocks(note))
    if note.get("type") == "inbound" and note.get("intent") == "maybe_opt_out" and contact_id:
        value = f"{contact_id}:{note.get('phone')}"
        confirm = bk.confirm_dialog(
            "Opt this number out?",
            f"Opt {f.esc(display_phone(str(note.get('phone'))))} out of all texts? "
            "Only the client can opt back in.",
            "Opt out",
        )
        blocks.append(
            bk.actions(
                f"flag:{note.get('message_id')}",
                bk.button("Opt out", ids.OPT_OUT_NUMBER, value, style="danger", confirm=confirm),
            )
        )
    if contact_id and (top_level or note.get("type") == "inbound"):
        blocks.append(_contact_actions(note, contact_id))
    return blocks[:50]


def _contact_actions(note: Mapping[str, Any], contact_id: int) -> bk.Block:
    name = str(note.get("contact") or display_phone(str(note.get("phone") or "")))
    value = str(contact_id)
    return bk.actions(
        f"note:{contact_id}:{note.get('message_id') or note.get('seq') or ''}",
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
