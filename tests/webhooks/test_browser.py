"""The questionnaire in a real (headless) Chromium on a phone-sized screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.webhooks.helpers import Site

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/optdesk-questionnaire.png"
THANKS_SHOT = "/tmp/optdesk-thanks.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def http_site(make_site: Any) -> Site:
    # Served over plain http on 127.0.0.1: the public URL matches, so cookies are not Secure.
    site: Site = make_site(public_url="http://127.0.0.1")
    return site


def _page(browser: Any, *, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) optdesk-test",
    )
    return context.new_page()


def test_phone_field_appears_on_yes_and_a_good_number_lands_on_thanks(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Grace Hopper")
    page = _page(browser)
    page.goto(site.server.url + path)
    phone = page.get_by_label("Mobile number")
    assert not phone.is_visible()
    page.screenshot(path="/tmp/optdesk-questionnaire-start.png", full_page=True)

    page.get_by_label("Yes").check()
    assert phone.is_visible()
    phone.fill("415 555 01")
    page.get_by_role("button", name="Send my answer").click()
    error = page.get_by_role("alert")
    assert "too short" in error.inner_text() or "valid" in error.inner_text()
    assert page.get_by_label("Mobile number").input_value() == "415 555 01"
    assert page.get_by_label("Yes").is_checked()
    page.screenshot(path="/tmp/optdesk-questionnaire-error.png", full_page=True)

    page.get_by_label("Mobile number").fill("(415) 555-0134")
    page.screenshot(path=SHOT, full_page=True)
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="You're subscribed").wait_for()
    assert "555\u20110134" in page.get_by_role("status").inner_text()
    page.screenshot(path=THANKS_SHOT, full_page=True)
    page.context.close()

    assert site.dispatch() >= 1
    sent = site.twilio.wait_for_sent(1)
    assert sent[0]["to"] == "+14155550134"
    assert "subscribed" in sent[0]["body"]


def test_required_question_cannot_be_sent_unanswered(browser: Any, http_site: Site) -> None:
    site = http_site
    path = site.issue("Alan Turing", required=True)
    before = site.snapshot()
    page = _page(browser)
    page.goto(site.server.url + path)
    page.get_by_role("button", name="Send my answer").click()
    assert "choose Yes or No" in page.get_by_role("alert").inner_text()
    assert page.url.endswith(path)
    page.context.close()
    assert site.snapshot() == before


def test_without_javascript_the_browser_itself_keeps_a_required_question_answered(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Mae Jemison", required=True)
    before = site.snapshot()
    page = _page(browser, javascript=False)
    page.goto(site.server.url + path)
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_timeout(300)
    # Blocked in the browser: the server's 422 would have filled the alert.
    assert page.url.endswith(path) and page.locator("#form-error").inner_text() == ""
    page.context.close()
    assert site.snapshot() == before


def test_without_javascript_the_phone_field_shows_and_the_form_works(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Katherine Johnson")
    page = _page(browser, javascript=False)
    page.goto(site.server.url + path)
    phone = page.get_by_label("Mobile number")
    assert phone.is_visible()
    assert "Only needed if you choose Yes" in page.content()
    page.screenshot(path="/tmp/optdesk-questionnaire-nojs.png", full_page=True)
    page.get_by_label("Yes").check()
    phone.fill("+1 415 555 0177")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="You're subscribed").wait_for()
    page.context.close()
    state = site.number("+14155550177")
    assert state is not None and state.status == "opted in"


def test_no_without_javascript_needs_no_number(browser: Any, http_site: Site) -> None:
    site = http_site
    path = site.issue("Dorothy Vaughan")
    page = _page(browser, javascript=False)
    page.goto(site.server.url + path)
    page.get_by_label("No").check()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="You won't get texts").wait_for()
    page.context.close()


def test_awaiting_start_and_error_pages_look_right_on_a_phone(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Mary Jackson")
    site.answer(path, "yes", "+14155550188")  # her link opts her number in ...
    site.text_in("+14155550188", "STOP")  # ... and she replies STOP later
    page = _page(browser)
    page.goto(site.server.url + path)
    page.get_by_label("Yes").check()
    page.get_by_label("Mobile number").fill("415 555 0188")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="One more step").wait_for()
    assert page.get_by_role("link", name="Text START to +1").is_visible()
    page.screenshot(path="/tmp/optdesk-awaiting-start.png", full_page=True)

    page.goto(site.server.url + "/q/" + "x" * 43)
    page.get_by_role("heading", name="This link doesn't work").wait_for()
    site.clock.advance(days=40)
    try:
        page.goto(site.server.url + path)
        page.get_by_role("heading", name="This link has expired").wait_for()
        page.screenshot(path="/tmp/optdesk-expired.png", full_page=True)
    finally:
        site.clock.advance(days=-40)
    page.context.close()


def test_local_phone_page_on_a_phone(browser: Any, make_site: Any) -> None:
    site: Site = make_site(public_url="http://127.0.0.1", local_mode=True, with_token=False)
    page = _page(browser)
    page.goto(site.server.url + "/local/phone")
    page.get_by_label("Client's number").fill("415 555 0166")
    page.get_by_label("Text").fill("Hi! Is my order ready? 🌷")
    page.get_by_role("button", name="Text the desk").click()
    page.get_by_text("You texted").wait_for()
    page.get_by_label("Client's number").fill("415 555 0166")
    page.get_by_label("Text").fill("please stop texting me")
    page.get_by_role("button", name="Text the desk").click()
    page.get_by_text("please stop texting me").first.wait_for()
    page.screenshot(path="/tmp/optdesk-local-phone.png", full_page=True)
    page.context.close()
    state = site.number("+14155550166")
    assert state is not None and state.status == "opted out"


SPANISH_SHOT = "/tmp/optdesk-questionnaire-es.png"
SPANISH_THANKS_SHOT = "/tmp/optdesk-thanks-es.png"


def _spanish_page(browser: Any, *, javascript: bool = True) -> Any:
    """A phone whose browser asks for Spanish first (Accept-Language: es-MX)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        locale="es-MX",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) optdesk-test",
    )
    return context.new_page()


