"""The hosted questionnaire, GET/POST /q/{token}, over HTTP against a live server."""

from __future__ import annotations

import html
import re
import time

from consent import messages
from consent.model import Source, Status
from consent.services.links import token_hash
from tests.webhooks.conftest import BUSINESS, CSRF_SECRET, SiteFactory
from tests.webhooks.helpers import Site
from webhooks.csrf import Csrf

PHONE = "+14155550100"


def _events(site: Site, e164: str) -> list[dict[str, str]]:
    with site.desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        return [dict(ev.evidence) for ev in uow.ledger.for_contact(state.contact_id)]


def test_page_shows_the_three_parts_of_the_question_accessibly(site: Site) -> None:
    page = site.http.get(site.issue("Ada Lovelace"))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    escaped = html.escape(BUSINESS, quote=False)
    assert escaped in text and BUSINESS not in text  # the business name is escaped
    assert "<fieldset" in text and "<legend>" in text
    assert html.escape(messages.question(BUSINESS), quote=False) in text
    assert html.escape(messages.disclaimer(BUSINESS), quote=False) in text
    assert 'for="answer-yes"' in text and 'for="answer-no"' in text and 'for="phone"' in text
    assert 'autocomplete="tel"' in text and 'inputmode="tel"' in text and 'type="tel"' in text
    assert 'aria-live="assertive"' in text and 'role="alert"' in text
    assert "Hi Ada Lovelace!" in text


def test_page_carries_security_headers_and_the_script_runs_only_by_nonce(site: Site) -> None:
    page = site.http.get(site.issue())
    headers = page.headers
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    nonce = re.search(r"script-src 'nonce-([^']+)'", headers["content-security-policy"])
    assert nonce and f'<script nonce="{nonce.group(1)}">' in page.text
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


def test_csrf_cookie_is_httponly_strict_secure_and_scoped_to_the_link(site: Site) -> None:
    path = site.issue()
    cookie = site.http.get(path).headers["set-cookie"]
    assert "optdesk_csrf=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    assert f"Path={path}" in cookie


