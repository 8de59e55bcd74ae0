"""The whole local story in Chromium, on `make run`'s setup: `optdesk serve` in local mode.

Staff at /local/desk issue a link from the command box; the client answers Yes on the
questionnaire and texts from /local/phone; the text shows up in the desk's thread
without a reload; a reply typed in the thread reaches the phone and shows as delivered;
STOP from the phone shows on the desk and in the status page's counts. Screenshots of
the desk (laptop and phone sizes) are kept in build/artifacts/desk/ for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.optdesk.test_perimeter import base_env, serve
from tests.optdesk.test_serve import Running, _free_port

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "artifacts" / "desk"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 8000  # a note reaches the desk within the dispatcher's turn plus one poll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """`make run`'s command (`optdesk serve --host 127.0.0.1`), local mode, a fresh SQLite."""
    tmp_path = tmp_path_factory.mktemp("desk")
    port = _free_port()
    env = base_env(
        f"sqlite:///{tmp_path}/optdesk.db", OPTDESK_PUBLIC_URL=f"http://127.0.0.1:{port}"
    )
    running = serve(tmp_path, env, port, "--host", "127.0.0.1")
    try:
        yield running
    finally:
        running.stop()


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


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _phone_text(phone: Any, url: str, body: str, number: str = "(415) 555-0100") -> None:
    phone.goto(url + "/local/phone")
    phone.get_by_label("Client's number").fill(number)
    phone.get_by_label("Text", exact=True).fill(body)
    phone.get_by_role("button", name="Text the desk").click()
    phone.get_by_text(body).first.wait_for()


def _answer_yes(client: Any, questionnaire: str, phone: str = "(415) 555-0100") -> None:
    client.goto(questionnaire)
    client.get_by_label("Yes").check()
    number = client.get_by_label("Mobile number")
    if not number.input_value():
        number.fill(phone)
    client.get_by_role("button", name="Send my answer").click()
    client.get_by_role("heading", name="You're subscribed").wait_for()


def test_the_whole_local_story_in_the_browser(browser: Any, local_run: Running) -> None:
    url = local_run.url
    laptop = browser.new_context(viewport=LAPTOP)
    desk = laptop.new_page()
    desk.goto(url + "/local/desk")
    desk.evaluate("window.__noReload = true")  # gone if the page ever reloads

    # a link issued from the command box (the leading /sms is optional, Enter runs it)
    box = desk.get_by_label("Run a /sms command")
    box.fill('/sms link "Ann Lee" --phone "(415) 555-0100"')
    box.press("Enter")
    link = desk.locator("#answer a[href*='/q/']")
    link.wait_for(timeout=WAIT_MS)
    questionnaire = str(link.get_attribute("href"))
    assert questionnaire.startswith(url + "/q/")

    # the client answers Yes
    client = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    _answer_yes(client, questionnaire)

    thread = desk.locator("article.thread", has_text="Ann Lee")
    thread.get_by_text("opted in on the questionnaire").wait_for(timeout=WAIT_MS)

    # a text from the phone appears in the desk's thread, live
    _phone_text(client, url, "Is 10 ok on Friday?")
    thread.get_by_text("Is 10 ok on Friday?").wait_for(timeout=WAIT_MS)
    _shot(desk, "desk-laptop-thread")

    # a reply typed in the thread reaches the phone
    thread.get_by_label("Reply to Ann Lee").fill("Yes, see you at 10")
    thread.get_by_role("button", name="Send as text").click()
    thread.get_by_text("Sent as a text to +1 415-555-0100").wait_for(timeout=WAIT_MS)
    thread.locator(".entry", has_text="Delivered to Ann Lee").filter(
        has_text="Yes, see you at 10"
    ).wait_for(timeout=WAIT_MS)  # the delivery result, live, as Slack's thread shows it
    client.goto(url + "/local/phone")
    client.get_by_text("Yes, see you at 10").first.wait_for(timeout=WAIT_MS)

    # STOP from the phone shows on the desk, and the status page counts it
    _phone_text(client, url, "STOP")
    thread.get_by_text("They asked to stop").wait_for(timeout=WAIT_MS)
    status = desk.locator("#status")
    status.get_by_text(re.compile(r"opted out:\s*1")).wait_for(timeout=WAIT_MS)
    assert "Ann Lee" in status.inner_text() and "opted out" in status.inner_text()
    assert desk.evaluate("window.__noReload === true"), "the desk reloaded"
    _shot(desk, "desk-laptop-stop")
    desk.locator("#status-panel").scroll_into_view_if_needed()
    _shot(desk, "desk-laptop-status")

    # the same desk on a phone-sized screen
    small = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    small.goto(url + "/local/desk")
    _shot(small, "desk-phone-top")
    small.locator("#channel-panel").scroll_into_view_if_needed()
    _shot(small, "desk-phone-channel")


def test_a_flagged_text_is_opted_out_from_the_desk_by_keyboard_after_a_confirmation(
    browser: Any, local_run: Running
) -> None:
    url = local_run.url
    desk = browser.new_context(viewport=LAPTOP).new_page()
    desk.goto(url + "/local/desk")
    box = desk.get_by_label("Run a /sms command")
    box.fill('link "Bob Ray" --phone "(415) 555-0101"')
    box.press("Enter")
    link = desk.locator("#answer a[href*='/q/']", has_text="/q/")
    link.wait_for(timeout=WAIT_MS)
    client = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    _answer_yes(client, str(link.get_attribute("href")), "(415) 555-0101")
    _phone_text(client, url, "not interested", "(415) 555-0101")

    thread = desk.locator("article.thread", has_text="Bob Ray")
    flagged = thread.locator(".entry", has_text="might be a request to stop")
    flagged.get_by_text("Flagged because of “not interested”").wait_for(timeout=WAIT_MS)
    opt_out = flagged.locator("form:has(input[value='number_opt_out']) button")
    dialog = desk.get_by_role("dialog")

    opt_out.focus()
    desk.keyboard.press("Enter")
    dialog.get_by_text("Opt +1 415-555-0101 out of all texts?").wait_for()
    _shot(desk, "desk-laptop-confirm")
    desk.keyboard.press("Escape")  # cancelled: nothing changes
    assert not dialog.is_visible()
    status = desk.locator("#status")
    assert "opted in" in status.locator(".section", has_text="Bob Ray").inner_text()

    opt_out.focus()
    desk.keyboard.press("Enter")
    assert desk.evaluate("document.activeElement.id") == "confirm-no"  # Cancel first
    desk.keyboard.press("Shift+Tab")  # the dialog's other button: Opt out
    desk.keyboard.press("Tab")
    desk.keyboard.press("Tab")
    assert desk.evaluate("document.activeElement.id") == "confirm-yes"
    desk.keyboard.press("Enter")
    thread.get_by_text("Opted out Bob Ray: +1 415-555-0101").wait_for(timeout=WAIT_MS)
    thread.get_by_text("opted out by staff by desk").wait_for(timeout=WAIT_MS)
    row = status.locator(".section", has_text="Bob Ray")
    row.get_by_text("opted out").wait_for(timeout=WAIT_MS)
