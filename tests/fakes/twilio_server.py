"""A fake Twilio REST API on 127.0.0.1, driven by the real ``twilio`` SDK.

How to point twilio-python (9.x) at the fake
--------------------------------------------
``twilio.rest.Client`` has **no** ``base_url`` parameter: each domain hard-codes
its host (``ApiBase`` -> ``Domain(client, "https://api.twilio.com")``) and builds
URLs as ``f"{base_url.strip('/')}/{uri.strip('/')}"``.  ``client.api`` is created
once and cached, so overriding its ``base_url`` sticks, and ``client.messages`` is
``client.api.account.messages``::

    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    with FakeTwilio() as tw:
        client = Client(
            tw.account_sid,
            tw.auth_token,
            http_client=TwilioHttpClient(timeout=5.0),  # seconds; default is no timeout!
            environment={},  # ignore TWILIO_EDGE / TWILIO_REGION from os.environ
        )
        client.api.base_url = tw.base_url  # "http://127.0.0.1:PORT" (no trailing path)
        msg = client.messages.create(to="+15551230001", from_="+15550000000", body="hi")
        assert tw.sent[0]["body"] == "hi" and msg.sid == tw.sent[0]["sid"]

``tw.client(timeout=...)`` builds exactly that client.  Do not set ``edge`` /
``region`` (or the env vars ``TWILIO_EDGE`` / ``TWILIO_REGION``):
``Client.get_hostname`` then rewrites the host name and the request leaves
127.0.0.1.  The async path works the same way:
``Client(sid, token, http_client=AsyncTwilioHttpClient(timeout=...))`` (create it
inside a running event loop, ``await http_client.session.close()`` afterwards)
and ``await client.messages.create_async(...)``.

What the SDK raises
-------------------
* HTTP 4xx/5xx with a Twilio JSON error body -> ``TwilioRestException`` with
  ``.status`` (HTTP status), ``.code`` (Twilio error code, e.g. 21610) and
  ``.msg == "Unable to create record: <message>"``.  A non-JSON body gives
  ``.code == .status``.  (A body carrying ``type``+``title``+``status``+``code``
  would become ``TwilioServiceException`` instead; this fake never sends one.)
* A read timeout is **not** wrapped: ``TwilioHttpClient`` lets
  ``requests.exceptions.ReadTimeout`` (a ``requests.exceptions.RequestException``)
  propagate; a refused connection is ``requests.exceptions.ConnectionError``.

Endpoints
---------
* ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (form encoded: ``To``,
  ``From`` or ``MessagingServiceSid``, ``Body``, ``StatusCallback``, ``MediaUrl``
  (repeatable) ...) -> 201 Message resource.  With only ``MessagingServiceSid``
  the status is ``"accepted"`` and ``from`` is null (as Twilio does); otherwise
  ``"queued"``.  Validation: missing To -> 21604, missing From and
  MessagingServiceSid -> 21603, missing Body and MediaUrl -> 21602.
* ``GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`` -> the stored
  message (20404 when unknown).
* ``GET /2010-04-01/Accounts/{AccountSid}/Messages.json`` -> a page of messages,
  newest first (``client.messages.list(...)`` / ``.stream(...)``).  Filters as
  the real API: ``To``, ``From``, ``DateSent`` (that UTC day), ``DateSent>`` (on
  or after), ``DateSent<`` (on or before) -- each a date ``YYYY-MM-DD`` (whole
  days) or a time ``YYYY-MM-DDTHH:MM:SSZ`` as the SDK sends; ``PageSize``
  (default 50, at most 1000) and ``Page``.  The JSON carries ``messages`` and
  ``next_page_uri`` (null on the last page) like Twilio's.
* A created message is answered ``queued`` (``accepted`` with a Messaging
  Service) and is ``sent`` with a ``date_sent`` from then on, as a later fetch or
  list shows; ``hold_queue(True)`` keeps new ones queued with ``date_sent``
  null, like a backlog in Twilio's queue (a ``DateSent`` filter skips those).
* Anything else -> 404 code 20404.  Wrong Basic auth -> 401 code 20003.

Fault modes (thread-safe, may be changed while requests are in flight)
----------------------------------------------------------------------
``fail_with(status=500, code=None, message=None, times=None, body=None)``,
``hang(seconds, times=None)``, ``block_number(e164)``, ``invalid_number(e164)``,
``unblock_number(e164)``, ``clear_faults()``.  Faults apply to every request,
lists and fetches included.  ``times=None`` means until
cleared, an int means the next N requests.  A hanging request wakes early on
``clear_faults()`` or ``stop()``.  Once its hang ends (time up or
``clear_faults()``) it is processed normally even if the client already timed
out -- like the real API, a client-side timeout does not mean "not sent"
(``stop()`` instead drops it unprocessed).  Order per request: record -> hang ->
``fail_with`` -> auth -> route/validate -> blocked/invalid number -> accept.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

if TYPE_CHECKING:
    from twilio.rest import Client

__all__ = ["FakeTwilio", "TwilioRequest"]

API_VERSION = "2010-04-01"
_HANDLER_JOIN_TIMEOUT = 5.0
_DEFAULT_PAGE_SIZE = 50
_MAX_PAGE_SIZE = 1000

# GSM 03.38 basic character set; the extension table costs two septets.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def num_segments(body: str) -> int:
    """Number of SMS segments Twilio would bill for ``body`` (GSM-7 or UCS-2)."""
    if not body:
        return 1
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in body):
        septets = sum(2 if ch in _GSM_EXTENDED else 1 for ch in body)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def _error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@dataclass(frozen=True)
class TwilioRequest:
    """One raw HTTP request received by the fake (recorded before any fault)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    form: dict[str, list[str]]


