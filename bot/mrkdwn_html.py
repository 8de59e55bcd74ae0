"""Slack mrkdwn as HTML, for the local desk. Pure.

mrkdwn text arrives with people's `&`, `<`, `>` already as entities
(bot/fmt.escape_mrkdwn), so a literal `<` can only open one of our own tokens (a date,
a mention, a link); entities are undone and every piece is escaped again for HTML.
Styles (`*bold*`, `_italic_`, `~strike~`, `code`), `>` quotes, bare links and emoji
names are drawn as Slack draws them.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

# Slack's emoji names as symbols every system font has (no emoji font needed offline),
# each with a class that colours it.
EMOJI = {
    "speech_balloon": ("✉", "text"),
    "white_check_mark": ("✓", "ok"),
    "no_entry": ("⊘", "bad"),
    "no_entry_sign": ("⊘", "bad"),
    "grey_question": ("?", "muted"),
    "triangular_flag_on_post": ("⚑", "warn"),
    "warning": ("⚠", "warn"),
    "x": ("✗", "bad"),
    "bust_in_silhouette": ("●", "muted"),
    "memo": ("✎", "text"),
    "reply": ("↩", "text"),
}
_TOKEN = re.compile(r"<([^<>\n]*)>")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")
SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


_BARE_URL = re.compile(r"https?://[^\s<>\"'|]+[^\s<>\"'|.,;:!?)]")


def _styled(text: str) -> str:
    """Text with bare links made links, as Slack does; the rest `_plain_styled`."""
    raw = html.unescape(text)
    parts, last = [], 0
    for m in _BARE_URL.finditer(raw):
        parts.append(_plain_styled(raw[last : m.start()]))
        url = escape(m.group(0))
        parts.append(f'<a href="{url}" rel="noopener noreferrer" target="_blank">{url}</a>')
        last = m.end()
    parts.append(_plain_styled(raw[last:]))
    return "".join(parts)


def _plain_styled(raw: str) -> str:
    """Plain text (entities already undone) as HTML with Slack's inline styles and emoji."""
    out = str(escape(raw))
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    return emoji(out)


def emoji(escaped: str) -> str:
    def symbol(m: re.Match[str]) -> str:
        found = EMOJI.get(m.group(1))
        if found is None:
            return m.group(0)
        return f'<span class="emoji {found[1]}" title="{m.group(1)}">{found[0]}</span>'

    return _EMOJI.sub(symbol, escaped)


def _token(inner: str) -> str:
    """One `<...>` token: a date, a mention, a link (its label shown), or our own text."""
    if inner.startswith("!date^"):
        stamp, _, fallback = inner.partition("|")
        seconds = stamp.split("^")[1] if stamp.count("^") >= 1 else ""
        if seconds.isdigit():
            at = datetime.fromtimestamp(int(seconds), UTC)
            label = at.strftime("%Y-%m-%d %H:%M UTC")
            return f'<time datetime="{at.isoformat()}">{escape(label)}</time>'
        return str(escape(html.unescape(fallback)))
    if inner.startswith("@"):
        return f'<span class="mention">@{escape(inner[1:].partition("|")[0])}</span>'
    if inner.startswith(("!", "#")):
        return str(escape(html.unescape(inner.partition("|")[2] or inner)))
    url, _, label = inner.partition("|")
    url = html.unescape(url)
    if SAFE_URL.match(url):
        text = _styled(label) if label else str(escape(url))
        return f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">{text}</a>'
    return _styled("<" + inner + ">")


def _line(line: str) -> str:
    parts, last = [], 0
    for m in _TOKEN.finditer(line):
        parts.append(_styled(line[last : m.start()]))
        parts.append(_token(m.group(1)))
        last = m.end()
    parts.append(_styled(line[last:]))
    return "".join(parts)


def mrkdwn(text: str) -> Markup:
    """Slack mrkdwn as HTML: styles, links, dates, and `>` quotes as blockquotes."""
    out: list[str] = []
    quote: list[str] = []
    for raw in text.split("\n"):
        if raw.startswith(">"):
            quote.append(_line(raw[1:]))
            continue
        if quote:
            out.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
            quote = []
        out.append(_line(raw) + "<br>")
    if quote:
        out.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
    joined = "".join(out)
    return Markup(joined.removesuffix("<br>"))  # noqa: S704 - every piece was escaped above
