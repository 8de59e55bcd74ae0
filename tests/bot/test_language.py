"""A contact's language in Slack: `/sms link --lang es` (and its CLI mirror), the help and
usage lines that mention it, `/sms status` and the App Home (SPEC §1 "Language")."""

from __future__ import annotations

import pytest

from bot import commands as c
from bot.cli import run_cli_reply
from bot.parser import parse
from consent.language import Language
from consent.services.context import Desk
from consent.services.links import issue_link, submit_answer
from tests.bot import seed
from tests.bot.harness import Slack, texts
from tests.bot.test_commands import contact_named, text_of
from tests.bot.test_home import open_home

ANN = "+14155550100"


def _language(desk: Desk, name: str) -> Language:
    [cid] = contact_named(desk, name)
    with desk.uow(write=False) as uow:
        contact = uow.contacts.get(cid)
    assert contact is not None
    return contact.language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("link Ana --lang es", c.Link("Ana", language=Language.ES)),
        ("link Ana --lang=ES", c.Link("Ana", language=Language.ES)),
        (
            'link "Ana López" --lang en --required',
            c.Link("Ana López", None, None, None, True, Language.EN),
        ),
    ],
)
def test_link_parses_a_language(text: str, expected: c.Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("bad", ["link Ana --lang fr", "link Ana --lang", "link Ana --lang es-MX"])
def test_link_refuses_any_language_but_en_and_es(bad: str) -> None:
    with pytest.raises(c.UsageError, match="--lang"):
        parse(bad)


def test_help_and_usage_mention_the_language(slack: Slack) -> None:
    assert "--lang es" in text_of(slack.ask("help"))
    assert "[--lang en|es]" in c.USAGE["link"]
    answer = text_of(slack.ask("link Ana --lang fr"))
    assert "--lang is en or es" in answer and "[--lang en|es]" in answer
    assert contact_named(slack.desk, "Ana") == []


def test_link_in_spanish_sets_the_contact_language_and_says_so(slack: Slack) -> None:
    answer = text_of(slack.ask('link "Ana López" --lang es'))
    assert "In Spanish: the page" in answer
    assert _language(slack.desk, "Ana López") is Language.ES
    plain = text_of(slack.ask('link "Bo Li"'))
    assert "follows their browser's language" in plain
    assert _language(slack.desk, "Bo Li") is Language.EN


def test_the_cli_mirror_takes_the_language_too(desk: Desk) -> None:
    out = run_cli_reply(desk, 'link "Ana López" --phone 415 555 0100 --lang es').plain
    assert out.startswith("Questionnaire link for Ana López (new contact):")
    assert "In Spanish" in out
    assert _language(desk, "Ana López") is Language.ES


def test_status_shows_each_contacts_language(slack: Slack) -> None:
    link = issue_link(slack.desk, "Ana", actor="U1", language=Language.ES)
    submit_answer(slack.desk, seed.token_of(link.url), "yes", ANN, "1.2.3.4", "ua", Language.ES)
    seed.opted_in(slack.desk, "Ben", "+14155550123")
    assert "texts in Spanish" in text_of(slack.ask("status Ana"))
    assert "texts in English" in text_of(slack.ask("status Ben"))


def test_app_home_shows_each_contacts_language(slack: Slack) -> None:
    issue_link(slack.desk, "Ana", actor="U1", language=Language.ES)
    seed.pending(slack.desk, "Ben")
    blob = texts(open_home(slack))
    assert blob.count("texts in Spanish") == 1 and blob.count("texts in English") == 1
