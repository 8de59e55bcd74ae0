"""A fake Slack Web API (+ response_url endpoint) on 127.0.0.1, for the real slack_sdk.

How to point slack_sdk / slack_bolt at the fake
-----------------------------------------------
::

    from slack_sdk.web.async_client import AsyncWebClient
    from slack_bolt.async_app import AsyncApp

    with FakeSlack() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)  # ".../api/"
        app = AsyncApp(client=client, signing_secret="s3cret")
        # in a payload given to the app, use slack.response_url("cmd1") as response_url;
        # bolt's respond() then posts there (AsyncWebhookClient) -> slack.responses

``base_url`` is ``http://127.0.0.1:PORT/api/``; the SDK appends the method name
(``.../api/chat.postMessage``).  The env setting ``SLACK_API_URL`` should get this
value.  ``AsyncWebClient`` without ``session=`` opens and closes one aiohttp
session per call, so nothing leaks; a client given ``session=`` must close it.
The same URL works for the sync ``slack_sdk.WebClient(base_url=...)``.

Requests are parsed from the query string, form body and JSON body (merged in that
order) into ``Call.args``; headers are kept (case-insensitively) in
``Call.headers``.  Calls are recorded when they arrive, *before* faults are
applied; ``Call.status`` / ``Call.response`` are filled in once answered.

Methods
-------
``auth.test``, ``chat.postMessage`` (ts unique and increasing, ``1700000000.000100``,
``...000200`` ...; a user id ``U123`` as channel is answered as DM channel ``D123``),
``chat.postEphemeral``, ``chat.update`` (``message_not_found`` for a ts the fake did
not post), ``chat.delete``, ``chat.getPermalink``, ``views.publish|open|update|push``,
``usergroups.users.list`` (from ``usergroups``; unknown id -> ``no_such_subteam``),
``users.info`` (from ``users`` overrides, otherwise a generated user in
America/New_York), ``conversations.info``, ``conversations.join``,
``conversations.history`` (the channel's top-level messages posted here, newest first)
and ``conversations.replies`` (the parent, if posted here, then its replies, oldest
first; ``thread_not_found`` when neither).  Both page with ``limit`` / ``cursor``
(``response_metadata.next_cursor``), and show a message's ``metadata`` (as given to
chat.postMessage) only with ``include_all_metadata``.  Anything else
answers ``{"ok": true}``.  A call without any token answers ``not_authed``; if
``accepted_tokens`` is set, other tokens answer ``invalid_auth``.

``POST /response/{name}`` (see ``response_url(name)``) records JSON bodies in
``responses`` (``responses_for(name)``, ``response_calls`` with headers) and answers
``{"ok": true}``.  It also appears in ``calls`` with method ``"response_url"``,
which is the name fault rules match.

Fault modes (thread-safe; ``method=None`` matches every call incl. response URLs)
-------------------------------------------------------------------------------
``fail_with(status=500, times=None, method=None)`` -> that HTTP status with
``{"ok": false, "error": "fatal_error"}``; ``rate_limit(retry_after=1, times=1,
method=None)`` -> 429 + ``Retry-After`` + ``{"ok": false, "error": "ratelimited"}``;
``error(method, error="channel_not_found", times=None)`` -> HTTP 200 ``{"ok": false,
"error": ...}``; ``hang(seconds, times=None, method=None)`` sleeps before answering
(woken early by ``clear_faults()`` / ``stop()``; afterwards the call is processed
normally even if the client timed out, except after ``stop()``); ``clear_faults()``.  ``times=None``
means until cleared.  Order per call: record -> hang -> fail_with -> rate_limit ->
error -> auth -> method.  slack_sdk raises ``SlackApiError`` for all of them
(``e.response.status_code``, ``e.response["error"]``, ``e.response.headers``); it
does not retry 429 unless the client has a ``AsyncRateLimitErrorRetryHandler``.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["Call", "FakeSlack", "ResponseCall"]

_HANDLER_JOIN_TIMEOUT = 5.0
TEAM_ID = "T0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A0001"


class _Headers(dict[str, str]):
    """A dict of request headers whose lookups ignore case."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._lower: dict[str, str] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self._lower[key.lower()] = key

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(self._lower.get(key.lower(), key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lower

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


@dataclass
class Call:
    """One Web API call received by the fake."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int | None = None  # HTTP status answered (None while in flight)
    response: dict[str, Any] | None = None  # JSON answered

    @property
    def token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            return str(auth[7:])
        token = self.args.get("token")
        return str(token) if token else None

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


@dataclass
class ResponseCall:
    """One POST to a response_url."""

    name: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class _Rule:
    kind: str  # "fail" | "rate_limit" | "error" | "hang"
    method: str | None
    times: int | None
    status: int = 500
    error: str = ""
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method is None or self.method == method


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self._handler_threads: set[threading.Thread] = set()
        self._threads_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _KeepAliveHandler if fake.keep_alive else _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._run_handler,
            args=(request, client_address),
            name="FakeSlack-handler",
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


def _flatten(values: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = _Headers(dict(self.headers.items()))
        args: dict[str, Any] = _flatten(parse_qs(parts.query, keep_blank_values=True))
        content_type = headers.get("Content-Type", "").lower()
        text = raw.decode("utf-8", errors="replace")
        if content_type.startswith("application/x-www-form-urlencoded"):
            args.update(_flatten(parse_qs(text, keep_blank_values=True)))
        elif content_type.startswith("application/json") and text.strip():
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                body = None
            if isinstance(body, dict):
                args.update(body)
        reply = self.server.fake._dispatch(parts.path, args, headers)
        data = json.dumps(reply.payload).encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout fired during hang())


class _KeepAliveHandler(_Handler):
    protocol_version = "HTTP/1.1"  # every answer has a Content-Length: the connection stays


class FakeSlack:
    """Fake Slack Web API server; see the module docstring for usage."""

    def __init__(
        self,
        usergroups: dict[str, list[str]] | None = None,
        users: dict[str, dict[str, Any]] | None = None,
        accepted_tokens: set[str] | None = None,
        *,
        keep_alive: bool = False,
    ) -> None:
        # keep_alive: HTTP/1.1 connections that serve request after request, as Slack's
        # do (make bench, where the server's one session reuses them); tests keep one
        # request per connection, so nothing lingers past a test.
        self.keep_alive = keep_alive
        self.usergroups: dict[str, list[str]] = dict(usergroups or {})
        self.users: dict[str, dict[str, Any]] = dict(users or {})
        self.accepted_tokens: set[str] | None = accepted_tokens
        self.calls: list[Call] = []
        self.response_calls: list[ResponseCall] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._rules: list[_Rule] = []
        self._fault_generation = 0
        self._stopping = False
        self._ts = itertools.count(1_700_000_000_000_100, 100)
        self._view_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` -- pass as ``AsyncWebClient(base_url=...)``."""
        return self.root_url + "/api/"

    def response_url(self, name: str = "x") -> str:
        """A response_url whose POSTs are recorded in ``responses``."""
        return f"{self.root_url}/response/{name}"

    def start(self) -> Self:
        if self._server is not None:
            return self
        with self._lock:
            self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeSlack",
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
            self._changed.notify_all()
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

    # ------------------------------------------------------------------ recordings

    @property
    def responses(self) -> list[dict[str, Any]]:
        """JSON bodies posted to response URLs, in arrival order."""
        with self._lock:
            return [r.body for r in self.response_calls]

    def responses_for(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r.body for r in self.response_calls if r.name == name]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout=timeout)

    def wait_for(self, method: str, n: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``n`` calls to ``method`` arrived; AssertionError on timeout."""

        def count() -> int:
            return sum(1 for c in self.calls if c.method == method)

        if not self._wait(lambda: count() >= n, timeout):
            seen = [c.method for c in self.calls]
            raise AssertionError(
                f"FakeSlack: expected >= {n} {method} calls within {timeout}s; saw {seen}"
            )
        return self.calls_to(method)

    def wait_for_responses(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        if not self._wait(lambda: len(self.response_calls) >= n, timeout):
            raise AssertionError(
                f"FakeSlack: expected >= {n} response_url posts within {timeout}s, "
                f"got {len(self.response_calls)}"
            )
        return self.responses

    def reset(self) -> None:
        """Forget calls, responses, posted messages and faults (keeps users/usergroups)."""
        self.clear_faults()
        with self._lock:
            self.calls.clear()
            self.response_calls.clear()
            self.messages.clear()

    # ------------------------------------------------------------------ faults

    def _add_rule(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def fail_with(
        self, status: int = 500, times: int | None = None, method: str | None = None
    ) -> None:
        self._add_rule(_Rule("fail", method, times, status=status))

    def rate_limit(
        self, retry_after: int = 1, times: int | None = 1, method: str | None = None
    ) -> None:
        self._add_rule(_Rule("rate_limit", method, times, seconds=retry_after))

    def error(
        self, method: str, error: str = "channel_not_found", times: int | None = None
    ) -> None:
        self._add_rule(_Rule("error", method, times, error=error))

    def hang(self, seconds: float, times: int | None = None, method: str | None = None) -> None:
        self._add_rule(_Rule("hang", method, times, seconds=seconds))

    def clear_faults(self) -> None:
        with self._changed:
            self._rules.clear()
            self._fault_generation += 1
            self._changed.notify_all()

    def _take(self, kind: str, method: str) -> _Rule | None:
        """Consume one use of the first matching rule (caller holds the lock)."""
        for rule in self._rules:
            if rule.kind == kind and rule.matches(method):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None

    # ------------------------------------------------------------------ serving

    def _dispatch(self, path: str, args: dict[str, Any], headers: dict[str, str]) -> _Reply:
        if path.startswith("/response/"):
            method = "response_url"
        elif path.startswith("/api/"):
            method = path[len("/api/") :]
        else:
            return _Reply(404, {"ok": False, "error": "unknown_method"})
        call = Call(method=method, args=args, headers=headers)
        stopping = False
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
            hang = self._take("hang", method)
            generation = self._fault_generation
        if hang is not None:
            with self._changed:
                self._changed.wait_for(
                    lambda: self._stopping or self._fault_generation != generation,
                    timeout=hang.seconds,
                )
                stopping = self._stopping
        reply = (
            _Reply(503, {"ok": False, "error": "service_unavailable"})
            if stopping
            else self._answer(method, path, call)
        )
        with self._changed:
            call.status = reply.status
            call.response = reply.payload
            self._changed.notify_all()
        return reply

    def _answer(self, method: str, path: str, call: Call) -> _Reply:
        with self._lock:
            fail = self._take("fail", method)
            limited = None if fail else self._take("rate_limit", method)
            error = None if fail or limited else self._take("error", method)
        if fail is not None:
            return _Reply(fail.status, {"ok": False, "error": "fatal_error"})
        if limited is not None:
            return _Reply(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(int(limited.seconds))},
            )
        if error is not None:
            return _Reply(200, {"ok": False, "error": error.error})
        if (invalid := _invalid_block_kit(method, call.args)) is not None:
            return _Reply(400 if method == "response_url" else 200, invalid)
        if method == "response_url":
            name = path[len("/response/") :]
            with self._changed:
                self.response_calls.append(ResponseCall(name, dict(call.args), call.headers))
                self._changed.notify_all()
            return _Reply(200, {"ok": True})
        token = call.token
        if not token:
            return _Reply(200, {"ok": False, "error": "not_authed"})
        if self.accepted_tokens is not None and token not in self.accepted_tokens:
            return _Reply(200, {"ok": False, "error": "invalid_auth"})
        handler = self._METHODS.get(method)
        payload = handler(self, call.args) if handler else {"ok": True}
        return _Reply(200, payload)

    # ------------------------------------------------------------------ methods

    def _next_ts(self) -> str:
        with self._lock:
            return self._next_ts_locked()

    def _next_ts_locked(self) -> str:
        value = next(self._ts)
        return f"{value // 1_000_000}.{value % 1_000_000:06d}"

    @staticmethod
    def _json_arg(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://optdesk-test.slack.com/",
            "team": "Optdesk Test",
            "user": "optdesk",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        blocks = self._json_arg(args.get("blocks"))
        text = args.get("text")
        if not text and not blocks and not args.get("attachments"):
            return {"ok": False, "error": "no_text"}
        if channel[0] in "UW":
            channel = "D" + channel[1:]
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text or "",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if blocks:
            message["blocks"] = blocks
        metadata = self._json_arg(args.get("metadata"))
        if isinstance(metadata, dict):
            message["metadata"] = metadata
        with self._lock:
            self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    @staticmethod
    def _flag(value: Any) -> bool:
        return str(value).lower() in ("1", "true")

    def _listed(
        self, messages: list[dict[str, Any]], args: dict[str, Any], default_limit: int
    ) -> dict[str, Any]:
        """One page of `messages` (``limit``, ``cursor`` = an offset), as Slack lists them."""
        try:
            limit = int(args.get("limit") or default_limit)
            start = int(args.get("cursor") or 0)
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        with_metadata = self._flag(args.get("include_all_metadata"))
        page = [
            {k: v for k, v in m.items() if k != "metadata" or with_metadata}
            for m in messages[start : start + limit]
        ]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            found = [
                dict(m)
                for (c, _), m in self.messages.items()
                if c == channel and m.get("thread_ts", m["ts"]) == m["ts"]  # no replies
            ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        return self._listed(found, args, 100)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            parent = self.messages.get((channel, ts))
            replies = [
                dict(m)
                for (c, _), m in self.messages.items()
                if c == channel and m.get("thread_ts") == ts and m["ts"] != ts
            ]
        if parent is None and not replies:
            return {"ok": False, "error": "thread_not_found"}
        replies.sort(key=lambda m: float(m["ts"]))
        return self._listed(([dict(parent)] if parent else []) + replies, args, 1000)

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        with self._lock:
            message = self.messages.get((channel, ts))
            if message is None:
                return {"ok": False, "error": "message_not_found"}
            if "text" in args:
                message["text"] = args["text"]
            if "blocks" in args:
                message["blocks"] = self._json_arg(args["blocks"])
            message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts_locked()}
            text = message.get("text", "")
            snapshot = dict(message)
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": snapshot}

    def _delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        with self._lock:
            if self.messages.pop((channel, ts), None) is None:
                return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "ts": ts}

    def _view(self, args: dict[str, Any], required: str | None) -> dict[str, Any]:
        if required and not (
            args.get(required) or (required == "view_id" and args.get("external_id"))
        ):
            return {"ok": False, "error": "invalid_arguments"}
        view = self._json_arg(args.get("view"))
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = str(args.get("view_id") or "")
        if not view_id:
            with self._lock:
                view_id = f"V{next(self._view_ids):010d}"
        return {
            "ok": True,
            "view": {
                "id": view_id,
                "team_id": TEAM_ID,
                "type": view.get("type", "modal"),
                "blocks": view.get("blocks", []),
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "external_id": view.get("external_id", args.get("external_id", "")),
                "state": {"values": {}},
                "hash": secrets.token_hex(8),
                "title": view.get("title"),
                "clear_on_close": False,
                "notify_on_close": False,
                "root_view_id": view_id,
                "previous_view_id": None,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
            },
        }

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, "user_id")

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, "trigger_id")

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, "view_id")

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, "trigger_id")

    def _usergroup_users(self, args: dict[str, Any]) -> dict[str, Any]:
        group = str(args.get("usergroup") or "")
        with self._lock:
            members = self.usergroups.get(group)
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(members)}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user") or "")
        if not user_id:
            return {"ok": False, "error": "user_not_found"}
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "real_name": f"User {user_id}",
            "deleted": False,
            "is_bot": user_id == BOT_USER_ID,
            "is_admin": False,
            "tz": "America/New_York",
            "tz_label": "Eastern Standard Time",
            "tz_offset": -18000,
            "profile": {
                "real_name": f"User {user_id}",
                "display_name": user_id.lower(),
                "email": f"{user_id.lower()}@example.com",
            },
        }
        with self._lock:
            user.update(self.users.get(user_id, {}))
        return {"ok": True, "user": user}

    @staticmethod
    def _channel(channel_id: str) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_channel": channel_id.startswith("C"),
            "is_group": False,
            "is_im": channel_id.startswith("D"),
            "is_private": channel_id.startswith("G"),
            "is_archived": False,
            "is_member": True,
            "context_team_id": TEAM_ID,
        }

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": self._channel(channel)}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": self._channel(channel)}

    def _get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("message_ts") or "")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": (
                f"https://optdesk-test.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            ),
        }

    _METHODS: ClassVar[dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]]] = {
        "auth.test": _auth_test,
        "chat.postMessage": _post_message,
        "chat.postEphemeral": _post_ephemeral,
        "chat.update": _update,
        "chat.delete": _delete,
        "chat.getPermalink": _get_permalink,
        "views.publish": _views_publish,
        "views.open": _views_open,
        "views.update": _views_update,
        "views.push": _views_push,
        "usergroups.users.list": _usergroup_users,
        "users.info": _users_info,
        "conversations.info": _conversations_info,
        "conversations.join": _conversations_join,
        "conversations.history": _conversations_history,
        "conversations.replies": _conversations_replies,
    }


def _invalid_block_kit(method: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
    """Slack's own refusal of malformed Block Kit, checked with slack_sdk's models (what
    the real API refuses as `invalid_blocks`): every block of a message, an ephemeral, an
    update or a response_url post, and every view a `views.*` call carries."""
    from slack_sdk.errors import SlackObjectFormationError
    from slack_sdk.models.blocks import Block
    from slack_sdk.models.views import View

    try:
        if method.startswith("views."):
            view = FakeSlack._json_arg(args.get("view"))
            if isinstance(view, dict):
                View(**view).validate_json()
            return None
        blocks = FakeSlack._json_arg(args.get("blocks"))
        if blocks in (None, ""):
            return None
        if not isinstance(blocks, list):
            return {"ok": False, "error": "invalid_blocks_format"}
        for raw in blocks:
            block = Block.parse(raw) if isinstance(raw, dict) else None
            if block is None:
                return {"ok": False, "error": "invalid_blocks", "block": repr(raw)[:200]}
            block.validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as err:
        return {"ok": False, "error": "invalid_blocks", "detail": str(err)[:300]}
    return None
