"""The Starlette endpoint for Slack: `POST /slack/events` (commands, interactivity, events).

This route is the only place a Slack request's signature is checked: the composition
root hands it the signing secret, and `bot.app` turns Bolt's own check off
(`request_verification_enabled=False`). In order, before Bolt sees anything:

1. a body that is not UTF-8 gets 400 (Slack sends UTF-8, and slack_sdk's verifier
   reads the body as UTF-8, so no signature over other bytes could be checked);
2. slack_sdk's `SignatureVerifier` checks the signature; a header it would choke on
   (a timestamp that is not a few ASCII digits, a signature that is not ASCII) gets
   the same 401 as a wrong signature, and so does every request when there is no
   secret (Socket Mode);
3. a signed body that isn't what its content type says gets 400, since Bolt would crash
   (500) on it;
4. a `/sms` command whose answer is known at once, the same for whoever asks (help, a
   usage error, the counts while kept fresh: `bot.listeners.commands.KnownAnswers`) is
   answered here with the very ack Bolt's listener would give, built once: Bolt's
   request, middleware and listener task were most of such an answer's cost. Everything
   else goes to Bolt.

The sidecar reads every body with its 1 MB limit (413, webhooks.limits), this one
included. None of these answers change anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import (
    AsyncSlackRequestHandler,
    to_starlette_response,
)
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import DeskApp

PATH = "/slack/events"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_STAMP_DIGITS = 12  # seconds since 1970 have 10 digits until the year 2286


def signed(text: str, headers: Mapping[str, str], verifier: SignatureVerifier | None) -> bool:
    """slack_sdk's check of Slack's v0 signature, given only header values it can take
    without raising: int() refuses 5,000 digits (and accepts "+1" or Arabic digits), and
    compare_digest refuses a str with non-ASCII characters."""
    stamp = headers.get("x-slack-request-timestamp", "")
    given = headers.get("x-slack-signature", "")
    usable = stamp.isascii() and stamp.isdigit() and len(stamp) <= MAX_STAMP_DIGITS
    if verifier is None or not (usable and given.isascii()):
        return False
    return verifier.is_valid(body=text, timestamp=stamp, signature=given)


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
    return read_body(content_type, raw)[0]


def read_body(content_type: str, raw: bytes) -> tuple[str | None, dict[str, str] | None]:
    """`body_problem`, and a sound form's fields (a JSON body, or a problem: None)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8", None
    if kind == JSON:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            return "the body is not JSON", None
        if not isinstance(data, dict):
            return "the JSON body is not an object", None
        return _shape_problem(data), None
    if kind != FORM:
        return f"unsupported content type {kind or '(none)'}", None
    if text.lstrip().startswith("{"):
        return "a JSON body sent as a form", None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        return "the body is not a form", None
    fields = dict(pairs)
    return _form_problem(fields, len(pairs)), fields


def _form_problem(fields: dict[str, str], given: int) -> str | None:
    if len(fields) != given:
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


def slack_route(app: AsyncApp, *, signing_secret: str) -> Route:
    """`Route("/slack/events", POST)` serving the Bolt app; mount it in the sidecar.

    `signing_secret` comes from the composition root; empty (Socket Mode), every
    request gets 401.
    """
    handler = AsyncSlackRequestHandler(app)
    known = app.known if isinstance(app, DeskApp) else None
    verifier = SignatureVerifier(signing_secret) if signing_secret.strip() else None

    async def slack_events(request: Request) -> Response:
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "bad request: the body is not UTF-8"}, status_code=400)
        if not signed(text, request.headers, verifier):
            return JSONResponse({"error": "invalid request"}, status_code=401)  # Bolt's answer
        problem, fields = read_body(request.headers.get("content-type", ""), raw)
        if problem is not None:
            return JSONResponse({"error": f"bad request: {problem}"}, status_code=400)
        answer = await known(fields) if known is not None and fields is not None else None
        if answer is not None:  # Bolt's own ack, built once: Bolt has nothing to add
            return to_starlette_response(answer)
        return await handler.handle(request)

    return Route(PATH, slack_events, methods=["POST"])
