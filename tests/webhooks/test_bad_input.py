"""A corpus of bad input for every endpoint: a clear answer, never a 500, nothing changed.

Each case gets a fresh site with one issued link (and its CSRF token), sends one bad
request, and checks the status against what it expects, then compares the database
(row counts of every table, and every number's, link's and message's row) with before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import sqlalchemy as sa

from storage.tables import link_t, message_t, phone_t
from tests.webhooks.helpers import Site, inbound_form, new_sid

PHONE = "+14155550100"


@dataclass
class Ctx:
    site: Site
    path: str  # /q/<token> of a live link
    csrf: str  # a valid CSRF token (field and cookie) for it

    def signed(self, path: str, form: dict[str, str], **headers: str) -> httpx.Response:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return self.site.post_signed(path, form, headers=headers)

    def raw(
        self, path: str, body: bytes | str, content_type: str | None, **headers: str
    ) -> httpx.Response:
        all_headers = dict(headers)
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        data = body.encode() if isinstance(body, str) else body
        return self.site.http.post(path, content=data, headers=all_headers)

    def form(
        self, data: dict[str, str] | list[tuple[str, str]], path: str | None = None
    ) -> httpx.Response:
        """A form post with this case's CSRF cookie; a list keeps repeated fields."""
        target = path or self.path
        cookie = {"Cookie": f"optdesk_csrf={self.csrf}"}
        if isinstance(data, list):
            return self.raw(target, urlencode(data), FORM, **cookie)
        return self.site.http.post(target, data=data, headers=cookie)

    def answer(self, **fields: str) -> httpx.Response:
        return self.form({"csrf": self.csrf, **fields})


Case = Callable[[Ctx], httpx.Response]
SIG = {"X-Twilio-Signature": "c2lnbmF0dXJl"}
FORM = "application/x-www-form-urlencoded"


def sms(**changes: str) -> Case:
    """A Twilio-signed inbound form with some fields changed."""
    return lambda c: c.signed("/twilio/sms", {**inbound_form(PHONE, "STOP", new_sid()), **changes})


def status(**fields: str) -> Case:
    return lambda c: c.signed("/twilio/status", fields)


def raw(path: str, body: bytes | str, content_type: str | None, **headers: str) -> Case:
    """Bytes as they are, with a (random) signature header so the body gets read."""
    return lambda c: c.raw(path, body, content_type, **SIG, **headers)


