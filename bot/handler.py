"""The Starlette endpoint for Slack: `POST /slack/events` (commands, interactivity, events).

Bolt checks the signature and answers 401 to anything unsigned, but it crashes (500)
on a garbled timestamp header or on a body that isn't what its content type says. So
the signature is checked here first, over the raw bytes, with Bolt's answer (401) to
any header value it cannot use; then a signed body that isn't what its content type
says gets 400. Only then does Bolt see the request. The sidecar reads every body with
its 1 MB limit (413, webhooks.limits), this one included. None of these answers change
anything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PATH = "/slack/events"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_AGE_S = 60 * 5
MAX_STAMP_DIGITS = 12  # seconds since 1970 have 10 digits until the year 2286


def signed(raw: bytes, headers: Mapping[str, str], secret: str) -> bool:
    """Slack's v0 signature over the raw bytes (as slack_sdk checks it, without decoding)."""
    stamp = headers.get("x-slack-request-timestamp", "")
    given = headers.get("x-slack-signature", "")
    if (
        not secret
        or not (stamp.isascii() and stamp.isdigit() and len(stamp) <= MAX_STAMP_DIGITS)
        or abs(time.time() - int(stamp)) > MAX_AGE_S
    ):
        return False
    base = b"v0:" + stamp.encode("ascii") + b":" + raw
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    # bytes, not str: compare_digest refuses a str with non-ASCII characters (a 500)
    given_bytes = given.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(expected.encode("ascii"), given_bytes)


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What Bolt indexes without looking (a crash, not a 400, if it isn't there)."""
    if "event" in data:
        event = data["event"]
        if not (isinstance(event, dict) and isinstance(event.get("type", ""), str)):
            return "the event is not an object"
    if "actions" in data:  # Bolt reads actions[0] and its action_id
        actions = data["actions"]
        blocks = data.get("type") == "block_actions"
        if not (
            isinstance(actions, list)
            and actions
            and all(
                isinstance(a, dict) and (not blocks or isinstance(a.get("action_id"), str))
                for a in actions
            )
        ):
            return "the actions are not a list of actions"
    for key in ("user", "team", "channel", "view", "container", "message"):
        if not isinstance(data.get(key) or {}, dict):
            return f"{key} is not an object"
    return None


def body_problem(content_type: str, raw: bytes) -> str | None:
    """Why this body can't be what its content type says (None: it can)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if kind == JSON:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            return "the body is not JSON"
        return _shape_problem(data) if isinstance(data, dict) else "the JSON body is not an object"
    if kind != FORM:
        return f"unsupported content type {kind or '(none)'}"
    if text.lstrip().startswith("{"):
        return "a JSON body sent as a form"
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        return "the body is not a form"
    fields = dict(pairs)
    if len(fields) != len(pairs):
        return "a field is given more than once"
    answer_to = fields.get("response_url", "")
    if "command" in fields and not answer_to.startswith(("https://", "http://")):
        return "a slash command without a response_url"  # its answer could go nowhere
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"])
        except (ValueError, RecursionError):
            return "the form's payload is not JSON"
        if not isinstance(payload, dict):
            return "the form's payload is not a JSON object"
        return _shape_problem(payload)
    return None


def slack_route(app: AsyncApp, *, signing_secret: str | None = None) -> Route:
    """`Route("/slack/events", POST)` serving the Bolt app; mount it in the sidecar."""
    handler = AsyncSlackRequestHandler(app)
    secret = signing_secret if signing_secret is not None else app._signing_secret

    async def slack_events(request: Request) -> Response:
        raw = await request.body()
        if not signed(raw, request.headers, secret):
            # Bolt's own answer, given before Bolt parses anything: with an empty
            # secret, or a garbled timestamp, nothing may pass (and nothing may crash)
            return JSONResponse({"error": "invalid request"}, status_code=401)
        problem = body_problem(request.headers.get("content-type", ""), raw)
        if problem is not None:
            return JSONResponse({"error": f"bad request: {problem}"}, status_code=400)
        return await handler.handle(request)

    return Route(PATH, slack_events, methods=["POST"])
