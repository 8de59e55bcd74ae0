"""SMS segments (3GPP TS 23.038), and every text the app writes, in both languages, held to
them: the Spanish twin of a text fits in one segment wherever the English one does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from consent import messages
from consent.language import Language
from consent.segments import Encoding, not_gsm7, segments

EN, ES = Language.EN, Language.ES
TEXTS: dict[str, Callable[[str, Language], str]] = {
    "opt-in confirmation": messages.opt_in_confirmation,
    "opt-out confirmation": messages.opt_out_confirmation,
    "re-subscribe confirmation": messages.resubscribe_confirmation,
    "opt-in request": messages.opt_in_request,
    "help answer": lambda b, lang: messages.help_answer(b, "hello@acme.example", lang),
    "help answer without a contact": lambda b, lang: messages.help_answer(b, None, lang),
}


def test_plain_text_is_gsm7_160_in_one_segment_153_a_segment_after() -> None:
    assert segments("a" * 160).count == 1 and segments("a" * 160).units == 160
    assert segments("a" * 161).count == 2
    assert segments("a" * 306).count == 2 and segments("a" * 307).count == 3
    assert segments("a" * 160).encoding is Encoding.GSM7


def test_é_ñ_ü_à_and_the_spanish_marks_are_gsm7_but_á_í_ó_ú_force_ucs2() -> None:
    assert segments("¿Qué tal? ¡Señor! Güero, è ù ì ò à Ñ Ü Ç").encoding is Encoding.GSM7
    for letter in "áíóúÁÍÓÚ":
        assert segments("Hola " + letter).encoding is Encoding.UCS2, letter
    assert not_gsm7("Sí, número y acción") == "íúó"


def test_ucs2_is_70_in_one_segment_67_a_segment_after() -> None:
    assert segments("á" * 70).count == 1 and segments("á" * 71).count == 2
    assert segments("á" * 134).count == 2 and segments("á" * 135).count == 3


def test_an_emoji_counts_two_ucs2_units() -> None:
    assert segments("🌷" * 35).units == 70 and segments("🌷" * 36).count == 2


def test_extension_characters_take_two_septets() -> None:
    assert segments("€" * 80).units == 160 and segments("€" * 80).count == 1
    assert segments("€" * 81).count == 2 and segments("{}[]~|^\\").encoding is Encoding.GSM7


@pytest.mark.parametrize("kind", TEXTS)
def test_every_spanish_text_is_gsm7_and_no_longer_than_its_english_twin(kind: str) -> None:
    """No longer for the same business name, so never more segments, whatever the name."""
    write = TEXTS[kind]
    for business in ("Acme", "Acme Plumbing", "Bloom & <Branch> Florists"):
        english, spanish = segments(write(business, EN)), segments(write(business, ES))
        assert english.encoding is Encoding.GSM7
        assert spanish.encoding is Encoding.GSM7, not_gsm7(write(business, ES))
        assert spanish.units <= english.units, (kind, spanish.units, english.units)


@pytest.mark.parametrize("kind", TEXTS)
def test_every_text_in_both_languages_is_one_segment_for_a_short_business_name(
    kind: str,
) -> None:
    for lang in Language:
        assert segments(TEXTS[kind]("Acme Plumbing", lang)).count == 1, (kind, lang)


def test_the_spanish_texts_differ_from_the_english_ones() -> None:
    for kind, write in TEXTS.items():
        assert write("Acme", ES) != write("Acme", EN), kind
