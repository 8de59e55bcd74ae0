"""Answers to `/sms` commands, built once for Slack (mrkdwn + blocks) and the CLI. Pure."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import commands as c
from bot.fmt import Fmt, Reply, reply
from bot.render_contact import LANGUAGE_WORDS, history_paragraphs, status_paragraphs
from consent import messages
from consent.errors import Ambiguous, ConsentError
from consent.language import Language
from consent.model import Project, Status
from consent.phones import display_phone, time_zones
from consent.services.links import IssuedLink
from consent.services.queries import PENDING, ContactView, Counts
from consent.services.staff import Broadcast, OptedOut, Queued

COUNT_ORDER = (str(Status.OPTED_IN), str(Status.OPTED_OUT), str(Status.NOT_SUBSCRIBED), PENDING)


def count_pairs(counts: Counts) -> list[tuple[str, int]]:
    """(label, n) in the spec's order: opted in, opted out, not subscribed, pending."""
    by = {str(k): v for k, v in counts.by_status.items()}
    return [
        (label, counts.pending if label == PENDING else by.get(label, 0)) for label in COUNT_ORDER
    ]


def recipient_clock(at: datetime, e164: str) -> str:
    """`at` on the recipient's clock: "08:00 in America/Los_Angeles" (or "local time")."""
    zones = time_zones(e164)
    if len(zones) != 1:
        return f"{at.astimezone(ZoneInfo(zones[0])):%H:%M} local time"
    return f"{at.astimezone(ZoneInfo(zones[0])):%H:%M} in {zones[0]}"


def counts_reply(counts: Counts) -> Reply:
    return reply(lambda f: ["\n".join(f"{k}: {v}" for k, v in count_pairs(counts))])


def _language_line(link: IssuedLink) -> str:
    if link.language is None:
        return "The page follows their browser's language (English or Spanish)."
    word, other = LANGUAGE_WORDS[link.language], LANGUAGE_WORDS[Language.EN]
    if link.language is Language.EN:
        other = LANGUAGE_WORDS[Language.ES]
    return f"In {word}: the page (it offers {other} too) and the texts the app writes them."


def link_reply(link: IssuedLink) -> Reply:
    def build(f: Fmt) -> list[str]:
        new = " (new contact)" if link.created else ""
        return [
            f"Questionnaire link for {f.b(f.esc(link.contact.name))}{new}:",
            link.url,
            f"Send it to them yourself (email or chat): it expires {f.when(link.expires_at)}. "
            "They become opted in only when they answer Yes.",
            _language_line(link),
        ]

    return reply(build)


def status_reply(view: ContactView) -> Reply:
    return reply(lambda f: status_paragraphs(f, view))


def history_reply(view: ContactView) -> Reply:
    return reply(lambda f: history_paragraphs(f, view))


def queued_reply(q: Queued, *, scheduled_for: datetime | None = None) -> Reply:
    def build(f: Fmt) -> list[str]:
        to = f"{f.b(f.esc(q.target.contact.name))} ({f.esc(display_phone(q.message.e164))})"
        if scheduled_for is None:
            head = f"Text to {to} queued. The contact's thread shows when it is delivered."
        else:
            head = f"Text to {to} scheduled for {f.when(scheduled_for)}."
        lines = [head, f.quote(q.message.body)]
        if q.wait is not None and q.wait.state is not None:
            lines.append(
                f"Held until {f.when(q.wait.until)} "
                f"({recipient_clock(q.wait.until, q.message.e164)}): {f.esc(q.wait.reason)}."
            )
        elif q.wait_until is not None:
            lines.append(
                f"Quiet hours: automated texts go out between 08:00 and 21:00 in the "
                f"recipient's time zone, so it will wait until {f.when(q.wait_until)} "
                f"({recipient_clock(q.wait_until, q.message.e164)})."
            )
        if scheduled_for is not None:
            lines.append("Consent is checked again when it goes out.")
        return lines

    return reply(build)


