"""Request bodies, read once for every endpoint: at most 1 MB, and never stalled for long.

`LimitedBody`, applied around the whole sidecar by webhooks.perimeter, hands the app the body
as it arrives, counting: a declared Content-Length over the limit fails the first read,
and a chunked body fails the read that passes the limit, so nothing past it is ever
buffered. A body that stops arriving fails the read after `idle_timeout`. Both raise an
HTTPException (413, 408), answered by the app's error pages.

Past the limit, up to DRAIN_BYTES more are read and thrown away: a client whose body
was only a little too large has finished sending, and reads its 413 on a connection
that stays usable. A larger body is cut off: the 413 says `Connection: close` and the
server drops the connection instead of reading the rest. Endpoints keep their own
smaller limits (webhooks.forms).

The idle timeout needs no timer per read (`asyncio.timeout` made and cancelled one for
every request, with uvloop about as costly as parsing a Twilio form, while nearly every
read returns at once: the body came with the headers). `ReadDeadlines` notes each waiting
read's deadline, and one timer, running only while some read waits, looks every eighth
of the idle timeout and cancels the reads past theirs: a stalled body is refused between
`idle_timeout` and 9/8 of it after its last piece.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

MAX_BODY = 1_000_000  # SPEC §3: no endpoint reads more than 1 MB of a request body
BODY_IDLE_TIMEOUT_S = 15.0  # the next piece of a body arrives within this, or 408
DRAIN_BYTES = 1_000_000  # read (and drop) at most this much past the limit before a 413
CLOSE = {"Connection": "close"}
TICK_SHARE = 1 / 8  # of the idle timeout: how often waiting reads are looked at


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


class ReadDeadlines:
    """Body reads (`read(receive)`) that raise BodyTooSlow after `idle_timeout`."""

    def __init__(self, idle_timeout: float) -> None:
        self.idle_timeout = idle_timeout
        self._due: dict[asyncio.Task[Any], float] = {}  # the reads waiting now
        self._expired: set[asyncio.Task[Any]] = set()  # cancelled here, not by anyone else
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    async def read(self, receive: Receive) -> Message:
        task = asyncio.current_task()
        if task is None:  # not in a task: nothing could cancel it
            return await receive()
        loop = asyncio.get_running_loop()
        cancelling = task.cancelling()
        self._due[task] = time.monotonic() + self.idle_timeout
        if self._timer is None or self._timer_loop is not loop:
            self._timer_loop = loop
            self._timer = loop.call_later(self.idle_timeout * TICK_SHARE, self._check)
        try:
            return await receive()
        except asyncio.CancelledError:
            if task in self._expired and task.uncancel() <= cancelling:
                raise BodyTooSlow() from None
            raise
        finally:
            del self._due[task]
            self._expired.discard(task)

    def _check(self) -> None:
        """Cancel the reads past their deadline (each is suspended in `read`)."""
        self._timer, loop = None, self._timer_loop
        now = time.monotonic()
        for task, due in self._due.items():
            if due <= now and task not in self._expired:
                self._expired.add(task)
                task.cancel()
        if self._due and loop is not None and not loop.is_closed():
            self._timer = loop.call_later(self.idle_timeout * TICK_SHARE, self._check)


class LimitedBody:
    """One request's body as the app reads it (this object is the app's `receive`):
    counted against `limit`, and failed when the next piece takes over `idle_timeout`."""

    __slots__ = ("deadlines", "declared", "done", "limit", "receive", "size")

    def __init__(
        self, receive: Receive, scope: Scope, limit: int, deadlines: ReadDeadlines
    ) -> None:
        self.receive, self.limit, self.deadlines = receive, limit, deadlines
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
        return await self.deadlines.read(self.receive)

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


async def _plain(send: Send, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})
