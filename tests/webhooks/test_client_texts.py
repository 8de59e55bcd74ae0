"""Every text the app writes carries its required parts, read from what actually left the app:
the text Twilio received, the TwiML answer, the questionnaire page and its evidence."""

from __future__ import annotations

import html

import pytest

from consent.language import Language
from consent.segments import Encoding, not_gsm7, segments
from consent.services import queries
from tests.required_parts import missing_parts
from tests.webhooks.conftest import BUSINESS, SiteFactory
from tests.webhooks.helpers import Site
from tests.webhooks.test_twilio_inbound import replies

PHONE = "+14155550100"
CONTACT = "hello@bloom.example"


def test_the_opt_in_confirmation_twilio_receives_has_every_required_part(site: Site) -> None:
    site.answer(site.issue("Ann Lee"), "yes", "(415) 555-0100")
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert sent["to"] == PHONE
    assert missing_parts("opt-in confirmation", sent["body"], business=BUSINESS) == []


def test_the_opt_out_confirmation_sent_by_text_has_every_required_part(site: Site) -> None:
    site.text_in(PHONE, "please stop texting me")
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert missing_parts("opt-out confirmation", sent["body"], business=BUSINESS) == []


def test_the_opt_out_confirmation_answered_in_app_mode_has_every_required_part(
    app_site: Site,
) -> None:
    (answer,) = replies(app_site.text_in(PHONE, "STOP"))
    assert missing_parts("opt-out confirmation", answer, business=BUSINESS) == []


def test_the_start_answer_in_app_mode_has_every_required_part(app_site: Site) -> None:
    app_site.text_in(PHONE, "STOP")
    (answer,) = replies(app_site.text_in(PHONE, "START"))
    assert missing_parts("re-subscribe confirmation", answer, business=BUSINESS) == []


def test_the_help_answer_in_app_mode_has_every_required_part(app_site: Site) -> None:
    (answer,) = replies(app_site.text_in(PHONE, "HELP"))
    assert missing_parts("help answer", answer, business=BUSINESS, contact=CONTACT) == []


def test_the_help_answer_opted_out_has_every_required_part(app_site: Site) -> None:
    app_site.text_in(PHONE, "STOP")
    (answer,) = replies(app_site.text_in(PHONE, "HELP"))
    assert missing_parts("help answer", answer, business=BUSINESS, contact=CONTACT) == []


def test_the_help_answer_without_a_contact_says_how_to_reach_the_business(
    make_site: SiteFactory,
) -> None:
    site = make_site(keywords_by="app", business_contact=None)
    (answer,) = replies(site.text_in(PHONE, "HELP"))
    assert missing_parts("help answer without a contact", answer, business=BUSINESS) == []


def test_the_disclaimer_on_the_page_and_in_the_evidence_has_every_required_part(
    site: Site,
) -> None:
    path = site.issue("Ann Lee")
    page = html.unescape(site.http.get(path).text)
    assert missing_parts("disclaimer", page, business=BUSINESS) == []
    site.answer(path, "yes", "(415) 555-0100")
    (event,) = queries.contact_view(site.desk, "Ann Lee").events
    assert missing_parts("disclaimer", event.evidence["disclaimer"], business=BUSINESS) == []


# The same texts in Spanish, and the SMS segments of every text in both languages, read from
# what left the app. With this business name (25 characters) the English opt-in
# confirmation takes two segments and every other text one; the Spanish ones never more.

SEGMENTS = {
    "opt-in confirmation": 2,
    "opt-out confirmation": 1,
    "re-subscribe confirmation": 1,
    "opt-in request": 1,
    "help answer": 1,
    "help answer without a contact": 1,
}


def _holds(kind: str, text: str, lang: str, contact: str = "") -> None:
    assert missing_parts(kind, text, business=BUSINESS, contact=contact, lang=lang) == []
    found = segments(text)
    assert found.encoding is Encoding.GSM7, not_gsm7(text)
    if lang == "es":
        assert found.count <= SEGMENTS[kind], (kind, found)
    else:
        assert found.count == SEGMENTS[kind], (kind, found)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_opt_in_confirmation_twilio_receives_in_each_language(site: Site, lang: str) -> None:
    site.answer(site.issue("Ana López"), "yes", "(415) 555-0100", lang=lang)
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    _holds("opt-in confirmation", sent["body"], lang)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_double_opt_in_request_twilio_receives_in_each_language(
    make_site: SiteFactory, lang: str
) -> None:
    site = make_site(double_opt_in=True)
    site.answer(site.issue("Ana López"), "yes", "(415) 555-0100", lang=lang)
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    _holds("opt-in request", sent["body"], lang)


@pytest.mark.parametrize(("word", "lang"), [("please stop texting me", "en"), ("PARAR", "es")])
def test_the_opt_out_confirmation_sent_by_text_in_each_language(
    site: Site, word: str, lang: str
) -> None:
    site.text_in(PHONE, word)
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    _holds("opt-out confirmation", sent["body"], lang)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_keyword_answers_in_app_mode_in_each_language(app_site: Site, lang: str) -> None:
    app_site.answer(app_site.issue("Ana López"), "yes", PHONE, lang=lang)
    (helped,) = replies(app_site.text_in(PHONE, "HELP"))
    _holds("help answer", helped, lang, CONTACT)
    (stopped,) = replies(app_site.text_in(PHONE, "STOP"))
    _holds("opt-out confirmation", stopped, lang)
    (started,) = replies(app_site.text_in(PHONE, "START"))
    _holds("re-subscribe confirmation", started, lang)


def test_the_spanish_help_answer_without_a_contact(make_site: SiteFactory) -> None:
    site = make_site(keywords_by="app", business_contact=None)
    (answer,) = replies(site.text_in(PHONE, "AYUDA"))
    _holds("help answer without a contact", answer, "es")
    (english,) = replies(site.text_in("+14155550101", "HELP"))
    _holds("help answer without a contact", english, "en")


def test_the_spanish_disclaimer_on_the_page_and_in_the_evidence(site: Site) -> None:
    path = site.issue("Ana López", language=Language.ES)
    page = html.unescape(site.http.get(path).text)
    assert missing_parts("disclaimer", page, business=BUSINESS, lang="es") == []
    site.answer(path, "yes", "(415) 555-0100", lang="es")
    (event,) = queries.contact_view(site.desk, "Ana López").events
    disclaimer = event.evidence["disclaimer"]
    assert missing_parts("disclaimer", disclaimer, business=BUSINESS, lang="es") == []
