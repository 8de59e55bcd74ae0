"""The questionnaire in Spanish (SPEC §1 "Language", §2): the link's language, else the
browser's; a language switch that keeps what was typed; the evidence keeps the language
and the disclaimer version the client saw; the answer sets the contact's language."""

from __future__ import annotations

import html
import re

from consent import messages
from consent.language import Language
from consent.model import Status
from consent.services import queries
from tests.webhooks.conftest import BUSINESS
from tests.webhooks.helpers import CSRF_FIELD, Site

PHONE = "+14155550100"
SPANISH_BROWSER = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.8"}


def _contact_language(site: Site, name: str) -> Language:
    return queries.contact_view(site.desk, name).contact.language


def _shows(text: str, lang: Language) -> bool:
    return (
        f'<html lang="{lang}">' in text
        and html.escape(messages.question(BUSINESS, lang), quote=False) in text
        and html.escape(messages.disclaimer(BUSINESS, lang), quote=False) in text
    )


def test_a_link_issued_in_spanish_shows_the_spanish_page_whatever_the_browser(
    site: Site,
) -> None:
    path = site.issue("Ana López", language=Language.ES)
    page = site.http.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200 and _shows(page.text, Language.ES)
    assert "¡Hola, Ana López!" in page.text and "Enviar mi respuesta" in page.text
    assert "Número de celular" in page.text and ">Sí<" in re.sub(r"\s+", "", page.text)


def test_a_link_without_a_language_follows_the_browser(site: Site) -> None:
    path = site.issue("Ana López")
    assert _shows(site.http.get(path, headers=SPANISH_BROWSER).text, Language.ES)
    english = {"Accept-Language": "en-US,en;q=0.9,es;q=0.5"}
    assert _shows(site.http.get(path, headers=english).text, Language.EN)
    assert _shows(site.http.get(path, headers={"Accept-Language": "fr-CA"}).text, Language.EN)
    assert _shows(site.http.get(path).text, Language.EN)
    weighted = {"Accept-Language": "en;q=0.4, es;q=0.8"}
    assert _shows(site.http.get(path, headers=weighted).text, Language.ES)


