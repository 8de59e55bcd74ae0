"""The sourced revocation corpus (issue 10): safety thresholds over all of it, and each
phrase rule on its own examples and counter-examples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from consent.corpus_report import Labelled, format_report, load, score
from consent.keywords import Intent, classify, explain
from consent.phrases import RULES, Rule

CORPUS = Path(__file__).with_name("revocation_corpus.jsonl")
CASES = load(CORPUS.read_text(encoding="utf-8").splitlines())
RESULT = score(CASES)


def shown(rows: list[tuple[Labelled, object]]) -> str:
    return "\n".join(f"{case.text!r} -> {decision}" for case, decision in rows)


def test_the_corpus_is_large_sourced_and_bilingual() -> None:
    assert len(CASES) >= 600
    assert {case.expected for case in CASES} == set(Intent)
    assert {case.lang for case in CASES} >= {"en", "es", "fr"}
    assert sum(case.lang == "es" for case in CASES) >= 100
    assert all(case.source for case in CASES)
    assert len({(case.text, case.opted_out) for case in CASES}) == len(CASES)


def test_no_ordinary_message_in_the_corpus_is_opted_out() -> None:
    assert RESULT.ordinary_opted_out == [], shown(RESULT.ordinary_opted_out)


def test_no_clear_revocation_in_the_corpus_gets_nothing() -> None:
    assert RESULT.revocations_missed == [], shown(RESULT.revocations_missed)


def test_nine_in_ten_clear_revocations_are_opted_out_without_staff() -> None:
    assert RESULT.revocations_automatic >= 0.9, format_report(RESULT)


def test_the_hard_negatives_named_in_the_issue_are_not_opted_out() -> None:
    for text in (
        "can't stop smiling!",
        "no me manden más cobros",
        "no me manden más facturas",
        "no me manden más paquetes",
        "no me manden más productos",
        "quiero dar de baja el servicio de internet",
        "You charged me twice",
    ):
        assert classify(text) is not Intent.OPT_OUT, text


def test_the_corpus_agrees_with_its_labels_nearly_everywhere() -> None:
    assert RESULT.agreement >= 0.95, format_report(RESULT)


def test_the_report_command_prints_figures_and_disagreements() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "consent.keywords", "--report", str(CORPUS)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "precision" in run.stdout and "recall" in run.stdout
    assert "ordinary messages opted out: 0" in run.stdout
    assert f"corpus: {len(CASES)} messages" in run.stdout
    assert "disagreements (" in run.stdout


# ------------------------------------------------------------------ each rule on its own


def rule_cases(field: str) -> list[tuple[Rule, str]]:
    return [(rule, text) for rule in RULES for text in getattr(rule, field)]


def test_every_rule_has_examples_and_counter_examples() -> None:
    for rule in RULES:
        assert rule.examples and rule.counter_examples, rule.name
    assert len({rule.name for rule in RULES}) == len(RULES)


@pytest.mark.parametrize(
    ("rule", "text"), rule_cases("examples"), ids=lambda v: v.name if isinstance(v, Rule) else v
)
def test_a_rule_decides_each_of_its_examples(rule: Rule, text: str) -> None:
    decision = explain(text)
    assert (decision.rule, decision.intent) == (rule.name, rule.intent), decision
    assert decision.words, decision


@pytest.mark.parametrize(
    ("rule", "text"),
    rule_cases("counter_examples"),
    ids=lambda v: v.name if isinstance(v, Rule) else v,
)
def test_a_rule_never_decides_its_counter_examples(rule: Rule, text: str) -> None:
    decision = explain(text)
    assert not (decision.rule == rule.name and decision.intent == rule.intent), decision


def test_a_decision_names_the_words_that_triggered_it() -> None:
    decision = explain("Hi, please stop all these f***ing texts. Thanks")
    assert decision.intent is Intent.OPT_OUT
    assert "stop all these f***ing texts" in decision.words
    flagged = explain("I need to cancel my appointment")
    assert flagged.intent is Intent.MAYBE_OPT_OUT and flagged.words == "cancel"
    assert explain("STOP").rule == "keyword"


def test_a_wrong_number_reply_opts_out_and_says_so() -> None:
    for text in ("wrong number", "You have the wrong person", "I'm not Maria", "número equivocado"):
        decision = explain(text)
        assert decision.intent is Intent.OPT_OUT and decision.wrong_number, text


# A reply typed in capitals has no capital letter to mark a name: the words after "I'M NOT"
# must not be an ordinary word (or an -ING / -ED form) to read as one.
NAMES_IN_CAPITALS = ("I'M NOT MARIA", "SORRY, I AM NOT JOHN", "IM NOT KEVIN", "NO SOY CARLOS")
ORDINARY_IN_CAPITALS = (
    "I'M NOT SURE",
    "I'M NOT HOME",
    "I'M NOT HUNGRY",
    "I'M NOT KIDDING",
    "I'M NOT CONVINCED",
    "I AM NOT READY",
    "NO SOY CLIENTE",
    "I'M NOT SURE YET, CAN I CALL YOU?",
)


@pytest.mark.parametrize("text", NAMES_IN_CAPITALS)
def test_a_wrong_number_reply_in_capitals_opts_out_and_says_so(text: str) -> None:
    decision = explain(text)
    assert decision.intent is Intent.OPT_OUT and decision.wrong_number, decision


@pytest.mark.parametrize("text", ORDINARY_IN_CAPITALS)
def test_an_ordinary_message_in_capitals_is_not_read_as_a_name(text: str) -> None:
    assert explain(text).intent is Intent.NONE, explain(text)
