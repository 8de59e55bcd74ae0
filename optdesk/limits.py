"""uvicorn as `optdesk serve` runs it: bounded headers, idle connections and concurrency.

The server runs on uvicorn's `standard` stack (httptools parses HTTP, uvloop runs the
event loop), as a deployment tuned for speed would. uvicorn closes an idle keep-alive
connection, but a connection that never finishes its request headers (or sends none at
all) would stay open for ever, each one holding a socket, and httptools accepts headers
of any size. `HeaderLimits` closes a connection whose request headers are not complete
within HEADER_TIMEOUT_S of it opening (or of its previous answer), and answers 431 to
request headers past MAX_HEADER_BYTES. A body that stops arriving is the sidecar's to
time out (webhooks.limits). A reverse proxy in front should still apply its own limits
(README, "Connecting").

The header deadline is one timer per connection, moved rather than remade: each answer
only notes the time (a new timer and a cancelled one per request cost more than the
check itself). Its answers leave in one write each (optdesk.one_write).
`hand_off_quickly` shortens how long a thread waits for the interpreter.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from optdesk.one_write import OneWrite

HEADER_TIMEOUT_S = 10.0  # request headers complete within this, or the connection closes
KEEP_ALIVE_S = 5  # an idle keep-alive connection closes after this
MAX_CONCURRENCY = 256  # connections or requests at once; beyond it uvicorn answers 503
MAX_HEADER_BYTES = 16 * 1024  # request line and headers, as read before they are complete
BACKLOG = 512
SHUTDOWN_GRACE_S = 10
# The group-commit thread needs the GIL back after every database round trip; by
# default a waiting thread asks the holder for it only after 5 ms, so while the event
# loop is busy each round trip could cost 5 ms (PostgreSQL STOPs: ~110 ms a batch, 70 ms
# at 0.5 ms). A CPU-bound thread pays for the extra switches; these threads are not.
GIL_SWITCH_S = 0.0005


def hand_off_quickly() -> None:
    """Let a thread waiting for the GIL get it after GIL_SWITCH_S instead of 5 ms."""
    sys.setswitchinterval(GIL_SWITCH_S)


_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 32\r\n"
    b"connection: close\r\n\r\nRequest headers are too large.\r\n\r\n"
)


class HeaderLimits(HttpToolsProtocol):
    """HttpToolsProtocol that bounds how long and how large request headers may be."""

    header_timeout: float = HEADER_TIMEOUT_S
    max_header_bytes: int = MAX_HEADER_BYTES
    _deadline: asyncio.TimerHandle | None = None
    _since: float = 0.0  # when the wait for the current request's headers began
    _in_headers: bool = True  # reading a request line and headers (or waiting for one)
    _header_bytes: int = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, OneWrite(transport, self.loop)))
        self._arm()

    def data_received(self, data: bytes) -> None:
        if not self._in_headers:
            super().data_received(data)
            return
        room = self.max_header_bytes - self._header_bytes
        self._header_bytes += len(data)
        if len(data) <= room:
            super().data_received(data)
            return
        # Past the limit: parse only what fits; the rest is read only if that much
        # completed the headers (what follows them, a body, is the sidecar's to bound).
        super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self._in_headers:
            self._refuse()
        else:
            super().data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_headers = False  # the timer stays; when it fires it finds nothing to do
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._in_headers, self._header_bytes = True, 0
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _refuse(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(_TOO_LARGE)
            self.transport.close()

    def _arm(self) -> None:
        """Headers from now on must be complete within header_timeout."""
        self._since = self.loop.time()
        if self._deadline is None and not self.transport.is_closing():
            self._deadline = self.loop.call_at(self._since + self.header_timeout, self._check)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _check(self) -> None:
        self._deadline = None
        if not self._in_headers or self.transport.is_closing():
            return  # a request is being served: its answer sets the next deadline
        due = self._since + self.header_timeout
        if self.loop.time() >= due:
            self.transport.close()  # still waiting for (the rest of) the headers
        else:  # the deadline moved on since this timer was set
            self._deadline = self.loop.call_at(due, self._check)


def server_config(app: Any, *, host: str, port: int) -> uvicorn.Config:
    # No access log: every webhook would cost a log line (about 4% of the STOP path);
    # what matters is logged by optdesk itself.
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        access_log=False,
        http=HeaderLimits,
        loop="uvloop",
        ws="none",
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=MAX_CONCURRENCY,
        backlog=BACKLOG,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
