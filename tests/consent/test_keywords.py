"""Rules for reading an inbound text: keywords, revocations in sentences, and ambiguous ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consent import keywords
from consent.keywords import (
    HELP_KEYWORDS,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    SPANISH_OPT_OUT_KEYWORDS,
    Intent,
    classify,
    normalize,
)

CORPUS = Path(__file__).with_name("keyword_corpus.tsv")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


class Case(NamedTuple):
    expected: Intent
    opted_out: bool
    message: str


def _unescape(field: str) -> str:
    return re.sub(r"\\(.)", lambda match: _ESCAPES[match.group(1)], field)


def load_corpus() -> list[Case]:
    """Lines are `expected<TAB>opted_out(0/1)<TAB>message`; `#` starts a comment line."""
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        expected, opted_out, message = line.split("\t", 2)
        cases.append(Case(Intent(expected), opted_out == "1", _unescape(message)))
    return cases


def case_id(case: Case) -> str:
    shown = case.message or "<empty>"
    return f"{shown} [opted out]" if case.opted_out else shown


CASES = load_corpus()


def test_the_corpus_is_large_and_covers_every_intent() -> None:
    assert len(CASES) >= 170
    assert {case.expected for case in CASES} == set(Intent)


def test_the_corpus_has_every_keyword_as_a_whole_message() -> None:
    whole = {normalize(case.message) for case in CASES}
    assert OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS | {"yes"} <= whole


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_corpus_message_is_classified_as_labelled(case: Case) -> None:
    assert classify(case.message, opted_out=case.opted_out) is case.expected


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        (" Stop. ", "stop"),
        ("STOP!!!", "stop"),
        ("  Opt   Out  ", "opt out"),
        ("“STOP”", "stop"),
        ("'stop'", "stop"),
        ("¡ALTO!", "alto"),
        ("ＳＴＯＰ", "stop"),
        ("Stop…", "stop"),
        ("stop :)", "stop"),
        ("Stop 🛑", "stop 🛑"),
        ("Don’t text me", "don't text me"),
        ("please\nstop\ttexting", "please stop texting"),
        ("\u200bSTOP\u200b", "stop"),
        ("", ""),
        ("?!", ""),
    ],
)
def test_normalize_casefolds_collapses_spaces_and_strips_quotes_and_punctuation(
    text: str, normalized: str
) -> None:
    assert normalize(text) == normalized


def test_the_keyword_sets_hold_normalized_forms() -> None:
    for keyword in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS | SPANISH_OPT_OUT_KEYWORDS:
        assert normalize(keyword) == keyword


def test_yes_opts_in_only_a_number_that_is_opted_out() -> None:
    assert classify("YES", opted_out=True) is Intent.OPT_IN
    assert classify("YES", opted_out=False) is Intent.NONE


def test_a_keyword_opts_out_whatever_the_numbers_status() -> None:
    assert classify("STOP", opted_out=True) is Intent.OPT_OUT
    assert classify("START", opted_out=False) is Intent.OPT_IN


def test_a_negated_stop_is_never_an_opt_out() -> None:
    assert classify("don't stop sending me updates") is Intent.MAYBE_OPT_OUT
    assert classify("Please do not unsubscribe me") is Intent.MAYBE_OPT_OUT


def test_intent_values_are_the_stored_strings() -> None:
    assert [str(intent) for intent in Intent] == [
        "opt_out",
        "opt_in",
        "help",
        "maybe_opt_out",
        "none",
    ]


@given(st.text(max_size=200), st.booleans())
def test_classify_never_raises_on_any_text(text: str, opted_out: bool) -> None:
    assert isinstance(classify(text, opted_out=opted_out), Intent)


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


_PADDING = st.text(alphabet=" \t\n.!?,;:\"'“”‘’…", max_size=6)
_CASINGS = st.sampled_from([str.upper, str.lower, str.title, str.capitalize])


@given(_PADDING, st.sampled_from(sorted(OPT_OUT_KEYWORDS)), _CASINGS, _PADDING, st.booleans())
def test_an_opt_out_keyword_with_any_casing_spaces_or_punctuation_opts_out(
    before: str, keyword: str, casing: Callable[[str], str], after: str, opted_out: bool
) -> None:
    text = before + casing(keyword) + after
    if normalize(text) in OPT_OUT_KEYWORDS:
        assert classify(text, opted_out=opted_out) is Intent.OPT_OUT


@given(st.text(max_size=40), st.booleans())
def test_any_message_normalizing_to_an_opt_out_keyword_opts_out(text: str, opted_out: bool) -> None:
    if normalize(text) in OPT_OUT_KEYWORDS:
        assert classify(text, opted_out=opted_out) is Intent.OPT_OUT


# Twilio's own lists, as its docs give them (docs/reference: Advanced Opt-Out defaults,
# REVOKE and OPTOUT since May 2025); everything else the app must honour itself.
TWILIO_DOCUMENTED_OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
TWILIO_DOCUMENTED_OPT_OUT |= {"revoke", "optout"}


def test_twilio_own_keyword_lists_are_defined_once_among_the_keywords() -> None:
    twilio_opt_out, twilio_help = keywords.TWILIO_OPT_OUT_KEYWORDS, keywords.TWILIO_HELP_KEYWORDS
    assert twilio_opt_out == TWILIO_DOCUMENTED_OPT_OUT
    assert twilio_help == {"help", "info"}
    assert twilio_opt_out < OPT_OUT_KEYWORDS and twilio_help < HELP_KEYWORDS


def test_the_revocation_words_twilio_needs_as_custom_keywords_are_the_spec_list() -> None:
    # SPEC §1: REMOVE, ARRET and the Spanish words; Twilio keywords are single words.
    spec = ["remove", "arret", "alto", "baja", "parar", "pare", "detener", "cancelar"]
    custom = keywords.TWILIO_CUSTOM_OPT_OUT_KEYWORDS
    assert custom == tuple(sorted(spec))
    for word in custom:
        assert classify(word.upper()) is Intent.OPT_OUT, word


@pytest.mark.parametrize("message", ["REMOVE", "remove", "Remove.", "ARRET", "Arrêt", "arrêt!"])
def test_remove_and_the_french_arret_are_opt_out_keywords(message: str) -> None:
    # SPEC §1 lists REMOVE and ARRET (required for Canadian numbers) among the keywords;
    # the consent state machine found ARRET read as nothing at all.
    assert classify(message) is Intent.OPT_OUT
