"""A phrase rule: a pattern, what a match means, why, and the messages it must and must not
decide (tests/consent/test_revocation_corpus.py checks each one)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Means(enum.Enum):
    REVOCATION = "opt_out"  # opt the number out
    WRONG_NUMBER = "opt_out_wrong_number"  # opt out, and tell staff it was a wrong number
    FLAG = "maybe_opt_out"  # ask staff
    ASIDE = "none"  # about something else: its opt-out words flag nothing

    @property
    def intent(self) -> str:
        """The stored intent value (consent.keywords.Intent) a match of this kind yields."""
        return "opt_out" if self is Means.WRONG_NUMBER else self.value


@dataclass(frozen=True)
class Rule:
    name: str
    means: Means
    pattern: str
    why: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    not_after: str | None = None  # the rule does not count after these words (regex, $-anchored)
    doubted_as_question: bool = False  # "wrong number?" is doubted, not acted on
    unless_delighted: bool = False  # "stop 😍" / "omg stop" is banter
    cased: bool = False

    @property
    def intent(self) -> str:
        return self.means.intent
