"""Two ways to write the same answer: Slack mrkdwn (escaped) and plain text (the CLI).

Everything a user typed or a client texted goes through `Fmt.esc`: in mrkdwn that turns
`&`, `<`, `>` into entities (so no `<!channel>`, `<@U...>` or link can form) and breaks
`@channel`-style words; in plain text it drops control characters. Pure: no Slack imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_BROADCAST_WORD = re.compile(r"(?<![\w.])@(channel|here|everyone)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SECTION_LIMIT = 3000
PLAIN_TEXT_LIMIT = 75


def escape_mrkdwn(text: str) -> str:
    """Text safe to put in mrkdwn: entities for & < >, broadcast words defused."""
    text = _CONTROL.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST_WORD.sub(lambda m: "@\u2060" + m.group(1), text)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    text = " ".join(_CONTROL.sub("", text).split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


@dataclass(frozen=True)
class Fmt:
    """Formatting for one output: `esc` for anything typed by people, the rest for our words."""

    mrkdwn: bool

    def esc(self, text: str) -> str:
        return escape_mrkdwn(text) if self.mrkdwn else _CONTROL.sub("", text)

    def b(self, text: str) -> str:
        """Bold; `text` is already escaped."""
        return f"*{text}*" if self.mrkdwn and text else text

    def i(self, text: str) -> str:
        return f"_{text}_" if self.mrkdwn and text else text

    def quote(self, text: str) -> str:
        """A quoted body (escaped here), one `>` per line in mrkdwn."""
        body = self.esc(text)
        if not self.mrkdwn:
            return "\n".join(f"  | {line}" for line in body.splitlines() or [""])
        return "\n".join(f">{line}" for line in body.splitlines() or [""])

    def when(self, at: datetime | None) -> str:
        """A time: Slack shows it in the reader's zone; plain text in UTC."""
        if at is None:
            return "—"
        utc = at.astimezone(UTC)
        fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
        if not self.mrkdwn:
            return fallback
        return f"<!date^{int(utc.timestamp())}^{{date_num}} {{time}}|{fallback}>"

    def actor(self, actor: str | None) -> str:
        """Who did it: a Slack user shows as a mention, anything else escaped."""
        if not actor:
            return "—"
        if self.mrkdwn and _USER_ID.match(actor):
            return f"<@{actor}>"
        return self.esc(actor)


PLAIN = Fmt(mrkdwn=False)
MRKDWN = Fmt(mrkdwn=True)


@dataclass(frozen=True)
class Reply:
    """One answer in both forms: plain text for the terminal; mrkdwn text + blocks for Slack."""

    plain: str
    text: str
    blocks: list[dict[str, Any]]
    ok: bool = True  # False for refusals and errors (the CLI exits non-zero)


def sections(paragraphs: list[str]) -> list[dict[str, Any]]:
    """Section blocks holding the paragraphs, none over Slack's 3000 characters."""
    blocks: list[dict[str, Any]] = []
    current = ""
    for para in paragraphs:
        for piece in _split(para):
            if current and len(current) + 2 + len(piece) > SECTION_LIMIT:
                blocks.append(section(current))
                current = ""
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        blocks.append(section(current))
    return blocks[:49]


def _split(para: str) -> list[str]:
    out: list[str] = []
    while len(para) > SECTION_LIMIT:
        cut = para.rfind("\n", 0, SECTION_LIMIT)
        cut = cut if cut > 0 else SECTION_LIMIT
        out.append(para[:cut])
        para = para[cut:].lstrip("\n")
    return [*out, para] if para else out


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def plain(text: str, limit: int = PLAIN_TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def reply(build: Callable[[Fmt], list[str]], *, ok: bool = True) -> Reply:
    """Run `build(fmt) -> list[str]` for both formats and wrap the results."""
    plain_lines: list[str] = build(PLAIN)
    mrkdwn_lines: list[str] = build(MRKDWN)
    text = "\n\n".join(mrkdwn_lines)
    fallback = text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…"
    return Reply("\n\n".join(plain_lines), fallback, sections(mrkdwn_lines), ok)
