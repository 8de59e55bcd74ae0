"""The one layer around every request: local pages, the body limit, security headers.

Each rule lives in its own module (webhooks.local_only, webhooks.limits,
webhooks.headers); this pure-ASGI middleware applies the three in one pass instead of
three nested middlewares, each with its own wrapped `send` and closures (on the STOP
path those layers cost more than the signature check). The rules apply as they did:

- every answer carries the security headers and this request's CSP nonce, the
  refusals below included;
- a request for /local... that is not allowed gets the 404 page, before any body is read;
- the app reads the body through `LimitedBody` (413, 408); a refusal the app let
  through is answered as plain text, unless the app had already started its answer.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webhooks.headers import NONCE_KEY, new_nonce, with_security_headers
from webhooks.limits import (
    BODY_IDLE_TIMEOUT_S,
    MAX_BODY,
    BodyTooLarge,
    BodyTooSlow,
    LimitedBody,
    ReadDeadlines,
    refuse_body,
)
from webhooks.local_only import from_this_machine, under_local


class _Answer:
    """The `send` the app gets: adds the security headers, notes that the answer began."""

    __slots__ = ("nonce", "send", "started")

    def __init__(self, send: Send, nonce: str) -> None:
        self.send, self.nonce, self.started = send, nonce, False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            message["headers"] = with_security_headers(message.get("headers", ()), self.nonce)
        await self.send(message)


class Perimeter:
    """`local_pages`: whether /local answers at all (and then only this machine)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        local_pages: bool,
        not_found: Callable[[Request], Response],
        limit: int = MAX_BODY,
        idle_timeout: float = BODY_IDLE_TIMEOUT_S,
    ) -> None:
        self.app, self.local_pages, self.not_found = app, local_pages, not_found
        self.limit, self.deadlines = limit, ReadDeadlines(idle_timeout)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = new_nonce()
        scope.setdefault("state", {})[NONCE_KEY] = nonce
        answer = _Answer(send, nonce)
        if under_local(scope) and not (self.local_pages and from_this_machine(scope)):
            await self.not_found(Request(scope, receive))(scope, receive, answer)
            return
        body = LimitedBody(receive, scope, self.limit, self.deadlines)
        try:
            await self.app(scope, body, answer)
        except (BodyTooLarge, BodyTooSlow) as exc:  # only if the app let it through
            await refuse_body(exc, started=answer.started, send=answer)
