"""Issue 9 at the edge: signed Twilio posts and questionnaire forms over real HTTP, texts
counted at the fake Twilio (SPEC §1, §2)."""

from __future__ import annotations

import html

from bot.notes import note_text
from consent.model import Status
from consent.notes import NumberTakenNote
from tests.webhooks.conftest import BUSINESS, SiteFactory
from tests.webhooks.helpers import Site
from tests.webhooks.test_twilio_inbound import replies

PHONE = "+14155550100"
OTHER = "+14155550177"


def _sent_to(site: Site, e164: str) -> list[str]:
    return [m["body"] for m in site.twilio.sent if m["to"] == e164]


def _drain(site: Site) -> None:
    while site.dispatch():
        pass


# 1 -----------------------------------------------------------------------------------------


def test_two_revocations_in_words_reach_twilio_as_one_confirmation(site: Site) -> None:
    site.text_in(PHONE, "please stop texting me")
    _drain(site)
    site.clock.advance(minutes=2)
    assert replies(site.text_in(PHONE, "remove me from your list")) == []
    _drain(site)
    assert len(_sent_to(site, PHONE)) == 1


def test_stop_answered_by_twilio_then_a_phrase_sends_nothing_more(app_site: Site) -> None:
    assert replies(app_site.text_in(PHONE, "STOP", OptOutType="STOP")) == []
    app_site.twilio.block_number(PHONE)  # Twilio now refuses texts to it (21610)
    assert replies(app_site.text_in(PHONE, "please stop texting me")) == []
    _drain(app_site)
    assert app_site.twilio.sent == []
    assert [m.status for m in app_site.messages_to(PHONE) if m.direction == "out"] == []


# 2 -----------------------------------------------------------------------------------------


def test_a_used_link_refuses_another_number_with_a_422_naming_the_last_two_digits(
    site: Site,
) -> None:
    path = site.issue()
    assert site.answer(path, "yes", PHONE).status_code == 200
    before = site.snapshot()
    refused = site.answer(path, "yes", "+14155550123")
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "ending in 00" in text and "new link" in text
    assert site.snapshot() == before
    _drain(site)
    assert _sent_to(site, "+14155550123") == []


def test_a_yes_with_another_contacts_number_is_neutral_and_tells_staff(site: Site) -> None:
    site.answer(site.issue("Grace Hopper"), "yes", OTHER)
    _drain(site)
    texts = len(site.twilio.sent)
    events = site.snapshot()["consent_event"]
    answered = site.answer(site.issue("Mallory"), "yes", OTHER)
    assert answered.status_code == 422
    assert "Grace" not in answered.text and "Hopper" not in answered.text
    assert "this number" in html.unescape(answered.text)
    state = site.number(OTHER)
    assert state is not None and state.status is Status.OPTED_IN
    assert site.snapshot()["consent_event"] == events
    _drain(site)
    assert len(site.twilio.sent) == texts
    (note,) = [p[2] for p in site.notifier.posts if isinstance(p[2], NumberTakenNote)]
    rendered = note_text(note)
    assert "Mallory" in rendered and "Grace Hopper" in rendered


def test_yes_no_yes_no_sends_one_text_a_day(site: Site) -> None:
    path = site.issue()
    for answer in ("yes", "no", "yes", "no", "yes"):
        assert site.answer(path, answer, PHONE if answer == "yes" else None).status_code == 200
        _drain(site)
    assert len(_sent_to(site, PHONE)) == 1
    page = site.answer(path, "yes", PHONE)
    assert "confirmation text is on its" not in page.text


def test_a_yes_after_a_staff_opt_out_says_text_start_to_the_business_number(
    site: Site,
) -> None:
    from consent.services import staff

    path = site.issue()
    site.answer(path, "yes", PHONE)
    staff.opt_out_by_staff(site.desk, "Ada Lovelace", "asked by phone", actor="U42")
    answered = site.answer(path, "yes", PHONE)
    assert answered.status_code == 200
    assert "text START to +1\u00a0415\u2011555\u20110199" in html.unescape(answered.text)
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    assert replies(site.text_in(PHONE, "START")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    _drain(site)
    assert len(_sent_to(site, PHONE)) == 1  # the first confirmation only


# 3 -----------------------------------------------------------------------------------------


def test_double_opt_in_texts_once_and_a_reply_yes_opts_in(make_site: SiteFactory) -> None:
    site = make_site(double_opt_in=True)
    path = site.issue()
    page = site.answer(path, "yes", PHONE)
    assert page.status_code == 200 and "reply YES" in html.unescape(page.text)
    state = site.number(PHONE)
    assert state is not None and state.status is Status.NOT_SUBSCRIBED
    site.answer(path, "yes", PHONE)
    _drain(site)
    (request,) = _sent_to(site, PHONE)
    assert BUSINESS in request and "YES" in request and "STOP" in request
    assert replies(site.text_in(PHONE, "YES")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    _drain(site)
    assert len(_sent_to(site, PHONE)) == 1


def test_double_opt_in_reply_in_app_mode_is_answered_once_as_twiml(
    make_site: SiteFactory,
) -> None:
    site = make_site(double_opt_in=True, keywords_by="app")
    site.answer(site.issue(), "yes", PHONE)
    _drain(site)
    (answer,) = replies(site.text_in(PHONE, "yes"))
    assert BUSINESS in answer and "STOP" in answer
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN


# 7 -----------------------------------------------------------------------------------------


def test_a_no_without_a_number_on_file_is_an_event(site: Site) -> None:
    before = site.snapshot()["consent_event"]
    answered = site.answer(site.issue(), "no")
    assert answered.status_code == 200
    assert site.snapshot()["consent_event"] == before + 1
