"""Classify an inbound text as opt-out, opt-in, help, maybe opt-out, or nothing, and say why.

After SPEC §1 and the FCC "reasonable means" revocation rule (April 2025), in order:
1. Whole-message keywords first (one set lookup: the hot STOP path): Twilio's list plus
   OPT OUT / OPT-OUT and REMOVE, ARRET (French), the Spanish words, and AYUDA for help;
   case, surrounding spaces, quotes, trailing punctuation and emoji are ignored.
2. Longer messages: the phrase rules of consent/phrases.py (data: each rule with its examples
   and counter-examples), matched clause by clause. A wrong-number reply opts out and says
   so; a revocation must be about the texts ("no me manden más facturas" is about bills).
   A match is only doubted (MAYBE_OPT_OUT, staff decide) after "if"/"when"/a question word,
   before a time limit ("don't text me before 9"), among laughter, or as an echoed question.
3. A negated opt-out word ("can't stop smiling", "don't cancel") is MAYBE_OPT_OUT, and so is
   any other opt-out word; everything else is NONE.

`explain` returns a Decision naming the rule and the words that decided it (shown to staff
in Slack); `classify` returns its intent. `python -m consent.keywords --report [path]`
scores the sourced corpus (tests/consent/revocation_corpus.jsonl).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from dataclasses import dataclass

from consent.phrases import HOSTILE_EMOJI, KEEP_TEXTING, RULES, Means, Rule


class Intent(enum.StrEnum):
    """What an inbound text asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    MAYBE_OPT_OUT = "maybe_opt_out"
    NONE = "none"


OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "remove"}
    | {"opt out", "opt-out"}  # the FCC's per-se "opt out", spelled both ways
)
OPT_IN_KEYWORDS = frozenset({"start", "unstop"})
OPT_IN_WHEN_OPTED_OUT_KEYWORDS = frozenset({"yes"})  # YES means nothing to a subscribed number
HELP_KEYWORDS = frozenset({"help", "info", "ayuda"})
SPANISH_OPT_OUT_KEYWORDS = frozenset(
    {"alto", "baja", "parar", "pare", "detener", "cancelar", "dame de baja", "darme de baja"}
)
FRENCH_OPT_OUT_KEYWORDS = frozenset({"arret"})  # ARRÊT; Canadian carriers require it
_OTHER_OPT_OUT_KEYWORDS = SPANISH_OPT_OUT_KEYWORDS | FRENCH_OPT_OUT_KEYWORDS

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "ʼ": "'", "`": "'"} | dict.fromkeys("“”„«»", '"')
)
_LEADING_JUNK = frozenset("\"'¡¿")
_DELIGHT_EMOJI = frozenset("😍🥰😭🤩😂🤣🥹❤💕💖😊🙌")

# Opt-out words: any other mention makes a message MAYBE_OPT_OUT (staff decide).
_TRIGGER = re.compile(
    r"\b(?:(?!stoop\b)sto+p+|stopall|unsubscribe|unsubscribing|unsub|cancel|end|quit|revoke"
    r"|opt ?out|opting out|remove|removed|wrong number|(?:not|no longer) interested|spam"
    r"|arret|alto|baja|parar|pare|detener|cancelar)\b"
)
# A negated opt-out word ("can't stop smiling", "I don't want you to stop") is never OPT_OUT.
_NEGATED = re.compile(
    r"\b(?:don'?t|dont|do not|never|not|can'?t|cannot|won'?t|shouldn'?t|didn'?t|doesn'?t"
    r"|wouldn'?t|isn'?t|no need to)(?: (?:want|wanna|need|you|u|to|ever|please|really|just|i"
    r"|wish|gonna|going|mean|be|have|it|ya)){0,4} (?:sto+p+|stopall|cancel|unsubscribe"
    r"|unsubscribed|unsub|quit|end|opt ?out|remove|removed|revoke)\b"
)
# A phrase is only "near" (flagged, not acted on) after a question word, "if", "when"...
_NOT_A_REQUEST_BEFORE = re.compile(
    r"\b(?:did|didn't|does|doesn't|do (?:i|we)|will(?! you| u)|why|if|when|whether|glad|hope"
    r"|before|after|until|unless)(?: [\w']+){0,3} ?$"
)
# ... or when a time limits it ("don't text me before 9", "no more texts after 8pm").
_TIME_LIMIT_AFTER = re.compile(
    r"\b(?:before|after|until|till|til|so early|so late|this early|this late|at night|during"
    r"|in the morning|on (?:weekends?|sundays?|saturdays?)|today|tonight|this week"
    r"|(?:at|by|past) \d+|\d+ ?(?:am|pm))\b"
)
_DELIGHT = re.compile(
    r"\b(?:love|loving|loved|amazing|gorgeous|beautiful|stunning|obsessed|perfect|incredible"
    r"|omg|wow|cute|adorable|crying|dying|lol|lmao|ha(?:ha)+|awesome|too kind|so kind|sweet"
    r"|blush\w*|flatter\w*|the best|made my day|making me cry)\b"
)
_KEEP_TEXTING = re.compile(KEEP_TEXTING)
_COMPILED = tuple((rule, re.compile(rule.pattern)) for rule in RULES)
_NOT_AFTER = {rule.name: re.compile(rule.not_after) for rule in RULES if rule.not_after}
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


