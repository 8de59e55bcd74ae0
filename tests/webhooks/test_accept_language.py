"""Which page language a browser asks for (Accept-Language, RFC 9110 §12.5.4)."""

from __future__ import annotations

import pytest

from consent.language import Language
from webhooks.accept_language import preferred

EN, ES = Language.EN, Language.ES


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", ES),
        ("en-US,en;q=0.9,es;q=0.8", EN),
        ("fr-CA,fr;q=0.9,es;q=0.5", ES),  # French is not offered: the next one is
        ("en;q=0.4, ES;q=0.8", ES),
        ("es;q=0.5, en;q=0.5", ES),  # a tie goes to the one listed first
        ("es;q=0", EN),  # q=0 means "not this one"
        ("es;q=abc, en", EN),
        ("es;q=2", EN),  # out of range: ignored
        ("*", EN),
        ("fr, de", EN),
        ("", EN),
        (None, EN),
        ("es-419", ES),
        ("x" * 5000 + ",es", EN),  # read only so far
    ],
)
def test_the_preferred_language(header: str | None, expected: Language) -> None:
    assert preferred(header) is expected
