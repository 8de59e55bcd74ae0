"""Every text the app writes carries its required parts, read from what actually left the app:
the text Twilio received, the TwiML answer, the questionnaire page and its evidence."""

from __future__ import annotations

import html

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
