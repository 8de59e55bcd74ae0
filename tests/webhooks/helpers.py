"""A live uvicorn server on 127.0.0.1 and a `Site` that drives the sidecar like Twilio would."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from consent.model import NumberState
from consent.records import Message
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.links import issue_link
from storage.tables import metadata
from tests.fakes import FakeTwilio
from tests.support import FixedClock, LiveServer, RecordingNotifier

__all__ = ["CSRF_FIELD", "LiveServer", "Site", "inbound_form", "new_sid", "sign"]

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def new_sid(prefix: str = "SM") -> str:
    return prefix + secrets.token_hex(16)


def sign(token: str, url: str, params: Mapping[str, str]) -> str:
    return str(RequestValidator(token).compute_signature(url, dict(params)))


def inbound_form(from_: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    """What Twilio posts for one inbound SMS, blank geographic fields included."""
    form = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid or "",
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid or "",
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "US",
        "To": "+14155550199",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid or "",
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    form.update(extra)
    return form


@dataclass
class Site:
    """The sidecar under test, its database, a fake Twilio, and the dispatcher."""

    desk: Desk
    engine: Engine
    server: LiveServer
    http: httpx.Client
    twilio: FakeTwilio
    dispatcher: Dispatcher
    notifier: RecordingNotifier
    clock: FixedClock
    auth_token: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        return self.desk.config.public_url.rstrip("/")

    # Twilio -------------------------------------------------------------------------------

    def post_signed(
        self,
        path: str,
        params: Mapping[str, str],
        *,
        signed_url: str | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        url = signed_url or self.public_url + path
        signature = sign(token or self.auth_token, url, params)
        all_headers = {"X-Twilio-Signature": signature, **(headers or {})}
        return self.http.post(path, data=dict(params), headers=all_headers)

    def text_in(
        self, from_: str, body: str, sid: str | None = None, **extra: str
    ) -> httpx.Response:
        """A signed inbound SMS, as Twilio posts it."""
        return self.post_signed("/twilio/sms", inbound_form(from_, body, sid or new_sid(), **extra))

    def status(self, sid: str, status: str, error_code: str | None = None) -> httpx.Response:
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": "AC" + "0" * 32,
            "From": "+14155550199",
            "To": "+14155550100",
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            form["ErrorCode"] = error_code
        return self.post_signed("/twilio/status", form)

    def dispatch(self) -> int:
        """One dispatcher pass (in its own thread: Playwright's sync API owns this one's loop)."""
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self.dispatcher.run_once()).result()

    # Questionnaire ------------------------------------------------------------------------

    def issue(self, name: str = "Ada Lovelace", **kwargs: Any) -> str:
        """A new questionnaire link; returns its path (/q/<token>)."""
        link = issue_link(self.desk, name, actor="U123", **kwargs)
        return "/q/" + link.url.rsplit("/q/", 1)[1]

    def open_form(self, path: str) -> str:
        """GET the form; returns its CSRF token (also set as a cookie by the page)."""
        page = self.http.get(path)
        assert page.status_code == 200, page.text
        found = CSRF_FIELD.search(page.text)
        assert found, "no CSRF field on the page"
        assert page.cookies.get("optdesk_csrf") == found.group(1) or "Secure" in page.headers.get(
            "set-cookie", ""
        )
        return found.group(1)

    def post_form(
        self, path: str, data: Mapping[str, str], csrf: str | None = None
    ) -> httpx.Response:
        """POST a page form with the CSRF cookie a browser would send (the public URL is
        https, so the cookie is Secure and httpx would not send it over plain http)."""
        headers = {"Cookie": f"optdesk_csrf={csrf}"} if csrf else {}
        return self.http.post(path, data=dict(data), headers=headers)

    def answer(
        self, path: str, answer: str | None, phone: str | None = None, **extra: str
    ) -> httpx.Response:
        csrf = self.open_form(path)
        data = {"csrf": csrf, **extra}
        if answer is not None:
            data["answer"] = answer
        if phone is not None:
            data["phone"] = phone
        return self.post_form(path, data, csrf)

    # Database -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, int]:
        """Row counts of every table: equal before and after means nothing changed."""
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for name, table in sorted(metadata.tables.items())
            }

    def number(self, e164: str) -> NumberState | None:
        with self.desk.uow(write=False) as uow:
            return uow.numbers.get(e164)

    def messages_to(self, e164: str) -> list[Message]:
        with self.desk.uow(write=False) as uow:
            state = uow.numbers.get(e164)
            if state is None:
                return []
            found = uow.messages.for_contact(state.contact_id, 100)
        return [m for m in found if m.e164 == e164]
