"""Classify an inbound text as opt-out, opt-in, help, maybe opt-out, or nothing, and say why.

After SPEC §1 and the FCC "reasonable means" revocation rule (April 2025), in order:
1. Whole-message keywords first (one set lookup: the hot STOP path): Twilio's list plus
   OPT OUT / OPT-OUT and REMOVE, ARRET (French), the Spanish words, and AYUDA for help;
   case, surrounding spaces, quotes, trailing punctuation and emoji are ignored
   (consent/reading.py).
2. Longer messages: the phrase rules of consent/phrases/ (data: each rule with its examples
   and counter-examples), matched clause by clause (consent/phrase_match.py). A wrong-number
   reply opts out and says so; a revocation must be about the texts ("no me manden más
   facturas" is about bills). A match is only doubted (MAYBE_OPT_OUT, staff decide) after
   "if"/"when"/a question word, before a time limit ("don't text me before 9"), among
   laughter, or as an echoed question.
3. A negated opt-out word ("can't stop smiling", "don't cancel") is MAYBE_OPT_OUT, and so is
   any other opt-out word; everything else is NONE.

`explain` returns a Decision naming the rule and the words that decided it (shown to staff
in Slack); `classify` returns its intent. `python -m consent.keywords --report [path]`
scores the sourced corpus (tests/consent/revocation_corpus.jsonl; consent/corpus_report.py).
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from consent import phrase_match
from consent.language import Language
from consent.phrases import HOSTILE_EMOJI, RULES, Means
from consent.reading import clauses, fold_accents, without_symbols
from consent.reading import normalize as normalize  # callers read it from here


class Intent(enum.StrEnum):
    """What an inbound text asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    MAYBE_OPT_OUT = "maybe_opt_out"
    NONE = "none"


# What Twilio's own handling matches (the whole body, any case): its default opt-out
# keywords (REVOKE and OPTOUT since May 2025) and help keywords.
TWILIO_OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
)
TWILIO_HELP_KEYWORDS = frozenset({"help", "info"})
OPT_OUT_KEYWORDS = TWILIO_OPT_OUT_KEYWORDS | frozenset(
    {"remove"} | {"opt out", "opt-out"}  # the FCC's per-se "opt out", spelled both ways
)
OPT_IN_KEYWORDS = frozenset({"start", "unstop"})
OPT_IN_WHEN_OPTED_OUT_KEYWORDS = frozenset({"yes"})  # YES means nothing to a subscribed number
HELP_KEYWORDS = TWILIO_HELP_KEYWORDS | frozenset({"ayuda"})
SPANISH_OPT_OUT_KEYWORDS = frozenset(
    {"alto", "baja", "parar", "pare", "detener", "cancelar", "dame de baja", "darme de baja"}
)
SPANISH_KEYWORDS = SPANISH_OPT_OUT_KEYWORDS | frozenset({"ayuda"})
FRENCH_OPT_OUT_KEYWORDS = frozenset({"arret"})  # ARRÊT; Canadian carriers require it
_OTHER_OPT_OUT_KEYWORDS = SPANISH_OPT_OUT_KEYWORDS | FRENCH_OPT_OUT_KEYWORDS
# The opt-out keywords Twilio answers only once added to its custom keywords (`optdesk
# keywords` lists them); Twilio's keywords are single words, so "opt out" and "dame de baja"
# stay the app's to confirm.
TWILIO_CUSTOM_OPT_OUT_KEYWORDS = tuple(
    sorted(
        word
        for word in OPT_OUT_KEYWORDS | _OTHER_OPT_OUT_KEYWORDS
        if word.isalpha() and word not in TWILIO_OPT_OUT_KEYWORDS
    )
)
_INTENT_OF = {
    Means.REVOCATION: Intent.OPT_OUT,
    Means.WRONG_NUMBER: Intent.OPT_OUT,
    Means.FLAG: Intent.MAYBE_OPT_OUT,
    Means.ASIDE: Intent.NONE,
}


@dataclass(frozen=True)
class Decision:
    """What a text asks for, the rule that decided it and the words that triggered it."""

    intent: Intent
    rule: str  # "keyword", a rule's name (+ ", doubted"), "negated", "opt-out word", ""
    words: str = ""  # as the rule read them (casefolded, accents removed)
    why: str = ""

    @property
    def wrong_number(self) -> bool:
        return self.rule in _WRONG_NUMBER_RULES


