"""The Twilio webhooks and the pages under the bad-input corpus (one server for the module)."""

from __future__ import annotations

import unicodedata

import pytest

from tests.corpus import cases_pages, cases_twilio
from tests.corpus.check import Case, check
from tests.corpus.world import World, slack_leaks, sms_form

CASES = cases_twilio.CASES + cases_pages.CASES


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_answer_and_changes_nothing(world: World, c: Case) -> None:
    check(world, c)


def test_what_reached_slack_is_escaped(world: World) -> None:
    """Accepted odd texts (markup, mentions, emoji) become Slack notes: all escaped."""
    world.dispatch()
    posted = world.slack.calls_to("chat.postMessage")
    assert len(posted) > 10  # the seeds' notes and the accepted texts' notes
    leaks = [(text[:120], slack_leaks(text)) for text in world.slack_output() if slack_leaks(text)]
    assert leaks == []


@pytest.mark.parametrize(
    "sender", ["+1４１５５５５０１４０", "+1٤١٥٥٥٥٠١٤١", "＋１４１５５５５０１４２"]
)
def test_a_sender_in_other_digits_is_stored_as_ascii_e164(world: World, sender: str) -> None:
    """Twilio's E.164 is trusted as is only when it is ASCII (`\\d` matches ``１``)."""
    ascii_number = "+" + "".join(str(unicodedata.decimal(ch)) for ch in sender if ch.isdecimal())
    world.twilio("/twilio/sms", sms_form(sender, "hi"))
    with world.desk.uow(write=False) as uow:
        assert uow.numbers.get(ascii_number) is not None
        assert uow.numbers.get(sender) is None
