"""How an inbound text is read before it is classified: as one normalized whole (for the
keywords) and as clauses of plain words (for the phrase rules of consent/phrases/)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "ʼ": "'", "`": "'"} | dict.fromkeys("“”„«»", '"')
)
_LEADING_JUNK = frozenset("\"'¡¿")


def _junk_at_end(ch: str) -> bool:
    """Spaces, punctuation, invisible marks and symbols that are not emoji (or skin tones)."""
    category = unicodedata.category(ch)
    symbol = category in {"Sm", "Sc", "Sk"} and ord(ch) < 0x1F000
    return ch.isspace() or category[0] == "P" or category == "Cf" or symbol


def _junk_at_start(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or ch in _LEADING_JUNK or category in {"Ps", "Pi", "Pf", "Cf"}


def normalize(text: str) -> str:
    """NFKC, casefold, one space between words, no surrounding quotes or trailing punctuation.

    " Stop. " -> "stop", "STOP!!!" -> "stop", "“Opt  Out”" -> "opt out". Emoji are kept.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    folded = " ".join(folded.translate(_QUOTES).split())
    start, end = 0, len(folded)
    while start < end and _junk_at_start(folded[start]):
        start += 1
    while end > start and _junk_at_end(folded[end - 1]):
        end -= 1
    return folded[start:end]


def without_symbols(text: str) -> str:
    """Emoji and other symbols removed, then normalized again: "stop 🛑" -> "stop"."""
    kept = (
        " " if unicodedata.category(ch) in {"So", "Sk", "Cf", "Co", "Cs", "Cn", "Me", "Mn"} else ch
        for ch in text
    )
    return normalize("".join(kept))


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Clause:
    words: str  # casefolded
    cased: str  # the same words, capitals kept
    question: bool


def clauses(text: str) -> list[Clause]:
    """Accent-free clauses of plain words: "Wrong #, STOP!" -> ["wrong #", "stop"]."""
    folded = fold_accents(" ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()))
    out = []
    for piece in re.finditer(r"[^.!?;,:\n…]+([.!?;,:\n…]*)", folded):
        raw = piece.group(0)[: len(piece.group(0)) - len(piece.group(1))]
        cased = " ".join(re.sub(r"[^\w'*#=]|_", " ", raw).split()).strip("' ")
        if cased:
            out.append(Clause(cased.casefold(), cased, "?" in piece.group(1)))
    return out