def _without_symbols(text: str) -> str:
    """Emoji and other symbols removed, then normalized again: "stop 🛑" -> "stop"."""
    kept = (
        " " if unicodedata.category(ch) in {"So", "Sk", "Cf", "Co", "Cs", "Cn", "Me", "Mn"} else ch
        for ch in text
    )
    return normalize("".join(kept))


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Clause:
    words: str  # casefolded
    cased: str  # the same words, capitals kept
    question: bool


def _clauses(text: str) -> list[_Clause]:
    """Accent-free clauses of plain words: "Wrong #, STOP!" -> ["wrong #", "stop"]."""
    folded = _fold_accents(" ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()))
    out = []
    for piece in re.finditer(r"[^.!?;,:\n…]+([.!?;,:\n…]*)", folded):
        raw = piece.group(0)[: len(piece.group(0)) - len(piece.group(1))]
        cased = " ".join(re.sub(r"[^\w'*#=]|_", " ", raw).split()).strip("' ")
        if cased:
            out.append(_Clause(cased.casefold(), cased, "?" in piece.group(1)))
    return out


def _delighted(words: str, normalized: str) -> bool:
    """Compliments or laughter around a bare "stop": "Stop! These are gorgeous 😍"."""
    return bool(_DELIGHT.search(words)) or not _DELIGHT_EMOJI.isdisjoint(normalized)


def _keyword(core: str, opted_out: bool) -> Intent | None:
    if core in OPT_OUT_KEYWORDS:  # the common case first: one set lookup
        return Intent.OPT_OUT
    if core in OPT_IN_KEYWORDS:
        return Intent.OPT_IN
    if core in OPT_IN_WHEN_OPTED_OUT_KEYWORDS:
        return Intent.OPT_IN if opted_out else Intent.NONE
    if core in HELP_KEYWORDS:
        return Intent.HELP
    if len(core) <= 12 and _fold_accents(core) in _OTHER_OPT_OUT_KEYWORDS:
        return Intent.OPT_OUT
    return None


@functools.lru_cache(maxsize=256)
def _keyword_decision(intent: Intent, core: str) -> Decision:
    return Decision(intent, "keyword", core)


def _matches(clause: _Clause, delighted: bool) -> list[tuple[Rule, str, bool]]:
    """Each rule that matches the clause, its words, and whether they are doubted."""
    found = []
    for rule, pattern in _COMPILED:
        text = clause.cased if rule.cased else clause.words
        for match in pattern.finditer(text):
            before, after = text[: match.start()], text[match.end() :]
            doubted = bool(
                _NOT_A_REQUEST_BEFORE.search(before.casefold())
                or _TIME_LIMIT_AFTER.search(after.casefold())
                or (rule.doubted_as_question and clause.question)
                or (rule.unless_delighted and delighted)
            )
            not_after = _NOT_AFTER.get(rule.name)
            if not_after and not_after.search(before.casefold()):
                continue
            found.append((rule, match.group(0), doubted))
            break
    return found


def explain(text: str, *, opted_out: bool = False) -> Decision:
    """What an inbound text asks for, and why; `opted_out`: is its number opted out now."""
    normalized = normalize(text)
    core = _without_symbols(normalized)
    keyword = _keyword(core, opted_out)  # the hot path: one set lookup for a bare keyword
    if keyword is Intent.OPT_OUT and core != normalized and _delighted(core, normalized):
        return Decision(Intent.MAYBE_OPT_OUT, "keyword among laughter", core)
    if keyword is not None:
        return _keyword_decision(keyword, core)
    if not core:
        emoji = "".join(ch for ch in normalized if ch in HOSTILE_EMOJI)
        if emoji:
            return Decision(Intent.MAYBE_OPT_OUT, "hostile emoji", emoji)
        return Decision(Intent.NONE, "")
    clauses = _clauses(text)
    for clause in clauses:
        negated = _NEGATED.search(clause.words)
        if negated:
            return Decision(Intent.MAYBE_OPT_OUT, "negated", negated.group(0))
    rest = " ".join(c.words for c in clauses)
    delighted = _delighted(rest, normalized)
    keep_texting = _KEEP_TEXTING.search(rest)
    found = [hit for clause in clauses for hit in _matches(clause, delighted)]
    for means in (Means.WRONG_NUMBER, Means.REVOCATION, Means.FLAG):
        for rule, words, doubted in found:
            if rule.means is means and not doubted and not keep_texting:
                return Decision(_INTENT_OF[means], rule.name, words, rule.why)
    for rule, words, doubted in found:
        if (doubted or keep_texting) and rule.means is not Means.ASIDE:
            return Decision(Intent.MAYBE_OPT_OUT, f"{rule.name}, doubted", words, rule.why)
    for rule, words, _ in found:
        rest = rest.replace(words, " ") if rule.means is Means.ASIDE else rest
    trigger = _TRIGGER.search(rest)
    if trigger:
        return Decision(Intent.MAYBE_OPT_OUT, "opt-out word", trigger.group(0))
    for rule, words, _ in found:
        if rule.means is Means.ASIDE:
            return Decision(Intent.NONE, rule.name, words, rule.why)
    return Decision(Intent.NONE, "")


def classify(text: str, *, opted_out: bool = False) -> Intent:
    """What an inbound text asks for; `opted_out` says whether its number is opted out now."""
    return explain(text, opted_out=opted_out).intent


if __name__ == "__main__":  # python -m consent.keywords --report [corpus.jsonl]
    import sys

    from consent.corpus_report import main

    sys.exit(main(sys.argv[1:], "tests/consent/revocation_corpus.jsonl"))
