"""The local staff desk (/local/desk), wired as the composition root wires it (SPEC §5).

The app is the real sidecar with the desk's routes and the notifier that keeps notes for
it (optdesk/local_desk.py); requests go through an in-process transport that gives them
a client address, and the dispatcher is run by hand, so each rule is checked at once.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.blockkit_html import Controls, blocks_html
from bot.cli import run_cli_reply
from bot.desk_channel import DeskChannel
from bot.local_notifier import LocalNotifier
from bot.notes import note_blocks
from consent.model import Status
from consent.records import InboundSms
from consent.senders import Notifier
from consent.services.dispatch import Dispatcher
from consent.services.inbound import handle_inbound
from consent.services.links import issue_link, submit_answer
from consent.services.projects import new_project
from optdesk.local_desk import desk_notifier, desk_routes
from optdesk.root import Core, build_core, build_gateway
from optdesk.settings import Settings
from storage.migrate import upgrade
from tests.support import RecordingNotifier, wait_until
from webhooks.app import create_app
from webhooks.local_gateway import LocalGateway

LOCAL_URL = "http://localhost:8000"
PHONE = "+14155550100"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SECRET = b"desk-test-secret-0123456789abcdef"


@dataclass
class DeskSite:
    core: Core
    app: Any
    channel: DeskChannel
    dispatcher: Dispatcher
    client: tuple[str, int] = ("127.0.0.1", 50000)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=self.client)
            async with httpx.AsyncClient(transport=transport, base_url=LOCAL_URL) as http:
                if method == "POST":
                    page = await http.get("/local/desk")
                    token = CSRF.search(page.text)
                    assert token, page.text[:500]
                    data = {"csrf": token.group(1), **kw.pop("data", {})}
                    return await http.post(path, data=data, **kw)
                return await http.request(method, path, **kw)

        return asyncio.run(go())

    def command(self, text: str) -> str:
        response = self.request("POST", "/local/desk/sms", data={"text": text}, headers=JSON)
        assert response.status_code == 200
        return str(response.json()["answer"])

    def click(self, action_id: str, value: str, **fields: str) -> dict[str, Any]:
        data = {"action_id": action_id, "value": value, **fields}
        response = self.request("POST", "/local/desk/act", data=data, headers=JSON)
        assert response.status_code == 200
        return dict(response.json())

    def dispatch(self) -> None:
        while asyncio.run(self.dispatcher.run_once()):
            pass

    def text_in(self, body: str, phone: str = PHONE) -> None:
        sid = f"SMLOCAL{abs(hash((body, phone))) % 10**20:020d}"
        handle_inbound(self.core.desk, InboundSms(sid, phone, "local", body))
        self.dispatch()

    def page(self) -> str:
        response = self.request("GET", "/local/desk")
        assert response.status_code == 200
        return response.text


JSON = {"Accept": "application/json"}


def _build(
    tmp_path: Path, notifier: Notifier | None = None, *, delivers: bool = False, **env: str
) -> DeskSite:
    settings = Settings(
        OPTDESK_DATABASE_URL=f"sqlite:///{tmp_path}/desk.db",
        OPTDESK_PUBLIC_URL=env.get("public_url", LOCAL_URL),
        OPTDESK_BUSINESS_NAME="Lumen Studio",
    )
    core = build_core(settings)
    upgrade(core.engine)
    wrapped, channel = desk_notifier(notifier or LocalNotifier(), thread_replies="confirm")
    app = create_app(
        core.desk,
        twilio_auth_token=env.get("twilio_token"),
        csrf_secret=SECRET,
        local_mode=True,
        health=lambda: {"ok": True},
        local_routes=desk_routes(core.desk, channel, SECRET),
    )
    # the root's local gateway reports each text delivered; by default the tests do without
    gateway = build_gateway(settings, core.desk) if delivers else LocalGateway()
    return DeskSite(core, app, channel, Dispatcher(core.desk, gateway, wrapped))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[DeskSite]:
    built = _build(tmp_path)
    yield built
    built.core.engine.dispose()


def _opted_in(site: DeskSite, name: str = "Ann Lee", phone: str = PHONE) -> None:
    """A contact who answered Yes (the questionnaire's use case, as the page calls it)."""
    issued = issue_link(site.core.desk, name, actor="test", phone=phone)
    token = issued.url.rsplit("/", 1)[1]
    submit_answer(site.core.desk, token, "yes", phone, ip="127.0.0.1", user_agent="t")
    site.dispatch()


def _text(fragment: str) -> str:
    """What a person reads: tags dropped (a line break kept), entities undone."""
    fragment = fragment.replace("<br>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


# ------------------------------------------------------------------------- the channel


def test_the_channel_draws_the_very_blocks_the_slack_notifier_posts(tmp_path: Path) -> None:
    recorder = RecordingNotifier()
    site = _build(tmp_path, recorder)
    _opted_in(site)
    site.text_in("not interested")
    page = site.page()
    (thread,) = site.channel.threads()
    assert thread.title == "Ann Lee"
    posted = [note for _, _, note in recorder.posts]
    assert len(posted) == len(thread.entries) == 2
    token = CSRF.search(page)
    assert token
    for n, (note, entry) in enumerate(zip(posted, thread.entries, strict=True)):
        # the blocks SlackNotifier builds for the same note: the first starts the thread
        assert entry.blocks == note_blocks(note, top_level=n == 0)
        drawn = blocks_html(entry.blocks, Controls("/local/desk/act", token.group(1)))
        assert str(drawn) in page
    words = _text(page)
    assert "Ann Lee (+1 415-555-0100) opted in on the questionnaire." in words
    assert "Ann Lee (+1 415-555-0100) texted:" in words
    assert "This might be a request to stop texting. Flagged because of “not interested”" in words
    site.core.engine.dispose()


def test_a_flagged_text_has_an_opt_out_button_that_asks_first(site: DeskSite) -> None:
    _opted_in(site)
    site.text_in("not interested")
    page = site.page()
    assert 'name="action_id" value="number_opt_out"' in page
    assert 'data-confirm-title="Opt this number out?"' in page
    flagged = re.search(r'number_opt_out">.*?name="value" value="([^"]+)"', page, re.S)
    assert flagged
    value = html.unescape(flagged.group(1))
    asked = site.click("number_opt_out", value)  # no confirmation (no script): asked first
    assert "Opt +1 415-555-0100 out of all texts?" in _text(asked["answer"])
    assert 'name="confirmed" value="yes"' in asked["answer"]
    with site.core.desk.uow(write=False) as uow:
        state = uow.numbers.get(PHONE)
        assert state is not None and state.status is Status.OPTED_IN
    answer = site.click("number_opt_out", value, confirmed="yes")
    assert answer["ok"] and "Opted out Ann Lee: +1 415-555-0100" in _text(answer["answer"])
    view = site.core.desk
    with view.uow(write=False) as uow:
        state = uow.numbers.get(PHONE)
        assert state is not None and state.status is Status.OPTED_OUT
        (event,) = [e for e in uow.ledger.for_contact(state.contact_id) if e.source == "staff"]
        assert event.actor == "desk" and "flagged text" in str(event.evidence)


def test_names_and_texts_are_escaped_in_the_channel_and_on_the_status_page(
    site: DeskSite,
) -> None:
    _opted_in(site, name='<script>alert("x")</script> & Co')
    site.text_in("<img src=x onerror=alert(1)> *bold*")
    page = site.page()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page
    assert "&lt;img src=x onerror=alert(1)&gt; <strong>bold</strong>" in page


def test_in_local_mode_a_text_is_reported_delivered_in_its_thread(tmp_path: Path) -> None:
    site = _build(tmp_path, delivers=True)
    _opted_in(site)  # the opt-in confirmation is texted to the local phone

    def delivered() -> bool:
        site.dispatch()
        return "Delivered to Ann Lee (+1 415-555-0100)" in _text(site.page())

    wait_until(delivered, timeout=5, every=0.1)
    with site.core.desk.uow(write=False) as uow:
        (sent,) = uow.messages.for_contact(site.channel.threads()[0].contact_id, 5)
    assert sent.status == "delivered"
    site.core.engine.dispose()


# ------------------------------------------------------------------ the command box


def test_the_command_box_answers_as_optdesk_sms_does(site: DeskSite) -> None:
    answer = _text(site.command('/sms link "Ann Lee" --phone "(415) 555-0100"'))
    assert "/q/" in answer
    status = _text(site.command("status"))  # the leading /sms is optional
    assert status == run_cli_reply(site.core.desk, "status").plain.replace("\n\n", "")
    assert "pending: 1" in status


def test_without_script_a_form_post_answers_with_the_whole_page(site: DeskSite) -> None:
    page = site.request("POST", "/local/desk/sms", data={"text": "status"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    answer = page.text.split('id="answer"', 1)[1].split("</section>", 1)[0]
    assert "opted in:" in _text(answer) and 'value="status"' in page.text


def test_usage_errors_and_ambiguity_questions_show_as_in_slack(site: DeskSite) -> None:
    usage = site.command("/sms frobnicate")
    assert "Usage:" in _text(usage) and 'class="reply refused"' in usage
    site.command('link "Ann Lee" --email ann@one.example')
    site.command('link "Ann Lee" --email ann@two.example')
    ambiguous = _text(site.command('send "Ann Lee" see you at 10'))
    assert "Several contacts match" in ambiguous and "Which one?" in ambiguous
    assert "ann@one.example" in ambiguous and "ann@two.example" in ambiguous


# ------------------------------------------------------------------ buttons


def test_the_buttons_run_the_same_use_cases_as_in_slack(site: DeskSite) -> None:
    _opted_in(site)
    new_project(site.core.desk, "Wedding <June>", None)
    (thread,) = site.channel.threads()
    cid = str(thread.contact_id)
    pick = site.click("contact_move_pick", cid)
    option = re.search(r'<option value="(\d+:\d+)"', pick["answer"])
    assert option, pick["answer"]
    moved = site.click("contact_move", option.group(1))
    assert "is now in project Wedding &lt;June&gt;" in moved["answer"]
    view = site.click("contact_view", cid)
    assert "project Wedding &lt;June&gt;" in view["answer"]
    opened = site.click("contact_send", cid)
    assert 'name="action_id" value="desk_send_text"' in opened["answer"]
    sent = site.click("desk_send_text", cid, text="See you Friday")
    assert sent["ok"] and "queued" in _text(sent["answer"])
    out = site.click("contact_opt_out", cid, confirmed="yes")
    assert "Opted out Ann Lee" in _text(out["answer"])
    refused = site.click("desk_send_text", cid, text="one more?")
    assert not refused["ok"] and "opted out" in _text(refused["answer"])


def test_a_thread_reply_is_texted_once_or_kept_as_a_team_note(site: DeskSite) -> None:
    _opted_in(site)
    (thread,) = site.channel.threads()
    form = {"value": str(thread.contact_id), "text": "On my way", "once": "box-1"}
    first = site.request("POST", "/local/desk/reply", data={**form, "mode": "text"}, headers=JSON)
    again = site.request("POST", "/local/desk/reply", data={**form, "mode": "text"}, headers=JSON)
    assert "Sent as a text to +1 415-555-0100" in first.json()["answer"]
    assert "at most once" in again.json()["answer"]
    with site.core.desk.uow(write=False) as uow:
        outbound = [
            m for m in uow.messages.for_contact(thread.contact_id, 20) if m.body == "On my way"
        ]
    assert len(outbound) == 1
    assert "Sent as a text:\nOn my way" in _text(site.page())
    note = {**form, "text": "Call her <back>", "mode": "note", "once": "box-2"}
    kept = site.request("POST", "/local/desk/reply", data=note, headers=JSON)
    assert "Kept as a team note" in kept.json()["answer"]
    assert (
        "Team note (not texted):\nCall her <back>" in _text(site.page())
        and "Call her &lt;back&gt;" in site.page()
    )


def test_every_form_checks_csrf_and_changes_nothing_without_it(site: DeskSite) -> None:
    _opted_in(site)
    cid = str(site.channel.threads()[0].contact_id)
    for path, data in (
        ("/local/desk/sms", {"text": "optout ann"}),
        ("/local/desk/act", {"action_id": "contact_opt_out", "value": cid}),
        ("/local/desk/reply", {"value": cid, "text": "hi", "mode": "text"}),
    ):

        async def post(path: str = path, data: dict[str, str] = data) -> int:
            transport = httpx.ASGITransport(app=site.app, client=site.client)
            async with httpx.AsyncClient(transport=transport, base_url=LOCAL_URL) as http:
                bad = {**data, "csrf": "1.forged.token"}
                return (await http.post(path, data=bad, headers=JSON)).status_code

        assert asyncio.run(post()) == 403, path
    with site.core.desk.uow(write=False) as uow:
        state = uow.numbers.get(PHONE)
        assert state is not None and state.status is Status.OPTED_IN


# ------------------------------------------------------------------ status page, live


def test_the_status_page_shows_counts_filters_search_and_buttons(site: DeskSite) -> None:
    _opted_in(site, "Ann Lee", PHONE)
    _opted_in(site, "Bob Ray", "+14155550101")
    site.command('optout "Bob Ray"')
    words = _text(site.page())
    assert "opted in: 1" in words and "opted out: 1" in words
    filtered = _text(site.request("GET", "/local/desk?status=opted+out").text)
    status_part = filtered.split("SMS Subscription Status", 1)[1]
    assert "Bob Ray" in status_part and "Ann Lee" not in status_part
    found = _text(site.request("GET", "/local/desk?q=ann").text).split("SMS Subscription Status")[1]
    assert "Ann Lee" in found and "Bob Ray" not in found
    by_number = site.request("GET", "/local/desk?q=(415) 555-0101").text
    assert "Bob Ray" in _text(by_number).split("SMS Subscription Status")[1]
    assert 'value="contact_opt_out"' in by_number and 'value="contact_move"' in by_number


def test_live_answers_204_until_something_changes(site: DeskSite) -> None:
    version = site.channel.version
    assert site.request("GET", f"/local/desk/live?v={version}").status_code == 204
    _opted_in(site)
    changed = site.request("GET", f"/local/desk/live?v={version}")
    assert changed.status_code == 200
    data = changed.json()
    assert (
        data["v"] > version
        and "Ann Lee" in data["channel"]
        and "opted in: 1" in _text(data["status"])
    )


# ------------------------------------------------------------------ who may reach it


def test_the_desk_is_404_unless_local_mode_with_a_local_public_url(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    configured = _build(tmp_path / "a", twilio_token="t" * 32)
    remote = _build(tmp_path / "b", public_url="https://desk.example.com")
    for built in (configured, remote):
        assert built.request("GET", "/local/desk").status_code == 404
        assert built.request("GET", "/local/desk/live?v=0").status_code == 404
        built.core.engine.dispose()


def test_the_desk_refuses_other_machines_and_proxied_requests(site: DeskSite) -> None:
    assert site.request("GET", "/local/desk").status_code == 200
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
        assert site.request("GET", "/local/desk", headers={header: "127.0.0.1"}).status_code == 404
    for address in ("203.0.113.7", "10.0.0.5", "::ffff:192.0.2.1"):
        site.client = (address, 40000)
        assert site.request("GET", "/local/desk").status_code == 404, address
        assert site.request("GET", "/local/desk/live?v=0").status_code == 404, address


# ------------------------------------------------------------------ bad input (SPEC §6)


def test_bad_input_gets_a_clear_answer_and_changes_nothing(site: DeskSite) -> None:
    _opted_in(site)

    def shown() -> str:
        panels = site.request("GET", "/local/desk/live?v=-1").json()
        return _text(panels["channel"]) + _text(panels["status"])

    before = shown()
    looks = [
        "/local/desk?page=abc&status=bogus&project=-1",
        "/local/desk?page=99999&project=123456789012345678901234",
        "/local/desk?q=" + "x" * 5000,
        "/local/desk/live?v=garbage&status=%00",
        "/local/desk?q=%F0%9F%92%A9%00<script>",
    ]
    for path in looks:
        assert site.request("GET", path).status_code in (200, 204), path
    clicks = [
        {"action_id": "contact_opt_out", "value": "abc"},
        {"action_id": "contact_opt_out", "value": "99999999999999999999999"},
        {"action_id": "contact_opt_out", "value": "424242", "confirmed": "yes"},
        {"action_id": "contact_move", "value": "1:x"},
        {"action_id": "contact_move", "value": "1:424242"},
        {"action_id": "number_opt_out", "value": "1:not-a-phone", "confirmed": "yes"},
        {"action_id": "no_such_button", "value": "1"},
        {"value": "1"},
        {"action_id": "desk_send_text", "value": "1", "text": ""},
        {"action_id": "desk_send_text", "value": "1", "text": "x" * 5000},
    ]
    for data in clicks:
        answer = site.request("POST", "/local/desk/act", data=data, headers=JSON)
        assert answer.status_code == 200 and answer.json()["ok"] is False, data
    for data in ({"value": "1", "text": "", "mode": "text"}, {"value": "x", "text": "hi"}):
        answer = site.request("POST", "/local/desk/reply", data=data, headers=JSON)
        assert answer.status_code == 200 and answer.json()["ok"] is False, data
    assert site.command("") and "/sms" in _text(site.command("   "))  # empty: the help

    async def raw(content: bytes, content_type: str) -> int:
        transport = httpx.ASGITransport(app=site.app, client=site.client)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL_URL) as http:
            headers = {"Content-Type": content_type, **JSON}
            return (
                await http.post("/local/desk/sms", content=content, headers=headers)
            ).status_code

    assert asyncio.run(raw(b"text=status", "application/json")) == 415
    assert asyncio.run(raw(b"text=\xff\xfe", "application/x-www-form-urlencoded")) == 400
    assert (
        asyncio.run(raw(b"text=" + b"a" * (2 * 1024 * 1024), "application/x-www-form-urlencoded"))
        == 413
    )
    assert shown() == before