def test_csrf_cookie_is_not_secure_when_the_public_url_is_plain_http(
    make_site: SiteFactory,
) -> None:
    site = make_site(public_url="http://127.0.0.1")
    cookie = site.http.get(site.issue()).headers["set-cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_yes_with_a_valid_number_opts_in_with_ip_and_user_agent_as_evidence(site: Site) -> None:
    path = site.issue()
    answered = site.answer(path, "yes", "(415) 555-0100")
    assert answered.status_code == 200
    assert "You&#39;re subscribed" in answered.text or "You're subscribed" in answered.text
    assert "confirmation text is on its" in answered.text
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    assert state.source is Source.QUESTIONNAIRE
    evidence = _events(site, PHONE)[-1]
    assert evidence["ip"] == "127.0.0.1"
    assert evidence["user_agent"].startswith("python-httpx")
    assert evidence["disclaimer"] == messages.disclaimer(BUSINESS)
    assert [m.kind for m in site.messages_to(PHONE)] == ["confirmation"]


def test_bad_number_shows_the_form_again_with_the_reason_and_what_was_typed(site: Site) -> None:
    path = site.issue()
    before = site.snapshot()
    answered = site.answer(path, "yes", "415 555 01")
    assert answered.status_code == 422
    assert "415 555 01 is too short to be a phone number." in answered.text
    assert 'value="415 555 01"' in answered.text
    assert re.search(r'value="yes"\s+checked', answered.text)
    assert 'aria-invalid="true"' in answered.text
    assert site.snapshot() == before


def test_yes_without_a_number_asks_for_one(site: Site) -> None:
    path = site.issue()
    before = site.snapshot()
    answered = site.answer(path, "yes", "")
    assert answered.status_code == 422
    assert "Please enter a phone number." in answered.text
    assert site.snapshot() == before


def test_required_question_cannot_be_sent_unanswered(site: Site) -> None:
    path = site.issue(required=True)
    page = site.http.get(path).text
    assert re.search(r'value="yes"[^>]*required', page)
    before = site.snapshot()
    answered = site.answer(path, None)
    assert answered.status_code == 422
    assert "Please choose Yes or No." in answered.text
    assert site.snapshot() == before


def test_optional_question_may_be_sent_unanswered(site: Site) -> None:
    path = site.issue()
    page = site.http.get(path).text
    assert "required" not in re.search(r'<input type="radio"[^>]*>', page).group(0)  # type: ignore[union-attr]
    answered = site.answer(path, None)
    assert answered.status_code == 200
    assert "Nothing has changed" in answered.text
    assert "July 31, 2026" in answered.text  # 30 days after the test clock's today


def test_no_opts_out_every_number_on_file(site: Site) -> None:
    path = site.issue("Ada Lovelace", phone="+14155550100")
    site.answer(path, "yes", "+14155550101")
    answered = site.answer(path, "no", "")
    assert answered.status_code == 200
    assert "won&#39;t send you text messages" in answered.text
    for e164 in ("+14155550100", "+14155550101"):
        state = site.number(e164)
        assert state is not None and state.status is Status.OPTED_OUT


def test_a_link_may_be_answered_again_and_the_newest_answer_stands(site: Site) -> None:
    path = site.issue()
    site.answer(path, "yes", PHONE)
    site.answer(path, "no")
    site.answer(path, "yes", PHONE)
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_IN
    assert [e["answer"] for e in _events(site, PHONE)] == ["yes", "no", "yes"]


def test_a_second_number_opts_in_and_the_first_keeps_its_status(site: Site) -> None:
    site.answer(site.issue(), "yes", "+14155550100")
    site.text_in("+14155550100", "STOP")
    site.answer(site.issue(), "yes", "+14155550102")  # a second number: a new link
    first, second = site.number("+14155550100"), site.number("+14155550102")
    assert first is not None and first.status is Status.OPTED_OUT
    assert second is not None and second.status is Status.OPTED_IN


def test_yes_after_a_keyword_stop_says_text_start_to_the_sender(site: Site) -> None:
    path = site.issue()
    site.answer(path, "yes", PHONE)
    site.text_in(PHONE, "STOP")
    answered = site.answer(path, "yes", PHONE)
    assert answered.status_code == 200
    assert "text START to +1\u00a0415\u2011555\u20110199" in html.unescape(answered.text)
    assert 'href="sms:+14155550199' in answered.text
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT and state.awaiting_start


def test_unknown_token_is_a_friendly_404(site: Site) -> None:
    for token in ("x" * 43, "short", "A" * 100):
        page = site.http.get(f"/q/{token}")
        assert page.status_code == 404
        assert "This link doesn" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"


def test_expired_link_is_a_friendly_410_on_get_and_post(site: Site) -> None:
    path = site.issue()
    csrf = site.open_form(path)
    site.clock.advance(days=31)
    try:
        page = site.http.get(path)
        assert page.status_code == 410 and "This link has expired" in page.text
        before = site.snapshot()
        posted = site.post_form(path, {"csrf": csrf, "answer": "yes", "phone": PHONE}, csrf)
        assert posted.status_code == 410
        assert site.snapshot() == before
    finally:
        site.clock.advance(days=-31)


def test_post_without_the_csrf_field_is_refused_and_changes_nothing(site: Site) -> None:
    path = site.issue()
    csrf = site.open_form(path)
    before = site.snapshot()
    refused = site.post_form(path, {"answer": "yes", "phone": PHONE}, csrf)
    assert refused.status_code == 403
    assert "Please try again" in refused.text and f'href="{path}"' in refused.text
    assert site.snapshot() == before


def test_post_without_the_csrf_cookie_is_refused(site: Site) -> None:
    path = site.issue()
    csrf = site.open_form(path)
    before = site.snapshot()
    refused = site.post_form(path, {"csrf": csrf, "answer": "yes", "phone": PHONE})
    assert refused.status_code == 403
    assert site.snapshot() == before


def test_csrf_token_of_another_link_is_refused(site: Site) -> None:
    mine, other = site.issue("Ada"), site.issue("Grace")
    csrf = site.open_form(other)
    before = site.snapshot()
    refused = site.post_form(mine, {"csrf": csrf, "answer": "yes", "phone": PHONE}, csrf)
    assert refused.status_code == 403
    assert site.snapshot() == before


def test_stale_or_forged_csrf_tokens_are_refused(site: Site) -> None:
    path = site.issue()
    token = path.rsplit("/", 1)[1]
    old = Csrf(CSRF_SECRET, secure=True, now=lambda: time.time() - 13 * 3600)
    forged = Csrf(b"another-secret-another-secret-!!", secure=True)
    before = site.snapshot()
    for csrf in (old.issue(token_hash(token)), forged.issue(token_hash(token)), "1.2.3"):
        refused = site.post_form(path, {"csrf": csrf, "answer": "yes", "phone": PHONE}, csrf)
        assert refused.status_code == 403
    assert site.snapshot() == before


def test_two_tabs_of_one_link_share_a_working_csrf_token(site: Site) -> None:
    path = site.issue()
    first = site.open_form(path)
    second = site.http.get(path, headers={"Cookie": f"optdesk_csrf={first}"})
    assert f'value="{first}"' in second.text


def test_client_ip_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    make_site: SiteFactory,
) -> None:
    spoof = {"X-Forwarded-For": "6.6.6.6, 10.0.0.7"}
    direct = make_site()
    path = direct.issue("Spoofer")
    csrf = direct.open_form(path)
    direct.http.post(
        path,
        data={"csrf": csrf, "answer": "yes", "phone": "+14155550112"},
        headers={"Cookie": f"optdesk_csrf={csrf}", **spoof},
    )
    assert _events(direct, "+14155550112")[-1]["ip"] == "127.0.0.1"

    proxied = make_site(trust_proxy=True)
    path = proxied.issue("Proxied")
    csrf = proxied.open_form(path)
    proxied.http.post(
        path,
        data={"csrf": csrf, "answer": "yes", "phone": "+14155550113"},
        headers={"Cookie": f"optdesk_csrf={csrf}", **spoof},
    )
    assert _events(proxied, "+14155550113")[-1]["ip"] == "10.0.0.7"


def test_names_are_escaped_on_the_page(site: Site) -> None:
    page = site.http.get(site.issue('<img src=x onerror="alert(1)">'))
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page.text


def test_thank_you_for_an_already_subscribed_number_still_lands(site: Site) -> None:
    path = site.issue()
    site.answer(path, "yes", PHONE)
    again = site.answer(path, "yes", PHONE)
    assert again.status_code == 200
    assert len(site.messages_to(PHONE)) == 1  # one confirmation, not two
