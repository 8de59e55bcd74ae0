"""Request bodies, read once for every endpoint: at most 1 MB, and never stalled for long.

`BodyLimit` is pure ASGI middleware around the whole sidecar. It hands the app the body
as it arrives, counting: a declared Content-Length over the limit fails the first read,
and a chunked body fails the read that passes the limit, so nothing past it is ever
buffered. A body that stops arriving fails the read after `idle_timeout`. Both raise an
HTTPException (413, 408), answered by the app's error pages.

Past the limit, up to DRAIN_BYTES more are read and thrown away: a client whose body
was only a little too large has finished sending, and reads its 413 on a connection
that stays usable. A larger body is cut off: the 413 says `Connection: close` and the
server drops the connection instead of reading the rest. Endpoints keep their own
smaller limits (webhooks.forms).
"""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1_000_000  # SPEC §3: no endpoint reads more than 1 MB of a request body
BODY_IDLE_TIMEOUT_S = 15.0  # the next piece of a body arrives within this, or 408
DRAIN_BYTES = 1_000_000  # read (and drop) at most this much past the limit before a 413
CLOSE = {"Connection": "close"}


class BodyTooLarge(HTTPException):
    def __init__(self, *, close: bool = True) -> None:
        super().__init__(413, "body too large", headers=CLOSE if close else None)


class BodyTooSlow(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, "body too slow", headers=CLOSE)


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number (the server has already checked its form)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
    return None


class LimitedBody:
    """One request's body as the app reads it (this object is the app's `receive`):
    counted against `limit`, and failed when the next piece takes over `idle_timeout`."""

    __slots__ = ("declared", "done", "idle_timeout", "limit", "receive", "size")

    def __init__(self, receive: Receive, scope: Scope, limit: int, idle_timeout: float) -> None:
        self.receive, self.limit, self.idle_timeout = receive, limit, idle_timeout
        self.declared = declared_length(scope)
        self.size = 0
        self.done = False  # the body is read: what follows is the disconnect, however late

    async def __call__(self) -> Message:
        if self.declared is not None and self.declared > self.limit:
            raise await self._refuse(more=True)
        if self.done:
            return await self.receive()
        message = await self._next()
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            more = bool(message.get("more_body", False))
            if self.size > self.limit:
                raise await self._refuse(more)
            self.done = not more
        return message

    async def _next(self) -> Message:
        try:  # asyncio.timeout, not wait_for: no extra task per read on the STOP path
            async with asyncio.timeout(self.idle_timeout):
                return await self.receive()
        except TimeoutError:
            raise BodyTooSlow() from None

    async def _refuse(self, more: bool) -> BodyTooLarge:
        """The 413, after dropping what little of the body may be left."""
        if self.declared is not None and self.declared > self.limit + DRAIN_BYTES:
            return BodyTooLarge()
        dropped = 0
        while more and dropped <= DRAIN_BYTES:
            message = await self._next()
            if message["type"] != "http.request":
                return BodyTooLarge()
            dropped += len(message.get("body", b""))
            more = bool(message.get("more_body", False))
        return BodyTooLarge(close=more)


async def refuse_body(exc: HTTPException, *, started: bool, send: Send) -> None:
    """Answer a refused body the app let through (413/408 as plain text), unless the app
    had already started its answer: then there is nothing left to say."""
    if started:
        raise exc
    await _plain(send, exc.status_code, exc.detail)


class BodyLimit:
    """The body rule alone, as middleware (the sidecar applies it in webhooks.perimeter)."""

    def __init__(
        self, app: ASGIApp, *, limit: int = MAX_BODY, idle_timeout: float = BODY_IDLE_TIMEOUT_S
    ) -> None:
        self.app, self.limit, self.idle_timeout = app, limit, idle_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        body = LimitedBody(receive, scope, self.limit, self.idle_timeout)
        try:
            await self.app(scope, body, watched_send)
        except (BodyTooLarge, BodyTooSlow) as exc:  # only if the app let it through
            await refuse_body(exc, started=started, send=watched_send)


async def _plain(send: Send, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})
