"""Answers to `/sms scheduled`, `/sms cancel` and `/sms rename`, both forms. Pure."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.fmt import Fmt, Reply, reply
from consent.phones import display_phone
from consent.records import Rename
from consent.services.waiting import Cancelled, Waiting

FIRST_WORDS = 6
FIRST_CHARS = 40


def first_words(body: str) -> str:
    """The start of a text, enough to tell it apart: a few words, clipped."""
    words = body.split()
    head = " ".join(words[:FIRST_WORDS])
    if len(head) > FIRST_CHARS:
        head = head[: FIRST_CHARS - 1].rstrip()
        return head + "…"
    return head + ("…" if len(words) > FIRST_WORDS else "")


def caller_clock(at: datetime, tz: tzinfo) -> str:
    """`at` on the caller's clock, with the zone named (the reader may be elsewhere)."""
    return f"{at.astimezone(tz):%a %Y-%m-%d %H:%M} {tz}"


def waiting_line(f: Fmt, w: Waiting, tz: tzinfo) -> str:
    when = caller_clock(w.due_at, tz)
    words = f.esc(first_words(w.body))
    if w.broadcast:
        texts = f"{w.count} text{'s' if w.count != 1 else ''}"
        to = f"broadcast to project {f.b(f.esc(w.project))} ({texts})"
        when = f"from {when}"
    else:
        to = f"{f.b(f.esc(w.contact))} ({f.esc(display_phone(w.e164))})"
    return f"• {f.b(w.id)} · {to} · {when} · “{words}”"


def scheduled_reply(waiting: list[Waiting], tz: tzinfo, who: str | None = None) -> Reply:
    def build(f: Fmt) -> list[str]:
        if not waiting:
            whose = f" for {f.esc(who)}" if who else ""
            return [f"No texts waiting to go out{whose}."]
        head = f"{len(waiting)} waiting to go out (times in {tz}):"
        lines = "\n".join(waiting_line(f, w, tz) for w in waiting)
        return [head, lines, "Cancel one with /sms cancel <id>."]

    return reply(build)


def cancelled_reply(result: Cancelled) -> Reply:
    def build(f: Fmt) -> list[str]:
        if result.project:
            head = (
                f"Cancelled broadcast {f.b(result.id)} to project {f.b(f.esc(result.project))}: "
                f"{result.cancelled} text{'s' if result.cancelled != 1 else ''} will not go out."
            )
            if result.gone:
                head += f" {result.gone} had already gone out."
            return [head]
        return [f"Cancelled {f.b(result.id)} to {f.b(f.esc(result.contact))}: it will not go out."]

    return reply(build)


def renamed_reply(rename: Rename) -> Reply:
    def build(f: Fmt) -> list[str]:
        return [
            f"Renamed {f.b(f.esc(rename.old_name))} to {f.b(f.esc(rename.new_name))}. "
            "/sms history shows the old name."
        ]

    return reply(build)
