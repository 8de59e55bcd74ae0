"""How many SMS segments a text takes (3GPP TS 23.038), so each text the app writes can be
held to one segment where it should fit.

A text made only of the GSM-7 alphabet (its basic set, plus the extension table whose
characters take two septets each) goes 160 septets in one segment, 153 per segment when
split. Any other character (á, í, ó, ú, emoji...) sends the whole text as UCS-2: 70 UTF-16
code units in one segment, 67 per segment when split.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True)
class Segments:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int


_LIMITS = {Encoding.GSM7: (160, 153), Encoding.UCS2: (70, 67)}


def encoding_of(text: str) -> Encoding:
    gsm = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    return Encoding.GSM7 if gsm else Encoding.UCS2


def segments(text: str) -> Segments:
    """The encoding a text goes out in, its length in that encoding, and its segments."""
    encoding = encoding_of(text)
    if encoding is Encoding.GSM7:
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    else:
        units = len(text.encode("utf-16-le")) // 2
    single, split = _LIMITS[encoding]
    count = 1 if units <= single else -(-units // split)
    return Segments(encoding, units, count)


def not_gsm7(text: str) -> str:
    """The characters of `text` that force UCS-2 (empty when it goes as GSM-7)."""
    return "".join(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC | GSM7_EXTENSION))
