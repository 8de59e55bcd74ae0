"""Texts out through Twilio's REST API: the `SmsGateway` the dispatcher uses.

Errors are mapped for the dispatcher's retry logic: 21610 (the recipient
unsubscribed at the carrier) and other 4xx refusals are permanent; 5xx, 429,
401 (credentials being fixed), timeouts and connection errors are transient
and retried with backoff.

A failure that came after the request left (a read timeout, a connection
dropped mid-answer, a 504 from a gateway in front of Twilio) is *uncertain*:
Twilio may have taken the text. Its Messages API has no idempotency key, so
before sending a text again the dispatcher calls `find_sent`, which lists the
recipient's newest messages and matches body and sender. A connection that
was never made (refused, connect timeout) is certain: nothing was sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError

from consent.senders import SendResult, SmsError
from webhooks.twilio_errors import UNSUBSCRIBED, twilio_refused, twilio_unavailable

log = logging.getLogger("optdesk.twilio")

_TRANSIENT_STATUS = {401, 408, 409, 429}
GATEWAY_TIMEOUT = 504  # a proxy gave up waiting for Twilio, which may still have sent it
FIND_LIMIT = 50  # newest messages to one number read when looking for a lost answer
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
            reason = twilio_refused(code, detail)
            return SmsError(reason, permanent=True, unsubscribed=True, code=code)
        if 400 <= status < 500 and status not in _TRANSIENT_STATUS:
            return SmsError(twilio_refused(code, detail), permanent=True, code=code)
        return SmsError(
            twilio_unavailable(f"HTTP {status}"),
            permanent=False,
            code=code,
            uncertain=status == GATEWAY_TIMEOUT,
        )
    if _never_sent(exc):
        return SmsError(twilio_unavailable("connection failed"), permanent=False)
    if isinstance(exc, requests.Timeout):
        detail = "no answer in time"
    elif isinstance(exc, requests.ConnectionError):
        detail = "connection lost before the answer"
    else:
        detail = type(exc).__name__
    return SmsError(twilio_unavailable(detail), permanent=False, uncertain=True)


def _never_sent(exc: Exception) -> bool:
    """True when the request cannot have reached Twilio: no connection was ever made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return False
    cause = exc.args[0]
    return isinstance(getattr(cause, "reason", cause), ConnectTimeoutError)  # incl. refused


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

    def pace(self) -> float:
        """Wait for this process's next sending slot (OPTDESK_SMS_PER_SECOND)."""
        return self.limiter.wait()

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        """Hand one text to Twilio now (the dispatcher has paced it); raises SmsError."""
        options: dict[str, Any] = {"to": to, "body": body}
        if self.service:
            options["messaging_service_sid"] = self.service
        else:
            options["from_"] = self.from_number
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**options)
        except (TwilioException, requests.RequestException) as exc:
            error = map_error(exc)
            log.warning(
                "Twilio send for message %s failed%s: %s",
                message_id,
                " (it may have been sent)" if error.uncertain else "",
                error.reason,
            )
            raise error from exc
        return SendResult(sid=str(message.sid), status=str(message.status or "accepted"))

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        """Our texts to `to` with exactly `body`, created at or after `since`, newest first.

        Reads the newest FIND_LIMIT messages to the number (one request) and filters here:
        no DateSent filter, because a text Twilio still holds in its queue has no
        date_sent yet, and that is just the one a timed-out send may have left behind.
        """
        options: dict[str, Any] = {"to": to, "limit": FIND_LIMIT, "page_size": FIND_LIMIT}
        if not self.service:
            options["from_"] = self.from_number
        try:  # a read, not a text: the sending rate does not apply
            found = self.client.messages.list(**options)
        except (TwilioException, requests.RequestException) as exc:
            error = map_error(exc)
            log.warning("could not ask Twilio what was sent to %s: %s", to, error.reason)
            raise SmsError(error.reason, permanent=False, code=error.code) from exc
        return [
            SendResult(sid=str(m.sid), status=str(m.status or "accepted"))
            for m in found
            if self._is_ours(m, to, body, since)
        ]

    def _is_ours(self, m: Any, to: str, body: str, since: datetime) -> bool:
        """Sent by this desk's sender to `to` with this very body, no earlier than `since`."""
        if self.service:
            sender_ok = m.messaging_service_sid == self.service
        else:
            sender_ok = m.from_ == self.from_number
        created = m.date_created
        return (
            sender_ok
            and m.to == to
            and (m.body or "") == body
            and str(m.direction or "").startswith("outbound")
            and (created is None or created >= since)
        )


def _reachable(callback: str | None) -> str | None:
    """Twilio can't call back a loopback address: leave the callback out, and say so."""
    if callback and urlsplit(callback).hostname in _LOOPBACK:
        log.warning("not asking Twilio for status callbacks: %s is not reachable", callback)
        return None
    return callback
