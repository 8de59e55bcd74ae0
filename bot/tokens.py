"""Split `/sms` command text into tokens, the way Slack sends it and people type it.

Slack escapes `&`, `<` and `>` typed by the user as `&amp;`, `&lt;` and `&gt;`; a real
`<` only ever opens one of Slack's own entities (`<#C123|name>`, `<@U123>`,
`<mailto:a@b.c|a@b.c>`, `<tel:...|...>`, `<https://...|...>`, `<!here>`). So entities are
read first, from the raw text, and the user's escaping is undone around them. Names with
spaces go in double quotes; Slack's curly quotes count too. Pure: no Slack imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Each opening quote and what may close it: Slack clients turn " into “ ” as you type,
# and some keyboards type „ or « »; a straight quote closes only a straight one.
QUOTES = {'"': '"', "“": '”“"', "”": '”"', "„": '“”"', "«": "»"}
_ENTITY = re.compile(r"<([^<>]*)>")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class TokenError(ValueError):
    """Text that can't be split into tokens (an unclosed quote)."""


class Kind(StrEnum):
    WORD = "word"
    QUOTED = "quoted"
    CHANNEL = "channel"  # value: the channel id
    USER = "user"  # value: the user id


@dataclass(frozen=True)
class Token:
    text: str  # what the token says, unescaped, quotes removed
    kind: Kind
    start: int  # span in the cleaned text (quotes included)
    end: int
    value: str = ""  # channel or user id

    @property
    def is_flag(self) -> bool:
        return self.kind is Kind.WORD and self.text.startswith("--") and len(self.text) > 2


def unescape(text: str) -> str:
    """Undo Slack's escaping of what the user typed (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def entity_text(inner: str) -> tuple[str, Kind, str]:
    """What one Slack entity (the part between < and >) reads as, its kind and its id."""
    target, _, label = inner.partition("|")
    target, label = unescape(target), unescape(label)
    if target.startswith("#"):
        channel = target[1:]
        return f"#{label or channel}", Kind.CHANNEL, channel
    if target.startswith("@"):
        return f"@{label.lstrip('@') or target[1:]}", Kind.USER, target[1:]
    if target.startswith("!date"):
        return label, Kind.WORD, ""  # <!date^...|fallback>: the fallback words
    if target.startswith("!"):
        # <!here>, <!channel>, <!subteam^S1|@team>: their words, never a live mention
        name = label or target[1:].split("^", 1)[0]
        return (name if name.startswith("@") else f"@{name}"), Kind.WORD, ""
    if target.startswith(("mailto:", "tel:")):
        return label or target.split(":", 1)[1], Kind.WORD, ""
    return label or target, Kind.WORD, ""


def pieces(raw: str) -> list[tuple[str, Kind, str, bool]]:
    """The text as (text, kind, id, is_entity) pieces; plain runs are unescaped."""
    pieces: list[tuple[str, Kind, str, bool]] = []
    pos = 0
    for match in _ENTITY.finditer(raw):
        if match.start() > pos:
            pieces.append((unescape(raw[pos : match.start()]), Kind.WORD, "", False))
        pieces.append((*entity_text(match.group(1)), True))
        pos = match.end()
    if pos < len(raw):
        pieces.append((unescape(raw[pos:]), Kind.WORD, "", False))
    return pieces


class _Builder:
    def __init__(self) -> None:
        self.clean: list[str] = []
        self.size = 0
        self.tokens: list[Token] = []
        self.current: list[str] = []
        self.start = -1
        self.quoted = False
        self.entity: tuple[Kind, str] | None = None
        self.entity_only = True

    def emit(self, text: str) -> None:
        self.clean.append(text)
        self.size += len(text)

    def begin(self, at: int) -> None:
        if self.start < 0:
            self.start, self.entity_only, self.entity = at, True, None

    def add(self, text: str, at: int, entity: tuple[Kind, str] | None = None) -> None:
        self.begin(at)
        if entity is None or self.current or self.entity is not None:
            self.entity_only = False
        self.entity = entity if entity is not None else self.entity
        self.current.append(text)

    def end(self) -> None:
        if self.start < 0:
            return
        text = "".join(self.current)
        kind, value = Kind.QUOTED if self.quoted else Kind.WORD, ""
        if self.entity is not None and self.entity_only and not self.quoted:
            kind, value = self.entity
        self.tokens.append(Token(text, kind, self.start, self.size, value))
        self.current, self.start, self.quoted, self.entity = [], -1, False, None


def tokenize(raw: str) -> tuple[str, list[Token]]:
    """The cleaned text (entities read, escaping undone) and its tokens."""
    b = _Builder()
    closers = ""
    for text, kind, ident, is_entity in pieces(raw):
        if is_entity:
            b.add(text, b.size, (kind, ident) if kind is not Kind.WORD else None)
            b.emit(text)
            continue
        for ch in text:
            if closers and ch in closers:
                closers = ""
                b.emit(ch)
                b.end()
            elif not closers and ch in QUOTES and b.start < 0:
                closers, b.quoted = QUOTES[ch], True
                b.begin(b.size)
                b.emit(ch)
            elif not closers and ch.isspace():
                b.end()
                b.emit(ch)
            else:
                b.add(ch, b.size)
                b.emit(ch)
    if closers:
        raise TokenError("A quote is not closed: put names with spaces in double quotes.")
    b.end()
    return "".join(b.clean), b.tokens


def is_channel_id(text: str) -> bool:
    return bool(_CHANNEL_ID.match(text))
