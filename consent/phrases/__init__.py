"""The phrase layer as data: each rule is a pattern with what it means, why, and the
messages it must and must not decide. tests/consent/test_revocation_corpus.py checks every
example and counter-example one by one; consent/keywords.py applies the rules.

How the rules read a message: it is cut into clauses at . ! ? ; , : and new lines, each
clause casefolded, accents removed ("número" -> "numero") and reduced to words separated
by single spaces (apostrophes, *, # and = are kept: "f***ing", "wrong #", "stop = quit").
A `cased` rule reads the same clause with its capitals kept (a name: "I'm not Maria").
A pattern matches anywhere in a clause unless it says ^ or $.

Where they live: the shared words in vocabulary.py, wrong-number replies in wrong_number.py,
English revocations and hostile replies in english.py, Spanish and French in
spanish_french.py. Order matters: among matches of the same kind, the earlier rule decides.

To extend: add a word to a vocabulary or a Rule to its module, with at least one example
and one counter-example, and run `make corpus` to see what changed.
"""

from __future__ import annotations

from consent.phrases import english, spanish_french, wrong_number
from consent.phrases.rule import Means, Rule
from consent.phrases.vocabulary import HOSTILE_EMOJI, KEEP_TEXTING

RULES: tuple[Rule, ...] = (
    spanish_french.NOT_ABOUT_THE_TEXTS,
    *wrong_number.RULES,
    *english.REVOCATIONS,
    *spanish_french.REVOCATIONS,
    english.HOSTILE,
)

__all__ = ["HOSTILE_EMOJI", "KEEP_TEXTING", "RULES", "Means", "Rule"]