def test_a_link_without_a_language_to_a_spanish_speaking_contact_is_in_spanish(
    site: Site,
) -> None:
    """SPEC §1: the questionnaire is in the contact's language; only a contact with no
    language but the default one leaves the choice to the browser."""
    site.issue("Ana López", language=Language.ES)
    again = site.issue("Ana López")
    page = site.http.get(again, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert _shows(page.text, Language.ES)


def test_the_page_offers_a_switch_to_the_other_language(site: Site) -> None:
    english = site.http.get(site.issue("Ann Lee")).text
    assert re.search(r'<button[^>]*name="switch" value="es"[^>]*lang="es"[^>]*>Español<', english)
    assert '<span lang="en" aria-current="true">English</span>' in english
    spanish = site.http.get(site.issue("Ana", language=Language.ES)).text
    assert re.search(r'<button[^>]*name="switch" value="en"[^>]*>English<', spanish)
    # The switch comes after the form's own button: Enter in the phone field sends the answer.
    assert english.index("Send my answer") < english.index('name="switch"')


def test_the_switch_keeps_the_answer_typed_so_far_and_records_nothing(site: Site) -> None:
    path = site.issue("Ann Lee")
    csrf = site.open_form(path)
    before = site.snapshot()
    data = {"csrf": csrf, "lang": "en", "answer": "yes", "phone": "(415) 555-01", "switch": "es"}
    switched = site.post_form(path, data, csrf)
    assert switched.status_code == 200 and _shows(switched.text, Language.ES)
    assert re.search(r'value="yes"\s+checked', switched.text)
    assert 'value="(415) 555-01"' in switched.text
    assert 'name="lang" value="es"' in switched.text
    assert CSRF_FIELD.search(switched.text)
    assert site.snapshot() == before
    back = site.post_form(path, {**data, "lang": "es", "answer": "no", "switch": "en"}, csrf)
    assert _shows(back.text, Language.EN) and re.search(r'value="no"\s+checked', back.text)


def test_the_switch_needs_the_csrf_token_like_any_post(site: Site) -> None:
    path = site.issue("Ann Lee")
    csrf = site.open_form(path)
    refused = site.post_form(path, {"csrf": "forged", "switch": "es", "answer": "yes"}, csrf)
    assert refused.status_code == 403


def test_an_unknown_switch_value_records_nothing(site: Site) -> None:
    path = site.issue("Ann Lee")
    csrf = site.open_form(path)
    before = site.snapshot()
    data = {"csrf": csrf, "answer": "yes", "phone": PHONE, "switch": "<fr>"}
    shown = site.post_form(path, data, csrf)
    assert shown.status_code == 200 and "<fr>" not in shown.text
    assert site.snapshot() == before


def test_a_spanish_yes_keeps_the_language_and_the_spanish_disclaimer_in_the_evidence(
    site: Site,
) -> None:
    path = site.issue("Ana López")
    answered = site.answer(path, "yes", "(415) 555-0100", lang="es")
    assert answered.status_code == 200
    assert '<html lang="es">' in answered.text and "Ya está suscrito" in answered.text
    (event,) = queries.contact_view(site.desk, "Ana López").events
    assert event.evidence["language"] == "es"
    assert event.evidence["disclaimer_version"] == messages.DISCLAIMER_VERSIONS[Language.ES]
    assert event.evidence["disclaimer"] == messages.disclaimer(BUSINESS, Language.ES)
    assert event.evidence["question"] == messages.question(BUSINESS, Language.ES)
    assert _contact_language(site, "Ana López") is Language.ES
    (text,) = site.messages_to(PHONE)
    assert text.body == messages.opt_in_confirmation(BUSINESS, Language.ES)


def test_an_english_answer_keeps_english_and_its_version_in_the_evidence(site: Site) -> None:
    path = site.issue("Ann Lee", language=Language.ES)
    site.answer(path, "no", lang="en")  # she switched to English and answered there
    (event,) = queries.contact_view(site.desk, "Ann Lee").events
    assert event.evidence["language"] == "en"
    assert event.evidence["disclaimer_version"] == messages.DISCLAIMER_VERSION
    assert _contact_language(site, "Ann Lee") is Language.EN


def test_a_bad_number_on_the_spanish_page_is_explained_in_spanish(site: Site) -> None:
    path = site.issue("Ana", language=Language.ES)
    required = site.issue("Bea", language=Language.ES, required=True)
    before = site.snapshot()
    answered = site.answer(path, "yes", "415 555 01", lang="es")
    assert answered.status_code == 422
    assert "415 555 01 es demasiado corto para ser un número de teléfono." in answered.text
    assert '<html lang="es">' in answered.text and 'value="415 555 01"' in answered.text
    unanswered = site.answer(required, None)
    assert unanswered.status_code == 422 and "Por favor, elija Sí o No." in unanswered.text
    assert site.snapshot() == before


def test_a_spanish_no_thanks_in_spanish_and_opts_out(site: Site) -> None:
    path = site.issue("Ana", language=Language.ES)
    site.answer(path, "yes", PHONE)
    answered = site.answer(path, "no", lang="es")
    assert "No recibirá textos" in answered.text
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT


def test_everything_on_the_spanish_page_is_escaped(site: Site) -> None:
    path = site.issue('<b>Ana</b> "x"', language=Language.ES)
    text = site.http.get(path).text
    assert "<b>Ana</b>" not in text and "&lt;b&gt;Ana&lt;/b&gt;" in text
    assert html.escape(BUSINESS, quote=False) in text and BUSINESS not in text
    csrf = site.open_form(path)
    shown = site.post_form(path, {"csrf": csrf, "phone": '"><script>', "switch": "en"}, csrf)
    assert "<script>" not in shown.text.replace('<script nonce="', "")


def test_a_link_already_used_says_so_in_spanish(site: Site) -> None:
    path = site.issue("Ana", language=Language.ES)
    site.answer(path, "yes", PHONE, lang="es")
    refused = site.answer(path, "yes", "+14155550177", lang="es")
    assert refused.status_code == 422
    assert "Este enlace ya se usó para el número que termina en 00." in refused.text


def test_a_number_on_file_for_someone_else_is_refused_in_spanish(site: Site) -> None:
    site.answer(site.issue("Ann Lee"), "yes", PHONE)
    refused = site.answer(site.issue("Ana", language=Language.ES), "yes", PHONE, lang="es")
    assert refused.status_code == 422
    assert "No podemos inscribir este número con este enlace." in refused.text


def test_unknown_and_expired_links_answer_in_the_browsers_language(site: Site) -> None:
    missing = site.http.get("/q/" + "x" * 43, headers=SPANISH_BROWSER)
    assert missing.status_code == 404 and "Este enlace no funciona" in missing.text
    assert '<html lang="es">' in missing.text
    assert "This link doesn" in site.http.get("/q/" + "x" * 43).text
    path = site.issue("Ana")
    site.clock.advance(days=40)
    try:
        expired = site.http.get(path, headers=SPANISH_BROWSER)
    finally:
        site.clock.advance(days=-40)
    assert expired.status_code == 410 and "Este enlace venció" in expired.text


def test_a_stale_form_on_the_spanish_page_is_explained_in_spanish(site: Site) -> None:
    path = site.issue("Ana")
    csrf = site.open_form(path)
    refused = site.post_form(path, {"csrf": "stale", "lang": "es", "answer": "no"}, csrf)
    assert refused.status_code == 403
    assert "Inténtelo de nuevo" in refused.text and "Volver a cargar la página" in refused.text