def with_signature(signature: str) -> Case:
    form = inbound_form(PHONE, "STOP", new_sid())
    return lambda c: c.site.http.post(
        "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )


def settings(value: str) -> Case:
    header = {"X-Twilio-Webhooks-Signature-Settings": value}
    return lambda c: c.signed("/twilio/sms", inbound_form(PHONE, "STOP", new_sid()), **header)


def answer(**fields: str) -> Case:
    return lambda c: c.answer(**fields)


def page_form(data: list[tuple[str, str]] | dict[str, str], path: str | None = None) -> Case:
    """A page form; the strings "CSRF" and "PATH" stand for the case's own token and link."""

    def run(c: Ctx) -> httpx.Response:
        def fill(value: str) -> str:
            return c.csrf if value == "CSRF" else value

        pairs = data.items() if isinstance(data, dict) else data
        filled = [(key, fill(value)) for key, value in pairs]
        return c.form(filled if isinstance(data, list) else dict(filled), path)

    return run


def page_raw(body: bytes, content_type: str) -> Case:
    def run(c: Ctx) -> httpx.Response:
        data = body.replace(b"CSRF", c.csrf.encode())
        return c.raw(c.path, data, content_type, Cookie=f"optdesk_csrf={c.csrf}")

    return run


def get_token(token: str) -> Case:
    return lambda c: c.site.http.get(f"/q/{token}")


def post_token(token: str) -> Case:
    return page_form({"csrf": "CSRF", "answer": "yes", "phone": PHONE}, f"/q/{token}")


def chunked(size: int) -> Case:
    headers = {"Content-Type": FORM, **SIG}
    chunks = [b"x" * 8192] * (size // 8192)
    return lambda c: c.site.http.post("/twilio/sms", content=iter(chunks), headers=headers)


TWILIO_CASES: list[tuple[str, Case, set[int]]] = [
    ("unsigned-garbage", lambda c: c.raw("/twilio/sms", "a=b&c", FORM), {403}),
    ("unsigned-stop", with_signature(""), {403}),
    ("signed-empty-form", lambda c: c.signed("/twilio/sms", {}), {400}),
    ("signed-garbage-fields", lambda c: c.signed("/twilio/sms", {"foo": "bar", "baz": ""}), {400}),
    ("sid-sql", sms(MessageSid="'; DROP TABLE message;--", SmsMessageSid=""), {400}),
    ("sid-short", sms(MessageSid="SM123", SmsMessageSid=""), {400}),
    ("sid-emoji", sms(MessageSid="SM" + "🙂" * 32, SmsMessageSid=""), {400}),
    ("sid-html", sms(MessageSid="<script>alert(1)</script>", SmsMessageSid=""), {400}),
    ("from-words", sms(From="not a number"), {400}),
    ("from-empty", sms(From=""), {400}),
    ("from-html", sms(From="<img src=x onerror=alert(1)>"), {400}),
    ("from-sql", sms(From="' OR 1=1 --"), {400}),
    ("from-short", sms(From="+1"), {400}),
    ("from-whatsapp", sms(From="whatsapp:+14155550100"), {400}),
    ("body-too-long", sms(Body="S" * 6000), {400}),
    ("huge-signed-body", raw("/twilio/sms", "Body=" + "x" * 70_000, FORM), {413}),
    ("huge-chunked-body", chunked(160_000), {413}),
    ("json-body", raw("/twilio/sms", '{"MessageSid": "SM1"}', "application/json"), {415}),
    ("text-plain", raw("/twilio/sms", "STOP", "text/plain"), {415}),
    ("multipart", raw("/twilio/sms", "--x\r\n\r\n--x--", "multipart/form-data; boundary=x"), {415}),
    ("no-content-type", raw("/twilio/sms", "a=b", None), {415}),
    ("latin-1-charset", raw("/twilio/sms", "a=b", FORM + "; charset=latin-1"), {415}),
    ("invalid-utf8-bytes", raw("/twilio/sms", b"Body=\xff\xfe", FORM), {400}),
    ("invalid-utf8-escape", raw("/twilio/sms", "Body=%ff%fe", FORM), {400}),
    ("nul-byte", raw("/twilio/sms", "Body=a%00b", FORM), {400}),
    ("too-many-fields", raw("/twilio/sms", "&".join(f"f{n}=1" for n in range(500)), FORM), {400}),
    ("signature-empty", with_signature(""), {403}),
    ("signature-huge", with_signature("A" * 10_000), {403}),
    ("signature-short", with_signature("c2ln"), {403}),
    (
        "signature-other-token",
        lambda c: c.site.post_signed(
            "/twilio/sms", inbound_form(PHONE, "STOP", new_sid()), token="x" * 32
        ),
        {403},
    ),
    ("signature-sha256-claim", settings("key=k,algorithm=HMAC_SHA256"), {403}),
    ("signature-unknown-algorithm", settings("algorithm=MD5"), {403}),
    ("get-sms", lambda c: c.site.http.get("/twilio/sms"), {405}),
    (
        "status-unsigned",
        lambda c: c.site.http.post(
            "/twilio/status", data={"MessageSid": new_sid(), "MessageStatus": "delivered"}
        ),
        {403},
    ),
    ("status-empty", status(), {400}),
    ("status-missing-status", status(MessageSid=new_sid()), {400}),
    ("status-sql-status", status(MessageSid=new_sid(), MessageStatus="delivered'; --"), {400}),
    ("status-unknown-status", status(MessageSid=new_sid(), MessageStatus="exploded"), {200}),
    (
        "status-bad-error-code",
        status(MessageSid=new_sid(), MessageStatus="failed", ErrorCode="<b>"),
        {400},
    ),
    (
        "status-unknown-sid",
        status(MessageSid=new_sid(), MessageStatus="delivered", ErrorCode="21610"),
        {200},
    ),
    ("status-huge", raw("/twilio/status", "x=" + "y" * 80_000, FORM), {413}),
    ("status-json", raw("/twilio/status", "{}", "application/json"), {415}),
]

GUESSED_TOKENS = [
    "a",
    "x" * 15,
    "x" * 43,
    "x" * 101,
    "y" * 3000,
    "%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "'%20OR%201=1%20--%20aaaaaaaaaaaaaaaaaaaa",
    "%F0%9F%99%82" * 20,
    "..%2F..%2F..%2Fetc%2Fpasswd%2F%2Faaaaaaaaaa",
    secrets.token_urlsafe(32),
    "null",
]

PAGE_CASES: list[tuple[str, Case, set[int]]] = [
    *[(f"get-token-{n}", get_token(t), {404}) for n, t in enumerate(GUESSED_TOKENS)],
    *[(f"post-token-{n}", post_token(t), {404}) for n, t in enumerate(GUESSED_TOKENS)],
    ("answer-maybe", answer(answer="maybe", phone=PHONE), {422}),
    ("answer-html", answer(answer="<script>alert(1)</script>"), {400, 422}),
    ("answer-sql", answer(answer="yes' OR '1'='1"), {400, 422}),
    ("phone-letters", answer(answer="yes", phone="abc"), {422}),
    ("phone-vanity", answer(answer="yes", phone="1-800-FLOWERS"), {422}),
    ("phone-extension", answer(answer="yes", phone="415 555 0100 ext 12"), {422}),
    ("phone-too-long", answer(answer="yes", phone="+1 (415) 555-01234567890123456789012"), {422}),
    ("phone-emoji", answer(answer="yes", phone="📞 415 555 0100"), {422}),
    ("phone-html", answer(answer="yes", phone="<script>alert(1)</script>"), {422}),
    ("phone-sql", answer(answer="yes", phone="'; DROP TABLE contact; --"), {422}),
    ("phone-unknown-country", answer(answer="yes", phone="+999 123 4567"), {422}),
    ("phone-zero", answer(answer="yes", phone="0"), {422}),
    ("phone-blank", answer(answer="yes", phone="   "), {422}),
    ("phone-missing-area-code", answer(answer="yes", phone="555 0100"), {422}),
    ("phone-rtl-override", answer(answer="yes", phone="\u202e0010 555 514"), {422}),
    ("phone-300-chars", answer(answer="yes", phone="1" * 300), {400}),
    ("answer-twice", page_form([("csrf", "CSRF"), ("answer", "yes"), ("answer", "no")]), {400}),
    ("csrf-twice", page_form([("csrf", "CSRF"), ("csrf", "CSRF"), ("answer", "no")]), {400}),
    ("csrf-missing", page_form({"answer": "no"}), {403}),
    ("csrf-wrong", page_form({"csrf": "1.2.3", "answer": "no"}), {403}),
    ("csrf-unicode", page_form({"csrf": "é" * 40, "answer": "no"}), {403}),
    ("csrf-huge", page_form({"csrf": "9" * 500, "answer": "no"}), {400, 403}),
    (
        "csrf-no-cookie",
        lambda c: c.site.http.post(c.path, data={"csrf": c.csrf, "answer": "no"}),
        {403},
    ),
    (
        "csrf-cookie-only",
        lambda c: c.site.http.post(
            c.path, data={"answer": "no"}, headers={"Cookie": f"optdesk_csrf={c.csrf}"}
        ),
        {403},
    ),
    ("page-json", page_raw(b'{"csrf": "CSRF", "answer": "no"}', "application/json"), {415}),
    ("page-multipart", page_raw(b"--b\r\n\r\n--b--", "multipart/form-data; boundary=b"), {415}),
    ("page-huge", page_raw(b"csrf=CSRF&answer=no&pad=" + b"x" * 20_000, FORM), {413}),
    ("page-bad-utf8", page_raw(b"csrf=CSRF&answer=\xff", FORM), {400}),
    ("page-nul", answer(answer="no", phone="\x00"), {400}),
    ("local-phone-absent", page_form({"csrf": "CSRF", "from": PHONE}, "/local/phone"), {404}),
    ("put-page", lambda c: c.site.http.put(c.path, data={"answer": "no"}), {405}),
]

CASES = TWILIO_CASES + PAGE_CASES


def _rows(site: Site) -> dict[str, Any]:
    with site.engine.connect() as conn:
        return {
            "counts": site.snapshot(),
            "numbers": conn.execute(sa.select(phone_t).order_by(phone_t.c.id)).all(),
            "links": conn.execute(sa.select(link_t).order_by(link_t.c.id)).all(),
            "messages": conn.execute(sa.select(message_t).order_by(message_t.c.id)).all(),
        }


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("case", "expected"), [pytest.param(case, expected, id=name) for name, case, expected in CASES]
)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    site: Site, case: Case, expected: set[int]
) -> None:
    ctx = Ctx(site, site.issue("Ada <script>alert('x')</script> O'Brien 🙂"), "")
    ctx.csrf = site.open_form(ctx.path)
    before = _rows(site)
    response = case(ctx)
    assert response.status_code in expected, response.text[:500]
    assert response.status_code < 500
    assert "Traceback" not in response.text
    assert "<script>alert" not in response.text
    assert _rows(site) == before


def test_a_known_sid_signed_form_is_the_only_thing_that_changes_state(site: Site) -> None:
    # The control for the corpus: the same site, a well-formed signed STOP, does change state.
    before = site.snapshot()
    response = site.post_signed("/twilio/sms", inbound_form(PHONE, "STOP", new_sid()))
    assert response.status_code == 200
    assert site.snapshot() != before
