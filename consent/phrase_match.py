"""Apply the phrase rules to a message's clauses, and the cues that put a match in doubt.

A match is only doubted (staff decide) after "if"/"when"/a question word, before a time
limit ("don't text me before 9"), among laughter, or as an echoed question; a negated
opt-out word ("can't stop smiling") and any other opt-out word are only flagged.
consent/keywords.py decides what the matches mean.
"""

from __future__ import annotations

import re

from consent.phrases import KEEP_TEXTING, RULES, Rule
from consent.reading import Clause

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


def delighted(words: str, normalized: str) -> bool:
    """Compliments or laughter around a bare "stop": "Stop! These are gorgeous 😍"."""
    return bool(_DELIGHT.search(words)) or not _DELIGHT_EMOJI.isdisjoint(normalized)


def negated(words: str) -> str | None:
    """The negated opt-out word of a clause ("can't stop"), if any."""
    found = _NEGATED.search(words)
    return found.group(0) if found else None


def opt_out_word(words: str) -> str | None:
    """The first opt-out word left in the words, if any."""
    found = _TRIGGER.search(words)
    return found.group(0) if found else None


def keeps_texting(words: str) -> bool:
    """Does the message ask to keep texting ("stop calling, text me instead")?"""
    return bool(_KEEP_TEXTING.search(words))


def matches(clause: Clause, delighted: bool) -> list[tuple[Rule, str, bool]]:
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
