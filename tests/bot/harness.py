"""Drive the Bolt app like Slack does: signed requests over real HTTP on 127.0.0.1.

A session-wide uvicorn server serves whatever Starlette app the current test puts in
`Switch.app`; each test builds its own Bolt app (its own desk, fake Slack and settings)
and mounts it with `slack_route`, as the sidecar does.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from consent.services.context import Desk
from tests.fakes import FakeSlack
from tests.support import FixedClock, LiveServer, wait_until
from webhooks.perimeter import Perimeter

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0001"
STAFF = "USTAFF"
GUEST = "UGUEST"
_ids = itertools.count(1)


class Switch:
    """An ASGI app that forwards to the current test's app."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class Server(LiveServer):
    """One live server for the whole bot suite; each test swaps the app behind its Switch."""

    def __init__(self) -> None:
        self.switch = Switch()
        super().__init__(self.switch, lifespan="off")


def signed_headers(
    body: str | bytes, content_type: str, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if isinstance(body, bytes):  # maybe not UTF-8: sign the bytes themselves
        base = f"v0:{ts}:".encode() + body
        signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    else:
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or ""
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


@dataclass
class Slack:
    """One test's view of Slack: the fake Web API, the desk and the server."""

    url: str
    fake: FakeSlack
    desk: Desk
    clock: FixedClock
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    # ------------------------------------------------------------------ raw
    def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = signed_headers(body, content_type) if signed else {"content-type": content_type}
        sent.update(headers or {})
        return self.http.post(f"{self.url}/slack/events", content=body, headers=sent)

    def form(self, fields: dict[str, str], **kw: Any) -> httpx.Response:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    # ------------------------------------------------------------------ slash commands
    def command(
        self,
        text: str,
        *,
        user: str = STAFF,
        name: str | None = None,
        channel: str = "C0CMD",
        signed: bool = True,
    ) -> tuple[httpx.Response, str]:
        name = name or f"cmd{next(_ids)}"
        fields = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "optdesk-test",
            "channel_id": channel,
            "channel_name": "desk",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/sms",
            "text": text,
            "response_url": self.fake.response_url(name),
            "trigger_id": f"{next(_ids)}.1.trigger",
            "api_app_id": "A0001",
        }
        return self.form(fields, signed=signed), name

    def ask(self, text: str, *, user: str = STAFF) -> dict[str, Any]:
        """Run a command; its answer: the ack body if it had one, else the respond() post."""
        response, name = self.command(text, user=user)
        assert response.status_code == 200, response.text
        if response.content:
            body: dict[str, Any] = response.json()
            return body
        wait_until(lambda: self.fake.responses_for(name), timeout=10)
        return self.fake.responses_for(name)[0]

    # ------------------------------------------------------------------ interactivity
    def action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str = STAFF,
        selected: str | None = None,
        home_metadata: str | None = None,
        response: str | None = None,
        typed: str | None = None,
    ) -> tuple[httpx.Response, str]:
        name = response or f"act{next(_ids)}"
        act: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "action_ts": "1.2"}
        if typed is not None:  # Enter in a text input that dispatches its action
            act.update(type="plain_text_input", value=typed)
        elif selected is not None:
            act.update(
                type="static_select",
                selected_option={"text": {"type": "plain_text", "text": "x"}, "value": selected},
            )
        else:
            act.update(type="button", value=value or "")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0001",
            "team": {"id": TEAM},
            "token": "legacy",
            "trigger_id": f"{next(_ids)}.2.trigger",
            "actions": [act],
        }
        if home_metadata is not None:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home", "private_metadata": home_metadata}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": "1700000000.000100",
                "channel_id": "C0NOTIFY",
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": "C0NOTIFY"}
            payload["message"] = {"ts": "1700000000.000100", "text": "note"}
            payload["response_url"] = self.fake.response_url(name)
        return self.form({"payload": json.dumps(payload)}), name

    def submit(
        self, callback_id: str, values: dict[str, Any], metadata: str, *, user: str = STAFF
    ) -> httpx.Response:
        payload = {
            "type": "view_submission",
            "user": {"id": user, "team_id": TEAM},
            "team": {"id": TEAM},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"{next(_ids)}.3.trigger",
            "view": {
                "id": "VMODAL",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": metadata,
                "state": {"values": values},
            },
        }
        return self.form({"payload": json.dumps(payload)})

    # ------------------------------------------------------------------ events
    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0001",
                "type": "event_callback",
                "event": event,
                "event_id": event_id or f"Ev{next(_ids):08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
            }
        )
        headers = (
            {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
            if retry
            else None
        )
        return self.post(body, "application/json", headers=headers)

    def calls(self, method: str) -> Sequence[Any]:
        return self.fake.calls_to(method)


def as_dict(value: Any) -> dict[str, Any]:
    """A view or blocks argument as the fake recorded it (JSON text or already parsed)."""
    data = json.loads(value) if isinstance(value, str) else value
    assert isinstance(data, dict)
    return data


def texts(view: dict[str, Any]) -> str:
    """Every mrkdwn/plain text in a view's blocks, joined (for `in` checks)."""
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


def _not_found(_request: Request) -> Response:
    return PlainTextResponse("Not Found", status_code=404)


# The sidecar's one layer (webhooks.app.create_app mounts it): body limit, headers.
PERIMETER = Middleware(Perimeter, local_pages=False, not_found=_not_found)