def test_the_spanish_page_on_a_phone_and_its_switch_keeps_the_typed_answer(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Ana López")  # no language: the page follows the browser
    page = _spanish_page(browser)
    page.goto(site.server.url + path)
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("heading", name="Avisos por mensaje de texto").wait_for()
    phone = page.get_by_label("Número de celular")
    assert not phone.is_visible()
    page.get_by_label("Sí").check()
    phone.fill("415 555 01")
    page.screenshot(path=SPANISH_SHOT, full_page=True)

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Text message updates").wait_for()
    assert page.get_by_label("Yes").is_checked()
    assert page.get_by_label("Mobile number").input_value() == "415 555 01"
    assert page.get_by_label("Mobile number").is_visible()
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Avisos por mensaje de texto").wait_for()
    assert page.get_by_label("Sí").is_checked()
    assert page.get_by_label("Número de celular").input_value() == "415 555 01"

    page.get_by_role("button", name="Enviar mi respuesta").click()
    assert "demasiado corto" in page.get_by_role("alert").inner_text()
    page.screenshot(path="/tmp/optdesk-questionnaire-es-error.png", full_page=True)
    page.get_by_label("Número de celular").fill("(415) 555-0134")
    page.get_by_label("Número de celular").press("Enter")  # Enter sends, it does not switch
    page.get_by_role("heading", name="Ya está suscrito").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    page.screenshot(path=SPANISH_THANKS_SHOT, full_page=True)
    page.context.close()

    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert sent["to"] == "+14155550134" and "Ya recibe textos" in sent["body"]


def test_without_javascript_the_switch_still_keeps_the_typed_answer(
    browser: Any, http_site: Site
) -> None:
    site = http_site
    path = site.issue("Ana López", required=True)
    before = site.snapshot()
    page = _spanish_page(browser, javascript=False)
    page.goto(site.server.url + path)
    page.get_by_label("Número de celular").fill("415 555 0177")
    page.get_by_role("button", name="English").click()  # unanswered, yet required: no block
    page.get_by_role("heading", name="Text message updates").wait_for()
    assert page.get_by_label("Mobile number").input_value() == "415 555 0177"
    page.get_by_label("No").check()
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Avisos por mensaje de texto").wait_for()
    assert page.get_by_label("No").is_checked()
    page.screenshot(path="/tmp/optdesk-questionnaire-es-nojs.png", full_page=True)
    page.context.close()
    assert site.snapshot() == before
