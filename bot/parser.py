"""Parse `/sms ...` text into a command dataclass, or raise `UsageError`. Pure, no Slack.

The lead's CLI (`optdesk sms ...`) reuses this grammar, so it accepts both Slack's
escaped text and what people type in a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import commands as c
from bot.args import DATE, PHONE_CHUNK, TIME, Args
from bot.tokens import Kind, Token, TokenError, is_channel_id, tokenize
from consent.language import LANGUAGES, language_named

FLAGS = {
    "--email": "email",
    "--phone": "phone",
    "--project": "project",
    "--required": "",
    "--lang": "lang",
}
ALIASES = {"opt-out": "optout", "opt_out": "optout", "projects": "project", "?": "help"}


def parse(text: str, *, region: str = "US") -> c.Command:
    """Parse the text after `/sms` into a command; UsageError names what is wrong."""
    try:
        clean, tokens = tokenize(text)
    except TokenError as err:
        raise c.UsageError(str(err), c.USAGE["help"]) from None
    if not tokens:
        return c.Help()
    sub = tokens[0].text.casefold()
    sub = ALIASES.get(sub, sub)
    parser = _PARSERS.get(sub)
    if parser is None or tokens[0].kind is not Kind.WORD:
        known = ", ".join(_PARSERS)
        raise c.UsageError(
            f'Unknown subcommand "{tokens[0].text}". Try one of: {known}.', c.USAGE["help"]
        )
    return parser(Args(clean, tokens[1:], sub, region))


def _link(a: Args) -> c.Command:
    names: list[str] = []
    found: dict[str, str] = {}
    required = False
    while a.tokens:
        tok = a.tokens[0]
        if not tok.is_flag:
            names.append(tok.text)
            a.tokens = a.tokens[1:]
            continue
        flag, eq, inline = tok.text.partition("=")
        flag = flag.casefold()
        if flag not in FLAGS:
            raise a.fail(f"Unknown option {flag}.")
        if flag in found or (flag == "--required" and required):
            raise a.fail(f"{flag} is given twice.")
        a.tokens = a.tokens[1:]
        if eq and flag == "--phone" and inline:
            # `--phone=(415) 555-0100`: the value goes on in the next tokens
            at = tok.start + len(flag) + 1
            a.tokens = [Token(inline, Kind.WORD, at, tok.end), *a.tokens]
            eq, inline = "", ""
        if flag == "--required":
            if eq:
                raise a.fail("--required takes no value.")
            required = True
            continue
        found[flag] = _flag_value(a, flag, inline if eq else None)
    name = " ".join(n for n in names if n.strip())
    if not name:
        raise a.fail("Give the contact's name.")
    language = None
    if "--lang" in found:
        language = language_named(found["--lang"])
        if language is None or found["--lang"].casefold() not in LANGUAGES:
            raise a.fail(f"--lang is {' or '.join(LANGUAGES)} (English or Spanish).")
    return c.Link(
        name, found.get("--email"), found.get("--phone"), found.get("--project"), required,
        language,
    )  # fmt: skip


def _flag_value(a: Args, flag: str, inline: str | None) -> str:
    if inline is not None:
        if not inline.strip():
            raise a.fail(f"{flag} needs a value.")
        return inline.strip()
    if not a.tokens or a.tokens[0].is_flag:
        raise a.fail(f"{flag} needs a value.")
    first = a.tokens[0]
    if flag == "--phone" and first.kind is Kind.WORD and PHONE_CHUNK.match(first.text):
        return a.phone()
    value = a.tokens[0].text.strip()
    a.tokens = a.tokens[1:]
    if not value:
        raise a.fail(f"{flag} needs a value.")
    return value


def _status(a: Args) -> c.Command:
    if not a.tokens:
        return c.Status()
    return c.Status(_who_rest(a))


def _who_rest(a: Args) -> str:
    """A whole-rest contact reference: `status Ann Lee` needs no quotes."""
    if a.tokens and a.tokens[0].kind is Kind.WORD and PHONE_CHUNK.match(a.tokens[0].text):
        who = a.phone()
        a.done()
        return who
    if a.tokens and a.tokens[0].kind is Kind.USER:
        a.who()
    who = a.rest()
    if not who:
        raise a.fail("Say who: a name, an email or a phone number.")
    return who


def _send(a: Args) -> c.Command:
    who = a.who()
    return c.Send(who, a.text(), reply=a.sub == "reply")


def _optout(a: Args) -> c.Command:
    who = a.who()
    return c.OptOut(who, a.rest())


def _project(a: Args) -> c.Command:
    if not a.tokens:
        raise a.fail("Say new, list or set.")
    action = a.tokens[0].text.casefold()
    a.tokens = a.tokens[1:]
    if action == "list":
        a.done()
        return c.ProjectList()
    if action == "new":
        channel = None
        last = a.tokens[-1] if a.tokens else None
        # a channel is the last word, unquoted: a quoted "#1 Fans" is a name
        hashed = last is not None and last.kind is Kind.WORD and last.text.startswith("#")
        if last is not None and (last.kind is Kind.CHANNEL or hashed):
            channel = _channel(a, last)
            a.tokens = a.tokens[:-1]
        name = a.rest()
        if not name:
            raise a.fail("Give the project a name.")
        return c.ProjectNew(name, channel)
    if action == "set":
        who = a.who()
        project = a.rest()
        if not project:
            raise a.fail("Say which project.")
        return c.ProjectSet(who, project)
    raise a.fail(f'Unknown project action "{action}": say new, list or set.')


def _channel(a: Args, tok: Token) -> str:
    if tok.kind is Kind.CHANNEL and is_channel_id(tok.value):
        return tok.value
    if tok.kind is Kind.WORD and is_channel_id(tok.text[1:]):
        return tok.text[1:]  # `#C0123ABCD` typed by id (the CLI)
    raise a.fail(f"{tok.text} is not a channel Slack knows: pick it from the # suggestions.")


def _schedule(a: Args) -> c.Command:
    who = a.who()
    if len(a.tokens) >= 1 and "T" in a.tokens[0].text.upper() and DATE.match(a.tokens[0].text[:10]):
        date, _, clock = a.tokens[0].text.upper().partition("T")
        a.tokens = a.tokens[1:]
    elif len(a.tokens) >= 2:
        date, clock = a.tokens[0].text, a.tokens[1].text
        a.tokens = a.tokens[2:]
    else:
        raise a.fail("Give the date and time as YYYY-MM-DD HH:MM.")
    if not DATE.match(date) or not TIME.match(clock):
        raise a.fail(f'"{date} {clock}" is not a date and time as YYYY-MM-DD HH:MM.')
    try:
        at = datetime.strptime(f"{date} {clock}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise a.fail(f"{date} {clock} is not a real date and time.") from None
    return c.Schedule(who, at, a.text())


def _broadcast(a: Args) -> c.Command:
    project = a.word("which project")
    return c.Broadcast(project, a.text())


def _history(a: Args) -> c.Command:
    return c.History(_who_rest(a))


def _scheduled(a: Args) -> c.Command:
    return c.Scheduled(_who_rest(a) if a.tokens else None)


def _cancel(a: Args) -> c.Command:
    text_id = a.word("which text: its id from /sms scheduled")
    a.done()
    return c.Cancel(text_id)


def _rename(a: Args) -> c.Command:
    who = a.who()
    name = a.rest()
    if not name:
        raise a.fail("Give the new name.")
    return c.Rename(who, name)


def _help(a: Args) -> c.Command:
    topic = a.rest().casefold() or None
    topic = ALIASES.get(topic, topic) if topic else None
    if topic is not None and topic not in c.USAGE:
        raise a.fail(f'There is no subcommand "{topic}".')
    return c.Help(topic)


_PARSERS: dict[str, Callable[[Args], c.Command]] = {
    "link": _link,
    "status": _status,
    "send": _send,
    "reply": _send,
    "optout": _optout,
    "project": _project,
    "schedule": _schedule,
    "broadcast": _broadcast,
    "history": _history,
    "scheduled": _scheduled,
    "cancel": _cancel,
    "rename": _rename,
    "help": _help,
}
