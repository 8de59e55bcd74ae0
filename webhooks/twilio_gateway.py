"""Texts out through Twilio's REST API: the `SmsGateway` the dispatcher uses.

Errors are mapped for the dispatcher's retry logic: 21610 (the recipient
unsubscribed at the carrier) and other 4xx refusals are permanent; 5xx, 429,
401 (credentials being fixed), timeouts and connection errors are transient
and retried with backoff. A read timeout is ambiguous (Twilio may have taken
the text); Twilio's Messages API has no idempotency key, so the generous
timeout keeps that window small.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from consent import messages
from consent.ports import SendResult, SmsError

log = logging.getLogger("optdesk.twilio")

UNSUBSCRIBED = 21610
_TRANSIENT_STATUS = {401, 408, 409, 429}
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - a name, not a bind


class RateLimiter:
    """At most `per_second` calls per second across threads (evenly spaced, no bursts)."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this caller's slot; returns how long it waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay


def map_error(exc: Exception) -> SmsError:
    """What a failed Twilio call means for the dispatcher."""
    if isinstance(exc, TwilioRestException | TwilioServiceException):
        status, code = int(exc.status or 0), exc.code
        detail = _detail(exc)
        if code == UNSUBSCRIBED:
            reason = messages.twilio_refused(code, detail)
            return SmsError(reason, permanent=True, unsubscribed=True, code=code)
        if 400 <= status < 500 and status not in _TRANSIENT_STATUS:
            return SmsError(messages.twilio_refused(code, detail), permanent=True, code=code)
        return SmsError(messages.twilio_unavailable(f"HTTP {status}"), permanent=False, code=code)
    if isinstance(exc, requests.Timeout):
        return SmsError(messages.twilio_unavailable("no answer in time"), permanent=False)
    if isinstance(exc, requests.ConnectionError):
        return SmsError(messages.twilio_unavailable("connection failed"), permanent=False)
    return SmsError(messages.twilio_unavailable(type(exc).__name__), permanent=False)


def _detail(exc: TwilioRestException | TwilioServiceException) -> str:
    text = str(getattr(exc, "msg", "") or getattr(exc, "detail", "") or getattr(exc, "title", ""))
    return text.removeprefix("Unable to create record: ").strip()[:300] or "unknown error"


class TwilioGateway:
    """`SmsGateway` on the real twilio SDK; `api_url` points it elsewhere (tests, proxies)."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        api_url: str | None = None,
        timeout: float = 15.0,
        per_second: float = 1.0,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("give TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self.from_number, self.service = from_number, messaging_service_sid
        self.status_callback = _reachable(status_callback)
        self.limiter = RateLimiter(per_second)
        http = TwilioHttpClient(timeout=timeout)
        if api_url and urlsplit(api_url).hostname in _LOOPBACK and http.session is not None:
            http.session.trust_env = False  # a local API (tests) is never reached via a proxy
        self.client = Client(account_sid, auth_token, http_client=http, environment={})
        if api_url:
            self.client.api.base_url = api_url.rstrip("/")

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        """Hand one text to Twilio; raises SmsError (permanent or not)."""
        options: dict[str, Any] = {"to": to, "body": body}
        if self.service:
            options["messaging_service_sid"] = self.service
        else:
            options["from_"] = self.from_number
        if self.status_callback:
            options["status_callback"] = self.status_callback
        self.limiter.wait()
        try:
            message = self.client.messages.create(**options)
        except (TwilioException, requests.RequestException) as exc:
            error = map_error(exc)
            log.warning("Twilio send for message %s failed: %s", message_id, error.reason)
            raise error from exc
        return SendResult(sid=str(message.sid), status=str(message.status or "accepted"))


def _reachable(callback: str | None) -> str | None:
    """Twilio can't call back a loopback address: leave the callback out, and say so."""
    if callback and urlsplit(callback).hostname in _LOOPBACK:
        log.warning("not asking Twilio for status callbacks: %s is not reachable", callback)
        return None
    return callback
