"""Which of the page's languages the browser prefers (`Accept-Language`, RFC 9110 §12.5.4)."""

from __future__ import annotations

from consent.language import Language, language_named

_MAX_HEADER = 500  # a longer header is read only this far
_MAX_RANGES = 30


def preferred(header: str | None, default: Language = Language.EN) -> Language:
    """The supported language with the highest weight ("es-MX,es;q=0.9,en;q=0.8" -> es);
    ties go to the one listed first; `*` or nothing known gives `default`."""
    best: tuple[float, int, Language] | None = None
    for n, item in enumerate((header or "")[:_MAX_HEADER].split(",")[:_MAX_RANGES]):
        tag, _, params = item.partition(";")
        lang = language_named(tag)
        weight = _weight(params)
        if lang is None or weight <= 0:
            continue
        if best is None or (weight, -n) > (best[0], best[1]):
            best = (weight, -n, lang)
    return best[2] if best else default


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0
