"""Texts the app writes go out in the contact's language; a number never seen before is
answered in the language of its keyword (SPEC §1 "Language")."""

from __future__ import annotations

from consent import messages
from consent.language import Language
from consent.model import Status
from tests.webhooks.conftest import BUSINESS, SiteFactory
from tests.webhooks.helpers import Site
from tests.webhooks.test_twilio_inbound import replies

PHONE = "+14155550100"
CONTACT = "hello@bloom.example"
ES = Language.ES


def _language(site: Site, e164: str) -> Language:
    with site.desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        contact = uow.contacts.get(state.contact_id)
    assert contact is not None
    return contact.language


def _spanish_client(site: Site, name: str = "Ana López") -> None:
    """A client who answered Yes on a Spanish link."""
    site.answer(site.issue(name, language=ES), "yes", PHONE, lang="es")


def test_ayuda_from_a_number_never_seen_gets_the_spanish_help_even_in_twilio_mode(
    site: Site,
) -> None:
    (answer,) = replies(site.text_in(PHONE, "AYUDA"))
    assert answer == messages.help_answer(BUSINESS, CONTACT, ES)
    assert _language(site, PHONE) is ES


def test_parar_from_a_number_never_seen_opts_out_with_the_spanish_confirmation(
    site: Site,
) -> None:
    assert replies(site.text_in(PHONE, "¡Parar!")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert sent["body"] == messages.opt_out_confirmation(BUSINESS, ES)
    assert _language(site, PHONE) is ES


def test_a_spanish_revocation_in_words_from_a_new_number_is_confirmed_in_spanish(
    site: Site,
) -> None:
    site.text_in(PHONE, "No me envíen más mensajes por favor")
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert sent["body"] == messages.opt_out_confirmation(BUSINESS, ES)


def test_stop_or_help_from_a_number_never_seen_is_answered_in_english(app_site: Site) -> None:
    assert replies(app_site.text_in(PHONE, "HELP")) == [messages.help_answer(BUSINESS, CONTACT)]
    assert _language(app_site, PHONE) is Language.EN


def test_a_known_contact_is_answered_in_their_language_not_their_keyword(
    app_site: Site,
) -> None:
    _spanish_client(app_site)
    assert replies(app_site.text_in(PHONE, "HELP")) == [messages.help_answer(BUSINESS, CONTACT, ES)]
    assert replies(app_site.text_in(PHONE, "STOP")) == [messages.opt_out_confirmation(BUSINESS, ES)]
    assert replies(app_site.text_in(PHONE, "START")) == [
        messages.resubscribe_confirmation(BUSINESS, ES)
    ]
    english = "+14155550101"
    app_site.answer(app_site.issue("Ann Lee"), "yes", english)
    assert replies(app_site.text_in(english, "AYUDA")) == [messages.help_answer(BUSINESS, CONTACT)]


def test_a_phrase_revocation_from_a_spanish_contact_is_confirmed_in_spanish(site: Site) -> None:
    _spanish_client(site)
    site.dispatch()
    site.text_in(PHONE, "please stop texting me")
    site.dispatch()
    sent = site.twilio.wait_for_sent(2)
    assert sent[-1]["body"] == messages.opt_out_confirmation(BUSINESS, ES)


def test_a_spanish_double_opt_in_asks_in_spanish_and_si_confirms_it(
    make_site: SiteFactory,
) -> None:
    site = make_site(double_opt_in=True)
    _spanish_client(site)
    site.dispatch()
    (request,) = site.twilio.wait_for_sent(1)
    assert request["body"] == messages.opt_in_request(BUSINESS, ES)
    # Twilio does not know SI, so the app answers it with the confirmation itself.
    assert replies(site.text_in(PHONE, "Sí")) == [messages.opt_in_confirmation(BUSINESS, ES)]
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN


def test_si_means_nothing_without_an_open_request(site: Site) -> None:
    assert replies(site.text_in(PHONE, "SI")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.NOT_SUBSCRIBED
