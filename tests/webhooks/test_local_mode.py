"""Local mode: the pretend phone at /local/phone, reachable only without Twilio."""

from __future__ import annotations

import asyncio
import re

import httpx

from consent.model import Status
from consent.services.dispatch import Dispatcher
from tests.support import RecordingNotifier
from tests.webhooks.conftest import SiteFactory
from tests.webhooks.helpers import Site
from webhooks.local_gateway import LocalGateway

PHONE = "+14155550100"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


LOCAL_URL = "http://localhost:8000"  # local mode's pages answer only on a local public URL


def _local(make_site: SiteFactory, **options: str) -> Site:
    return make_site(local_mode=True, with_token=False, public_url=LOCAL_URL, **options)


def _csrf(site: Site) -> str:
    page = site.http.get("/local/phone")
    assert page.status_code == 200
    found = CSRF.search(page.text)
    assert found
    return found.group(1)


def _text_back(site: Site, from_: str, body: str, csrf: str | None = None) -> str:
    token = csrf or _csrf(site)
    response = site.post_form("/local/phone", {"csrf": token, "from": from_, "body": body}, token)
    return f"{response.status_code} {response.text}"


def test_texts_the_desk_sent_show_up_on_the_local_phone(make_site: SiteFactory) -> None:
    site = _local(make_site)
    site.answer(site.issue("Ada <b>Lovelace</b>"), "yes", PHONE)
    dispatcher = Dispatcher(site.desk, LocalGateway(), RecordingNotifier())
    assert asyncio.run(dispatcher.run_once()) >= 1
    page = site.http.get("/local/phone").text
    assert "LOCAL MODE" in page
    assert "+1 415-555-0100" in page
    assert "You&#39;re subscribed to texts" in page
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in page
    assert site.twilio.sent == []


def test_texting_back_runs_the_same_inbound_handling(make_site: SiteFactory) -> None:
    site = _local(make_site)
    page = _text_back(site, "(415) 555-0100", "STOP")
    assert page.startswith("200") and "You texted" in page
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    (message,) = site.messages_to(PHONE)
    assert message.direction == "in" and message.body == "STOP"


def test_local_app_mode_shows_the_instant_reply(make_site: SiteFactory) -> None:
    site = _local(make_site, keywords_by="app")
    page = _text_back(site, PHONE, "HELP")
    assert "Instant reply" in page and "hello@bloom.example" in page


def test_a_bad_number_or_empty_text_is_shown_again(make_site: SiteFactory) -> None:
    site = _local(make_site)
    before = site.snapshot()
    assert _text_back(site, "12", "hi").startswith("422")
    assert _text_back(site, PHONE, "   ").startswith("422")
    assert site.snapshot() == before


def test_the_local_phone_checks_csrf(make_site: SiteFactory) -> None:
    site = _local(make_site)
    before = site.snapshot()
    refused = site.http.post("/local/phone", data={"from": PHONE, "body": "STOP"})
    assert refused.status_code == 403
    assert site.snapshot() == before


def test_the_local_phone_is_unreachable_when_twilio_is_configured(make_site: SiteFactory) -> None:
    for site in (make_site(local_mode=True), make_site()):
        assert site.http.get("/local/phone").status_code == 404
        assert site.http.post("/local/phone", data={"from": PHONE, "body": "x"}).status_code == 404


def test_twilio_webhooks_are_refused_in_local_mode(make_site: SiteFactory) -> None:
    site = _local(make_site)
    assert site.text_in(PHONE, "STOP").status_code == 403
    assert site.number(PHONE) is None


def test_local_pages_refuse_a_client_that_is_not_on_this_machine(make_site: SiteFactory) -> None:
    """The client address is the rule (tests/optdesk/test_perimeter.py covers the proxy
    headers on a real server): the same app, asked from a non-loopback address, is 404.
    An in-process transport gives the request that address; no packet leaves the machine."""
    site = _local(make_site)
    app = site.server.server.config.app

    async def ask(client: tuple[str, int], path: str) -> int:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL_URL) as http:
            return (await http.get(path)).status_code

    for address in ("203.0.113.7", "10.0.0.5", "::ffff:192.0.2.1", "2001:db8::1"):
        assert asyncio.run(ask((address, 40000), "/local/phone")) == 404, address
        assert asyncio.run(ask((address, 40000), "/healthz")) == 200, address
    for address in ("127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"):
        assert asyncio.run(ask((address, 40000), "/local/phone")) == 200, address
