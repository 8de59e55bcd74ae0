"""The tokens of one `/sms` command, consumed left to right by the parser. Pure."""

from __future__ import annotations

import re

from bot import commands as c
from bot.tokens import Kind, Token
from consent.errors import InvalidPhone
from consent.phones import is_phone_like, parse_phone

PHONE_CHUNK = re.compile(r"^[+(]?[0-9][0-9().\-]*$|^\+$|^\([0-9]+\)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{1,2}:\d{2}$")
_MAX_PHONE_TOKENS = 6


class Args:
    """The tokens after the subcommand, consumed left to right."""

    def __init__(self, clean: str, tokens: list[Token], sub: str, region: str) -> None:
        self.clean, self.tokens, self.sub, self.region = clean, tokens, sub, region

    def fail(self, problem: str) -> c.UsageError:
        return c.UsageError(problem, c.USAGE.get(self.sub, c.USAGE["help"]))

    def who(self, what: str = "who: a name, an email or a phone number") -> str:
        if not self.tokens:
            raise self.fail(f"Say {what}.")
        first = self.tokens[0]
        if first.kind is Kind.USER:
            raise self.fail(f"{first.text} is a Slack user, not a contact.")
        if first.kind is not Kind.QUOTED and PHONE_CHUNK.match(first.text):
            return self.phone()
        self.tokens = self.tokens[1:]
        if not first.text.strip():
            raise self.fail(f"Say {what}.")
        return first.text

    def phone(self) -> str:
        """Phone numbers may be typed with spaces: take the longest valid run of chunks."""
        run: list[Token] = []
        for tok in self.tokens[:_MAX_PHONE_TOKENS]:
            if tok.kind is not Kind.WORD or not PHONE_CHUNK.match(tok.text) or DATE.match(tok.text):
                break
            run.append(tok)
        if not run:
            raise self.fail("Give a phone number.")
        lengths = range(len(run), 0, -1)
        take = next((n for n in lengths if _valid(self.text_of(run[:n]), self.region)), 0)
        # none is valid: keep what looks like one number, so the error names all of it
        take = take or next((n for n in lengths if is_phone_like(self.text_of(run[:n]))), 1)
        self.tokens = self.tokens[take:]
        return self.text_of(run[:take])

    def word(self, what: str) -> str:
        if not self.tokens or not self.tokens[0].text.strip():
            raise self.fail(f"Say {what}.")
        first, self.tokens = self.tokens[0], self.tokens[1:]
        return first.text.strip()

    def text_of(self, run: list[Token]) -> str:
        return self.clean[run[0].start : run[-1].end] if run else ""

    def rest(self) -> str:
        """Everything left, as typed (one quoted token loses its quotes)."""
        tokens, self.tokens = self.tokens, []
        if len(tokens) == 1 and tokens[0].kind is Kind.QUOTED:
            return tokens[0].text.strip()
        return self.text_of(tokens).strip()

    def text(self) -> str:
        body = self.rest()
        if not body:
            raise self.fail("There is no text to send.")
        return body

    def done(self) -> None:
        if self.tokens:
            raise self.fail(f'Unexpected "{self.rest()}".')


def _valid(text: str, region: str) -> bool:
    try:
        parse_phone(text, region)
    except InvalidPhone:
        return False
    return True