_WRONG_NUMBER_RULES = frozenset(r.name for r in RULES if r.means is Means.WRONG_NUMBER)


def _keyword(core: str, opted_out: bool) -> Intent | None:
    if core in OPT_OUT_KEYWORDS:  # the common case first: one set lookup
        return Intent.OPT_OUT
    if core in OPT_IN_KEYWORDS:
        return Intent.OPT_IN
    if core in OPT_IN_WHEN_OPTED_OUT_KEYWORDS:
        return Intent.OPT_IN if opted_out else Intent.NONE
    if core in HELP_KEYWORDS:
        return Intent.HELP
    if len(core) <= 12 and fold_accents(core) in _OTHER_OPT_OUT_KEYWORDS:
        return Intent.OPT_OUT
    return None


@functools.lru_cache(maxsize=256)
def _keyword_decision(intent: Intent, core: str) -> Decision:
    return Decision(intent, "keyword", core)


def explain(text: str, *, opted_out: bool = False) -> Decision:
    """What an inbound text asks for, and why; `opted_out`: is its number opted out now."""
    normalized = normalize(text)
    core = without_symbols(normalized)
    keyword = _keyword(core, opted_out)  # the hot path: one set lookup for a bare keyword
    with_emoji = keyword is Intent.OPT_OUT and core != normalized
    if with_emoji and phrase_match.delighted(core, normalized):
        return Decision(Intent.MAYBE_OPT_OUT, "keyword among laughter", core)
    if keyword is not None:
        return _keyword_decision(keyword, core)
    if not core:
        emoji = "".join(ch for ch in normalized if ch in HOSTILE_EMOJI)
        if emoji:
            return Decision(Intent.MAYBE_OPT_OUT, "hostile emoji", emoji)
        return Decision(Intent.NONE, "")
    parts = clauses(text)
    for clause in parts:
        negated = phrase_match.negated(clause.words)
        if negated:
            return Decision(Intent.MAYBE_OPT_OUT, "negated", negated)
    rest = " ".join(c.words for c in parts)
    delighted = phrase_match.delighted(rest, normalized)
    keep_texting = phrase_match.keeps_texting(rest)
    found = [hit for clause in parts for hit in phrase_match.matches(clause, delighted)]
    for means in (Means.WRONG_NUMBER, Means.REVOCATION, Means.FLAG):
        for rule, words, doubted in found:
            if rule.means is means and not doubted and not keep_texting:
                return Decision(_INTENT_OF[means], rule.name, words, rule.why)
    for rule, words, doubted in found:
        if (doubted or keep_texting) and rule.means is not Means.ASIDE:
            return Decision(Intent.MAYBE_OPT_OUT, f"{rule.name}, doubted", words, rule.why)
    for rule, words, _ in found:
        rest = rest.replace(words, " ") if rule.means is Means.ASIDE else rest
    trigger = phrase_match.opt_out_word(rest)
    if trigger:
        return Decision(Intent.MAYBE_OPT_OUT, "opt-out word", trigger)
    for rule, words, _ in found:
        if rule.means is Means.ASIDE:
            return Decision(Intent.NONE, rule.name, words, rule.why)
    return Decision(Intent.NONE, "")


def language_of(decision: Decision) -> Language:
    """The language a text was written in, as far as the words that decided it tell: a
    Spanish keyword (AYUDA, PARAR...) or a Spanish revocation is Spanish, the rest English.
    A number never seen before is answered in it (SPEC §1)."""
    words = fold_accents(without_symbols(decision.words))
    if words in SPANISH_KEYWORDS or decision.rule.startswith("Spanish"):
        return Language.ES
    return Language.EN


def classify(text: str, *, opted_out: bool = False) -> Intent:
    """What an inbound text asks for; `opted_out` says whether its number is opted out now."""
    return explain(text, opted_out=opted_out).intent


if __name__ == "__main__":  # python -m consent.keywords --report [corpus.jsonl]
    import sys

    from consent.corpus_report import main

    sys.exit(main(sys.argv[1:], "tests/consent/revocation_corpus.jsonl"))
