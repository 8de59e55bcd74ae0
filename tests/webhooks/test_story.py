"""Whole stories, end to end: questionnaire, texts through FakeTwilio, keywords, staff sends."""

from __future__ import annotations

import html

import pytest

from consent import messages
from consent.errors import Forbidden
from consent.model import Source, Status
from consent.services.staff import send_text
from tests.webhooks.conftest import BUSINESS
from tests.webhooks.helpers import Site

PHONE = "+14155550123"


def test_yes_confirmation_stop_refusal_start_and_texts_again(site: Site) -> None:
    thanks = site.answer(site.issue("Ada Lovelace"), "yes", "415-555-0123")
    assert thanks.status_code == 200
    site.dispatch()
    (confirmation,) = site.twilio.wait_for_sent(1)
    assert confirmation["to"] == PHONE
    assert confirmation["body"] == messages.opt_in_confirmation(BUSINESS)
    assert site.status(confirmation["sid"], "delivered").status_code == 200

    assert site.text_in(PHONE, "STOP").status_code == 200
    with pytest.raises(Forbidden) as refused:
        send_text(site.desk, "Ada Lovelace", "Your flowers are ready", actor="U1")
    assert "opted out" in refused.value.reason or "START" in refused.value.reason
    site.dispatch()
    assert len(site.twilio.sent) == 1

    site.text_in(PHONE, "START")
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    assert state.source is Source.SMS_KEYWORD and not state.awaiting_start
    send_text(site.desk, "Ada Lovelace", "Your flowers are ready", actor="U1")
    site.dispatch()
    sent = site.twilio.wait_for_sent(2)
    assert [s["body"] for s in sent][-1] == "Your flowers are ready"
    assert len(sent) == 2


def test_keyword_stop_then_questionnaire_yes_waits_for_start(site: Site) -> None:
    site.text_in(PHONE, "STOP")
    # The STOP put the number on file for a contact named after it: the link goes to that
    # contact (a Yes never takes a number on file for another contact).
    thanks = site.answer(site.issue(_holder(site, PHONE)), "yes", PHONE)
    assert "text START to +1\u00a0415\u2011555\u20110199" in html.unescape(thanks.text)
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT and state.awaiting_start
    site.dispatch()
    assert site.twilio.sent == []  # no confirmation while the carrier blocks the number

    site.text_in(PHONE, "START")
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    site.dispatch()
    assert site.twilio.sent == []  # Twilio's START answer was the confirmation: no second text


def test_app_mode_story_answers_each_keyword_once(app_site: Site) -> None:
    site = app_site
    site.answer(site.issue("Alan Turing"), "yes", PHONE)
    site.dispatch()
    assert len(site.twilio.wait_for_sent(1)) == 1
    assert "unsubscribed" in site.text_in(PHONE, "STOP").text
    assert "subscribed again" in site.text_in(PHONE, "START").text
    site.dispatch()
    assert len(site.twilio.sent) == 1  # keyword answers went as TwiML, never as extra texts


def _holder(site: Site, e164: str) -> str:
    with site.desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        contact = uow.contacts.get(state.contact_id)
        assert contact is not None
        return contact.name