def opted_out_reply(result: OptedOut) -> Reply:
    def build(f: Fmt) -> list[str]:
        name = f.b(f.esc(result.target.contact.name))
        lines = []
        if result.changed:
            nums = ", ".join(f.esc(display_phone(p)) for p in result.changed)
            lines.append(f"Opted out {name}: {nums}. No texts will reach them.")
        if result.already:
            nums = ", ".join(f.esc(display_phone(p)) for p in result.already)
            lines.append(f"Already opted out: {nums}.")
        return lines or [f"{name} has no numbers to opt out."]

    return reply(build)


def project_created_reply(project: Project) -> Reply:
    def build(f: Fmt) -> list[str]:
        where = f" Its texts go to <#{project.channel_id}>." if project.channel_id else ""
        if not f.mrkdwn and project.channel_id:
            where = f" Its texts go to channel {project.channel_id}."
        return [f"Project {f.b(f.esc(project.name))} created.{where}"]

    return reply(build)


def projects_reply(projects: list[Project]) -> Reply:
    def build(f: Fmt) -> list[str]:
        if not projects:
            return [f.esc("No projects yet. Create one with /sms project new <name> [#channel].")]
        lines = []
        for p in projects:
            where = (
                ""
                if not p.channel_id
                else (f" → <#{p.channel_id}>" if f.mrkdwn else f" → {p.channel_id}")
            )
            lines.append(f"• {f.esc(p.name)}{where}")
        return [f.b("Projects"), "\n".join(lines)]

    return reply(build)


def project_set_reply(name: str, project: str | None) -> Reply:
    def build(f: Fmt) -> list[str]:
        if project is None:
            return [f"{f.b(f.esc(name))} is in no project now."]
        return [f"{f.b(f.esc(name))} is now in project {f.b(f.esc(project))}."]

    return reply(build)


def broadcast_reply(result: Broadcast) -> Reply:
    def build(f: Fmt) -> list[str]:
        head = f"Broadcast to project {f.b(f.esc(result.project))}: {result.queued} queued"
        if result.waiting:
            head += (
                f" ({result.waiting} waiting for quiet hours to end: automated texts "
                "go out between 08:00 and 21:00 local time)"
            )
        held = ""
        if result.held:
            by = ", ".join(f"{f.esc(label)}: {n}" for label, n in sorted(result.held.items()))
            held = f"Waiting for a state's texting law ({sum(result.held.values())}): {by}."
        skipped = sum(result.skipped.values())
        if not skipped:
            return [head + ", none skipped.", *([held] if held else [])]
        why = ", ".join(f"{reason}: {n}" for reason, n in sorted(result.skipped.items()))
        return [head + ".", *([held] if held else []), f"Skipped {skipped} (not sent): {why}."]

    return reply(build)


@functools.lru_cache(maxsize=32)
def help_reply(topic: str | None = None) -> Reply:
    """Usage of one subcommand or of them all (constant: built once per topic)."""

    def build(f: Fmt) -> list[str]:
        if topic:
            return [f"Usage: {f.esc(c.USAGE[topic])}"]
        lines = [f"• {f.esc(c.USAGE[name])}\n   {what}" for name, what in c.HELP_LINES]
        return [f.b("/sms subcommands"), "\n".join(lines), f.esc(c.HELP_FOOTER)]

    return reply(build)


def usage_reply(err: c.UsageError) -> Reply:
    return reply(lambda f: [f.esc(err.problem), f"Usage: {f.esc(err.usage)}"], ok=False)


def error_reply(err: ConsentError) -> Reply:
    """A refusal or a lookup problem, with its reason (and the choices when ambiguous)."""

    def build(f: Fmt) -> list[str]:
        lines = [f.esc(err.reason)]
        if isinstance(err, Ambiguous) and err.choices:
            lines.append("Which one?\n" + "\n".join(f"• {f.esc(x)}" for x in err.choices[:20]))
        return lines

    return reply(build, ok=False)


def not_staff_reply() -> Reply:
    return reply(lambda f: [f.esc(messages.NOT_STAFF)], ok=False)


def working_reply() -> Reply:
    """The ack of a command whose answer follows (its work took longer than usual)."""
    return note_reply("Working on it: the answer follows here in a moment.")


def note_reply(text: str, *, ok: bool = True) -> Reply:
    """One sentence of ours (no user input in it)."""
    return reply(lambda f: [f.esc(text)], ok=ok)
