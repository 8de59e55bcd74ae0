"""The `/sms` grammar: pure, table-driven."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import commands as c
from bot.parser import parse
from bot.tokens import Kind, tokenize

GOOD: list[tuple[str, c.Command]] = [
    # help and the empty command
    ("", c.Help()),
    ("   ", c.Help()),
    ("help", c.Help()),
    ("HELP", c.Help()),
    ("help send", c.Help("send")),
    ("help opt-out", c.Help("optout")),
    ("?", c.Help()),
    # link
    ("link Ann", c.Link("Ann")),
    ('link "Ann Lee"', c.Link("Ann Lee")),
    ("link “Ann Lee”", c.Link("Ann Lee")),
    ("link Ann Lee", c.Link("Ann Lee")),
    ('link "Ann Lee" --required', c.Link("Ann Lee", required=True)),
    ('link "Ann Lee" --email ann@example.com', c.Link("Ann Lee", email="ann@example.com")),
    (
        "link Ann --email <mailto:ann@example.com|ann@example.com>",
        c.Link("Ann", email="ann@example.com"),
    ),
    ("link Ann --email=ann@example.com", c.Link("Ann", email="ann@example.com")),
    ("link Ann --phone 4155550100", c.Link("Ann", phone="4155550100")),
    ("link Ann --phone (415) 555-0100", c.Link("Ann", phone="(415) 555-0100")),
    (
        "link Ann --phone 415 555 0100 --required",
        c.Link("Ann", phone="415 555 0100", required=True),
    ),
    ("link Ann --phone=+1 415-555-0100", c.Link("Ann", phone="+1 415-555-0100")),
    ("link Ann --phone <tel:+14155550100|415.555.0100>", c.Link("Ann", phone="415.555.0100")),
    ('link Ann --project "Kitchen Job"', c.Link("Ann", project="Kitchen Job")),
    ("link Ann --project Kitchen", c.Link("Ann", project="Kitchen")),
    ('link --required "Ann Lee" --PROJECT Bath', c.Link("Ann Lee", project="Bath", required=True)),
    ("link O&amp;Brien &lt;3", c.Link("O&Brien <3")),
    ('link "Zoë “Z” Ng"', c.Link("Zoë “Z” Ng")),  # only a straight quote closes a straight one
    ("link „Ann Lee“", c.Link("Ann Lee")),
    ("link «Ann Lee»", c.Link("Ann Lee")),
    # status and history
    ("status", c.Status()),
    ("status Ann", c.Status("Ann")),
    ("status Ann Lee", c.Status("Ann Lee")),
    ('status "Ann Lee"', c.Status("Ann Lee")),
    ("status 415 555 0100", c.Status("415 555 0100")),
    ("status +1 (415) 555-0100", c.Status("+1 (415) 555-0100")),
    ("status ann@example.com", c.Status("ann@example.com")),
    ("status <mailto:ann@example.com|ann@example.com>", c.Status("ann@example.com")),
    ("history Ann Lee", c.History("Ann Lee")),
    ("history 4155550100", c.History("4155550100")),
    # send and reply
    ("send Ann hello there", c.Send("Ann", "hello there")),
    ('send "Ann Lee" See you at 9', c.Send("Ann Lee", "See you at 9")),
    ("send “Ann Lee” See you at 9", c.Send("Ann Lee", "See you at 9")),
    ("send 415 555 0100 5 pm works?", c.Send("415 555 0100", "5 pm works?")),
    ("send +14155550100 hi", c.Send("+14155550100", "hi")),
    ("send 00 44 20 7946 0958 hi", c.Send("00 44 20 7946 0958", "hi")),
    ('send Ann "quoted text"', c.Send("Ann", "quoted text")),
    ('send Ann He said "hi"', c.Send("Ann", 'He said "hi"')),
    ("send Ann Tom &amp; Jerry &lt;b&gt;", c.Send("Ann", "Tom & Jerry <b>")),
    ("send Ann &amp;lt; stays", c.Send("Ann", "&lt; stays")),
    ("send Ann see <https://example.com|example.com>", c.Send("Ann", "see example.com")),
    ("send Ann <!here> hi <@U123|bob>", c.Send("Ann", "@here hi @bob")),
    ("send Ann line one\nline two", c.Send("Ann", "line one\nline two")),
    ("reply Ann thanks!", c.Send("Ann", "thanks!", reply=True)),
    ("send Ann see you <!date^1782921600^{date_short}|Jul 1>", c.Send("Ann", "see you Jul 1")),
    ("send Ann ask <!subteam^S1|@crew>", c.Send("Ann", "ask @crew")),
    ("SEND Ann hi", c.Send("Ann", "hi")),
    ("send 2024 hi", c.Send("2024", "hi")),
    # optout
    ("optout Ann", c.OptOut("Ann")),
    ("optout Ann asked by phone", c.OptOut("Ann", "asked by phone")),
    ('opt-out "Ann Lee" moved away', c.OptOut("Ann Lee", "moved away")),
    ("optout +1 415-555-0100 wrong number", c.OptOut("+1 415-555-0100", "wrong number")),
    # projects
    ("project list", c.ProjectList()),
    ("projects list", c.ProjectList()),
    ("project new Kitchen", c.ProjectNew("Kitchen")),
    ("project new Kitchen Remodel", c.ProjectNew("Kitchen Remodel")),
    (
        'project new "Kitchen Remodel" <#C0123ABCD|kitchen>',
        c.ProjectNew("Kitchen Remodel", "C0123ABCD"),
    ),
    ("project new Bath <#G0123ABCD>", c.ProjectNew("Bath", "G0123ABCD")),
    ("project new Bath #C0123ABCD", c.ProjectNew("Bath", "C0123ABCD")),
    ("project set Ann Kitchen", c.ProjectSet("Ann", "Kitchen")),
    ('project set "Ann Lee" "Kitchen Remodel"', c.ProjectSet("Ann Lee", "Kitchen Remodel")),
    ("project set 415 555 0100 Kitchen Remodel", c.ProjectSet("415 555 0100", "Kitchen Remodel")),
    # schedule
    (
        "schedule Ann 2030-01-02 09:30 hello",
        c.Schedule("Ann", datetime(2030, 1, 2, 9, 30), "hello"),
    ),
    (
        'schedule "Ann Lee" 2030-01-02 9:05 see you',
        c.Schedule("Ann Lee", datetime(2030, 1, 2, 9, 5), "see you"),
    ),
    (
        "schedule 415 555 0100 2030-01-02 09:30 hi",
        c.Schedule("415 555 0100", datetime(2030, 1, 2, 9, 30), "hi"),
    ),
    ("schedule Ann 2030-01-02T21:45 late", c.Schedule("Ann", datetime(2030, 1, 2, 21, 45), "late")),
    # broadcast
    ("broadcast Kitchen We start Monday", c.Broadcast("Kitchen", "We start Monday")),
    (
        'broadcast "Kitchen Remodel" We start Monday',
        c.Broadcast("Kitchen Remodel", "We start Monday"),
    ),
    ("broadcast 2024 we start", c.Broadcast("2024", "we start")),
]

BAD: list[tuple[str, str, str]] = [
    # text, words the problem names, the usage line shown
    ("frobnicate", 'Unknown subcommand "frobnicate"', "/sms help"),
    ('"send" Ann hi', "Unknown subcommand", "/sms help"),
    ('send "Ann hi', "quote is not closed", "/sms help"),
    ("send", "Say who", "/sms send <name or phone> <text>"),
    ("send Ann", "no text to send", "/sms send"),
    ("send Ann    ", "no text to send", "/sms send"),
    ("reply Ann", "no text to send", "/sms reply"),
    ("send <@U123|bob> hi", "is a Slack user, not a contact", "/sms send"),
    ('send "" hi', "Say who", "/sms send"),
    ("link", "Give the contact's name", "/sms link"),
    ("link --required", "Give the contact's name", "/sms link"),
    ("link Ann --foo bar", "Unknown option --foo", "/sms link"),
    ("link Ann --phone", "--phone needs a value", "/sms link"),
    ("link Ann --email", "--email needs a value", "/sms link"),
    ("link Ann --email --required", "--email needs a value", "/sms link"),
    ("link Ann --email=", "--email needs a value", "/sms link"),
    ("link Ann --required --required", "--required is given twice", "/sms link"),
    ("link Ann --email a@b.co --email c@d.co", "--email is given twice", "/sms link"),
    ("link Ann --required=yes", "--required takes no value", "/sms link"),
    ("history", "Say who", "/sms history"),
    ("optout", "Say who", "/sms optout"),
    ("project", "Say new, list or set", "/sms project"),
    ("project delete Kitchen", 'Unknown project action "delete"', "/sms project"),
    ("project list extra", 'Unexpected "extra"', "/sms project"),
    ("project new", "Give the project a name", "/sms project"),
    ("project new <#C0123ABCD|kitchen>", "Give the project a name", "/sms project"),
    ("project new Kitchen #kitchen", "#kitchen is not a channel Slack knows", "/sms project"),
    ("project set Ann", "Say which project", "/sms project"),
    ("project set", "Say who", "/sms project"),
    ("schedule Ann", "YYYY-MM-DD HH:MM", "/sms schedule"),
    ("schedule Ann tomorrow 9am hi", "is not a date and time", "/sms schedule"),
    ("schedule Ann 2030-02-30 10:00 hi", "not a real date and time", "/sms schedule"),
    ("schedule Ann 2030-01-02 25:00 hi", "not a real date and time", "/sms schedule"),
    ("schedule Ann 02/01/2030 10:00 hi", "is not a date and time", "/sms schedule"),
    ("schedule Ann 2030-01-02 10:00", "no text to send", "/sms schedule"),
    ("broadcast", "Say which project", "/sms broadcast"),
    ("broadcast Kitchen", "no text to send", "/sms broadcast"),
    ("help frob", 'There is no subcommand "frob"', "/sms help"),
]


@pytest.mark.parametrize(("text", "expected"), GOOD, ids=[t or "<empty>" for t, _ in GOOD])
def test_parses(text: str, expected: c.Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "problem", "usage"), BAD, ids=[t for t, _, _ in BAD])
def test_bad_input_names_the_problem_and_shows_usage(text: str, problem: str, usage: str) -> None:
    with pytest.raises(c.UsageError) as caught:
        parse(text)
    assert problem in caught.value.problem
    assert caught.value.usage.startswith(usage)
    assert str(caught.value).endswith(f"Usage: {caught.value.usage}")


def test_phone_chunks_follow_the_region() -> None:
    assert parse("send 020 7946 0958 hi", region="GB") == c.Send("020 7946 0958", "hi")


def test_an_invalid_number_is_kept_whole_so_the_error_names_it() -> None:
    assert parse("send 415 555 01 hi") == c.Send("415 555 01", "hi")


def test_tokens_keep_spans_into_the_clean_text() -> None:
    clean, tokens = tokenize('send "Ann Lee" a &amp; b <#C1ABC|general>')
    assert clean == 'send "Ann Lee" a & b #general'
    assert [t.text for t in tokens] == ["send", "Ann Lee", "a", "&", "b", "#general"]
    assert tokens[1].kind is Kind.QUOTED and clean[tokens[1].start : tokens[1].end] == '"Ann Lee"'
    assert tokens[-1].kind is Kind.CHANNEL and tokens[-1].value == "C1ABC"


def test_every_subcommand_has_a_usage_line() -> None:
    for name, _ in c.HELP_LINES:
        assert name in c.USAGE
