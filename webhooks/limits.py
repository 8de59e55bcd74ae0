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


class BodyLimit:
    def __init__(
        self, app: ASGIApp, *, limit: int = MAX_BODY, idle_timeout: float = BODY_IDLE_TIMEOUT_S
    ) -> None:
        self.app, self.limit, self.idle_timeout = app, limit, idle_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        too_large = declared is not None and declared > self.limit
        size = 0
        done = False
        started = False

        async def next_message() -> Message:
            try:  # asyncio.timeout, not wait_for: no extra task per read on the STOP path
                async with asyncio.timeout(self.idle_timeout):
                    return await receive()
            except TimeoutError:
                raise BodyTooSlow() from None

        async def refuse(more: bool) -> BodyTooLarge:
            """The 413, after dropping what little of the body may be left."""
            if declared is not None and declared > self.limit + DRAIN_BYTES:
                return BodyTooLarge()
            dropped = 0
            while more and dropped <= DRAIN_BYTES:
                message = await next_message()
                if message["type"] != "http.request":
                    return BodyTooLarge()
                dropped += len(message.get("body", b""))
                more = bool(message.get("more_body", False))
            return BodyTooLarge(close=more)

        async def limited_receive() -> Message:
            nonlocal size, done
            if too_large:
                raise await refuse(more=True)
            if done:  # the body is read: what follows is the disconnect, however late
                return await receive()
            message = await next_message()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                more = bool(message.get("more_body", False))
                if size > self.limit:
                    raise await refuse(more)
                done = not more
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except (BodyTooLarge, BodyTooSlow) as exc:  # only if the app let it through
            if started:
                raise
            await _plain(watched_send, exc.status_code, exc.detail)


async def _plain(send: Send, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})
