"""One contact's story: numbers and statuses, consent events, the conversation. Pure."""

from __future__ import annotations

from bot.fmt import Fmt
from consent.language import Language
from consent.model import ConsentEvent, NumberState, Status
from consent.phones import display_phone
from consent.records import Direction, Message, Rename
from consent.services.queries import ContactView

MAX_EVENTS = 15
MAX_MESSAGES = 20
MAX_BODY = 500
SOURCE_WORDS = {
    "questionnaire": "on the questionnaire",
    "sms_keyword": "by text keyword",
    "staff": "by staff",
    "carrier": "at the carrier",
    "import": "from an imported opt-out list",
}


LANGUAGE_WORDS = {Language.EN: "English", Language.ES: "Spanish"}


def language_part(language: Language) -> str:
    """What staff read about a contact's language: the page and the app's texts use it."""
    return f"texts in {LANGUAGE_WORDS[language]}"


def status_word(state: NumberState) -> str:
    word = str(state.status)
    if state.status is Status.OPTED_OUT and state.awaiting_start:
        word += " (blocked at the carrier until they text START)"
    return word


def number_line(f: Fmt, state: NumberState) -> str:
    how = SOURCE_WORDS.get(str(state.source or ""), "")
    since = f" since {f.when(state.changed_at)}" if state.changed_at else ""
    detail = f" ({how}{since})" if how or since else ""
    return f"• {f.esc(display_phone(state.e164))}: {f.b(status_word(state))}{detail}"


def heading(f: Fmt, view: ContactView) -> str:
    parts = [f.b(f.esc(view.contact.name))]
    if view.contact.email:
        parts.append(f.esc(view.contact.email))
    parts.append(f"project {f.esc(view.project)}" if view.project else "no project")
    parts.append(language_part(view.contact.language))
    if view.pending:
        parts.append(f.b("pending") + " (questionnaire link not answered yet)")
    return " · ".join(parts)


def numbers_block(f: Fmt, view: ContactView) -> str:
    if not view.numbers:
        return "No phone number on file yet."
    return "\n".join(number_line(f, n) for n in view.numbers)


def event_line(f: Fmt, ev: ConsentEvent) -> str:
    how = SOURCE_WORDS.get(str(ev.source), str(ev.source))
    line = (
        f"• {f.when(ev.at)} · {f.esc(display_phone(ev.phone) if ev.phone else 'no number')} "
        f"→ {f.b(str(ev.status))} "
        f"{how}, by {f.actor(ev.actor)}"
    )
    detail = ev.evidence.get("reason") or ev.evidence.get("body")
    if detail:
        line += f" ({f.esc(detail[:200])})"
    return line


def events_block(f: Fmt, events: list[ConsentEvent]) -> str:
    if not events:
        return f.b("Consent history") + "\nNo consent events yet."
    shown = events[-MAX_EVENTS:]
    more = f"\n…and {len(events) - len(shown)} older events" if len(events) > len(shown) else ""
    return f.b("Consent history") + more + "\n" + "\n".join(event_line(f, e) for e in shown)


def message_line(f: Fmt, msg: Message) -> str:
    body = msg.body if len(msg.body) <= MAX_BODY else msg.body[: MAX_BODY - 1] + "…"
    media = (
        f" (+{len(msg.media)} attachment{'s' if len(msg.media) > 1 else ''})" if msg.media else ""
    )
    if msg.direction is Direction.INBOUND:
        head = f"{f.when(msg.created_at)} ← {f.esc(display_phone(msg.e164))}{media}"
    else:
        by = f" by {f.actor(msg.author)}" if msg.author else ""
        state = f"{msg.status}" + (f": {msg.error}" if msg.error else "")
        head = f"{f.when(msg.created_at)} → {f.esc(display_phone(msg.e164))}{by} · {f.esc(state)}"
    return f"{head}\n{f.quote(body)}"


def messages_block(f: Fmt, messages: list[Message]) -> str:
    if not messages:
        return f.b("Conversation") + "\nNo texts yet."
    shown = messages[-MAX_MESSAGES:]
    return f.b("Conversation") + "\n" + "\n".join(message_line(f, m) for m in shown)


def rename_line(f: Fmt, rename: Rename) -> str:
    return (
        f"• {f.when(rename.at)} · renamed from {f.b(f.esc(rename.old_name))} "
        f"to {f.b(f.esc(rename.new_name))} by {f.actor(rename.actor)}"
    )


def renames_block(f: Fmt, renames: list[Rename]) -> list[str]:
    """The contact's earlier names, when staff renamed it (none: no paragraph)."""
    if not renames:
        return []
    return [f.b("Names") + "\n" + "\n".join(rename_line(f, r) for r in renames)]


def status_paragraphs(f: Fmt, view: ContactView) -> list[str]:
    """`/sms status <who>`: numbers with statuses and the events that explain them."""
    return [heading(f, view), numbers_block(f, view), events_block(f, view.events)]


def history_paragraphs(f: Fmt, view: ContactView) -> list[str]:
    """`/sms history <who>`: the conversation and the consent events."""
    return [
        *status_paragraphs(f, view)[:2],
        messages_block(f, view.messages),
        events_block(f, view.events),
        *renames_block(f, view.renames),
    ]