@dataclass
class _Failure:
    status: int
    code: int
    message: str
    body: str | None
    times: int | None


@dataclass
class _Hang:
    seconds: float
    times: int | None


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any] | None = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks its (daemon) handler threads for joining."""

    daemon_threads = True

    def __init__(self, fake: FakeTwilio) -> None:
        self.fake = fake
        self._handler_threads: set[threading.Thread] = set()
        self._threads_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._run_handler,
            args=(request, client_address),
            name="FakeTwilio-handler",
            daemon=True,
        )
        with self._threads_lock:
            self._handler_threads.add(thread)
        thread.start()

    def _run_handler(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._threads_lock:
                self._handler_threads.discard(threading.current_thread())

    def join_handlers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._threads_lock:
            threads = list(self._handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers
    timeout = 10  # socket timeout while reading a request

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        content_type = self.headers.get("Content-Type", "")
        form = (
            parse_qs(body.decode("utf-8"), keep_blank_values=True)
            if content_type.startswith("application/x-www-form-urlencoded")
            else {}
        )
        request = TwilioRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
            form=form,
        )
        reply = self.server.fake._dispatch(request)
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        if reply.text is not None:
            data = reply.text.encode("utf-8")
            content_type = reply.headers.get("Content-Type", "text/html; charset=utf-8")
        else:
            data = json.dumps(reply.payload).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
            for name, value in reply.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during hang())


class FakeTwilio:
    """Fake Twilio REST API server; see the module docstring for usage."""

    def __init__(self, account_sid: str | None = None, auth_token: str | None = None) -> None:
        self.account_sid: str = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token: str = auth_token or secrets.token_hex(16)
        self.sent: list[dict[str, Any]] = []
        self.requests: list[TwilioRequest] = []
        self._messages: dict[str, dict[str, Any]] = {}
        self._created: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._failures: list[_Failure] = []
        self._hangs: list[_Hang] = []
        self._blocked: set[str] = set()
        self._invalid: set[str] = set()
        self._fault_generation = 0
        self._hold_queue = False
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` -- assign it to ``client.api.base_url``."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Self:
        if self._server is not None:
            return self
        with self._lock:
            self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeTwilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._changed:
            self._stopping = True
            self._changed.notify_all()  # wake hanging handlers
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(_HANDLER_JOIN_TIMEOUT)
        server.join_handlers(_HANDLER_JOIN_TIMEOUT)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def client(self, timeout: float | None = 5.0) -> Client:
        """A real ``twilio.rest.Client`` pointed at this fake (sync, requests-based)."""
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        http_client = TwilioHttpClient(timeout=timeout)
        if http_client.session is not None:
            http_client.session.trust_env = False  # never route 127.0.0.1 via a proxy
        client = Client(self.account_sid, self.auth_token, http_client=http_client, environment={})
        client.api.base_url = self.base_url
        return client

    # ------------------------------------------------------------------ faults

    def fail_with(
        self,
        status: int = 500,
        code: int | None = None,
        message: str | None = None,
        times: int | None = None,
        body: str | None = None,
    ) -> None:
        """Answer ``status`` with a Twilio JSON error (or the raw ``body`` text, as HTML).

        ``code`` defaults to ``20000 + status`` (20500, 20503, 20429 ... as Twilio uses).
        """
        failure = _Failure(
            status=status,
            code=code if code is not None else 20000 + status,
            message=message or f"Simulated failure (HTTP {status})",
            body=body,
            times=times,
        )
        with self._lock:
            self._failures.append(failure)

    def hang(self, seconds: float, times: int | None = None) -> None:
        """Sleep ``seconds`` before answering (woken early by clear_faults()/stop())."""
        with self._lock:
            self._hangs.append(_Hang(seconds=seconds, times=times))

    def block_number(self, e164: str) -> None:
        """Sends to ``e164`` answer 400 / 21610 (recipient replied STOP)."""
        with self._lock:
            self._blocked.add(e164)

    def unblock_number(self, e164: str) -> None:
        with self._lock:
            self._blocked.discard(e164)

    def invalid_number(self, e164: str) -> None:
        """Sends to ``e164`` answer 400 / 21211 (invalid To number)."""
        with self._lock:
            self._invalid.add(e164)

    def hold_queue(self, hold: bool = True) -> None:
        """Keep messages created from now on ``queued`` with no ``date_sent`` (a backlog)."""
        with self._lock:
            self._hold_queue = hold

    def clear_faults(self) -> None:
        """Remove every fault, blocked and invalid number; release hanging requests."""
        with self._changed:
            self._failures.clear()
            self._hangs.clear()
            self._blocked.clear()
            self._invalid.clear()
            self._fault_generation += 1
            self._changed.notify_all()

    def reset(self) -> None:
        """clear_faults() and forget every recorded request and message."""
        self.clear_faults()
        with self._lock:
            self.sent.clear()
            self.requests.clear()
            self._messages.clear()
            self._created.clear()

    # ------------------------------------------------------------------ waiting

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout=timeout)

    def wait_for_sent(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least ``n`` messages were accepted; AssertionError on timeout."""
        if not self._wait(lambda: len(self.sent) >= n, timeout):
            raise AssertionError(
                f"FakeTwilio: expected >= {n} sent messages within {timeout}s, "
                f"got {len(self.sent)}: {self.sent!r}"
            )
        with self._lock:
            return list(self.sent)

    def wait_for_requests(self, n: int = 1, timeout: float = 5.0) -> list[TwilioRequest]:
        """Block until at least ``n`` requests arrived (accepted or not)."""
        if not self._wait(lambda: len(self.requests) >= n, timeout):
            raise AssertionError(
                f"FakeTwilio: expected >= {n} requests within {timeout}s, got {len(self.requests)}"
            )
        with self._lock:
            return list(self.requests)

    # ------------------------------------------------------------------ serving

    @staticmethod
    def _take(rules: list[Any]) -> Any:
        """Pop one use of the first rule (caller holds the lock)."""
        if not rules:
            return None
        rule = rules[0]
        if rule.times is not None:
            rule.times -= 1
            if rule.times <= 0:
                rules.pop(0)
        return rule

    def _dispatch(self, request: TwilioRequest) -> _Reply:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()
            hang: _Hang | None = self._take(self._hangs)
            generation = self._fault_generation
        if hang is not None:
            with self._changed:
                self._changed.wait_for(
                    lambda: self._stopping or self._fault_generation != generation,
                    timeout=hang.seconds,
                )
                if self._stopping:  # shutting down: drop the request unprocessed
                    return _Reply(503, _error_body(503, 20503, "Service Unavailable"))
        with self._lock:
            failure: _Failure | None = self._take(self._failures)
        if failure is not None:
            if failure.body is not None:
                return _Reply(failure.status, text=failure.body)
            return _Reply(
                failure.status, _error_body(failure.status, failure.code, failure.message)
            )
        if not self._authorized(request):
            return _Reply(
                401,
                {
                    **_error_body(401, 20003, "Authenticate"),
                    "detail": "Your AccountSid or AuthToken was incorrect.",
                },
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        prefix = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages"
        if request.method == "POST" and request.path == prefix + ".json":
            return self._create_message(request)
        if request.method == "GET" and request.path == prefix + ".json":
            return self._list_messages(request)
        if request.method == "GET" and request.path.startswith(prefix + "/"):
            sid = request.path[len(prefix) + 1 :].removesuffix(".json")
            with self._lock:
                message = self._messages.get(sid)
            if message is not None:
                return _Reply(200, dict(message))
        return self._not_found(request.path)

    def _authorized(self, request: TwilioRequest) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(
            password, self.auth_token
        )

    @staticmethod
    def _not_found(path: str) -> _Reply:
        return _Reply(404, _error_body(404, 20404, f"The requested resource {path} was not found"))

    def _create_message(self, request: TwilioRequest) -> _Reply:
        def first(name: str) -> str | None:
            values = request.form.get(name)
            return values[0] if values else None

        to = first("To")
        from_ = first("From")
        service = first("MessagingServiceSid")
        body = first("Body")
        media = request.form.get("MediaUrl", [])
        if not to:
            return _Reply(400, _error_body(400, 21604, "A 'To' phone number is required."))
        if not from_ and not service:
            return _Reply(400, _error_body(400, 21603, "A 'From' phone number is required."))
        if not body and not media:
            return _Reply(400, _error_body(400, 21602, "Message body is required."))
        with self._lock:
            blocked = to in self._blocked
            invalid = to in self._invalid
        if invalid:
            return _Reply(400, _error_body(400, 21211, f"Invalid 'To' Phone Number: {to}"))
        if blocked:
            return _Reply(400, _error_body(400, 21610, "Attempt to send to unsubscribed recipient"))

        sid = "SM" + secrets.token_hex(16)
        created = datetime.now(UTC)
        now = format_datetime(created)
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"
        status = "queued" if from_ else "accepted"
        message: dict[str, Any] = {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": service,
            "num_media": str(len(media)),
            "num_segments": str(num_segments(body or "")),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": status,
            "subresource_uris": {
                "media": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": to,
            "uri": uri,
        }
        record: dict[str, Any] = {
            "sid": sid,
            "to": to,
            "from_": from_,
            "messaging_service_sid": service,
            "body": body or "",
            "status_callback": first("StatusCallback"),
            "media_url": list(media),
            "status": status,
            "form": dict(request.form),
        }
        with self._changed:
            # Answered as queued; from then on it is sent, unless a backlog is simulated.
            stored = dict(message)
            if not self._hold_queue:
                stored.update(status="sent", date_sent=now)
            self._messages[sid] = stored
            self._created[sid] = created
            self.sent.append(record)
            self._changed.notify_all()
        return _Reply(201, dict(message))

    def _list_messages(self, request: TwilioRequest) -> _Reply:
        """The Messages list resource: filters, newest first, paged like Twilio's."""

        def first(name: str) -> str | None:
            values = request.query.get(name)
            return values[0] if values else None

        try:
            sent_on = _day_or_time(first("DateSent"))
            sent_after = _day_or_time(first("DateSent>"))
            sent_before = _day_or_time(first("DateSent<"), end_of_day=True)
            size = min(int(first("PageSize") or _DEFAULT_PAGE_SIZE), _MAX_PAGE_SIZE)
            page = int(first("Page") or 0)
        except ValueError:
            return _Reply(400, _error_body(400, 20001, "Invalid filter or paging parameter"))
        if size < 1 or page < 0:
            return _Reply(400, _error_body(400, 20001, "Invalid paging parameter"))
        to, from_ = first("To"), first("From")
        with self._lock:
            rows = [(self._sent_at(m), self._created[sid], m) for sid, m in self._messages.items()]
        picked = [
            (sent_at or created, created, message)
            for sent_at, created, message in rows
            if (not to or message["to"] == to)
            and (not from_ or message["from"] == from_)
            and _sent_within(sent_at, sent_on, sent_after, sent_before)
        ]
        picked.sort(key=lambda row: (row[0], row[1]), reverse=True)
        chunk = [dict(m) for _, _, m in picked[page * size : (page + 1) * size]]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        query = {k: v[0] for k, v in request.query.items() if k not in ("Page", "PageSize")}

        def uri(n: int) -> str:
            return base + "?" + urlencode({**query, "PageSize": size, "Page": n})

        more = (page + 1) * size < len(picked)
        return _Reply(
            200,
            {
                "messages": chunk,
                "end": page * size + max(len(chunk) - 1, 0),
                "first_page_uri": uri(0),
                "next_page_uri": uri(page + 1) if more else None,
                "page": page,
                "page_size": size,
                "previous_page_uri": uri(page - 1) if page else None,
                "start": page * size,
                "uri": uri(page),
            },
        )

    @staticmethod
    def _sent_at(message: dict[str, Any]) -> datetime | None:
        return parsedate_to_datetime(message["date_sent"]) if message["date_sent"] else None


def _sent_within(
    sent_at: datetime | None,
    on: datetime | None,
    after: datetime | None,
    before: datetime | None,
) -> bool:
    """The DateSent filters; a message not sent yet has no date_sent and matches none."""
    if sent_at is None:
        return not (on or after or before)
    return (
        (on is None or on <= sent_at < on + timedelta(days=1))
        and (after is None or sent_at >= after)
        and (before is None or sent_at <= before)
    )


def _day_or_time(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (a whole UTC day: its start, or with ``end_of_day`` its last second)
    or ``YYYY-MM-DDTHH:MM:SSZ``; ValueError otherwise."""
    if not value:
        return None
    if "T" not in value:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        return day + timedelta(days=1, microseconds=-1) if end_of_day else day
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
