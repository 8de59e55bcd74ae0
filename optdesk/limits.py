"""uvicorn as `optdesk serve` runs it: bounded headers, idle connections and concurrency.

uvicorn closes an idle keep-alive connection, but a connection that never finishes its
request headers (or sends none at all) would stay open for ever, each one holding a
socket. `HeaderDeadline` closes a connection whose request headers are not complete
within HEADER_TIMEOUT_S of it opening (or of its previous answer). A body that stops
arriving is the sidecar's to time out (webhooks.limits). A reverse proxy in front
should still apply its own limits (README, "Connecting").
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0  # request headers complete within this, or the connection closes
KEEP_ALIVE_S = 5  # an idle keep-alive connection closes after this
MAX_CONCURRENCY = 256  # connections or requests at once; beyond it uvicorn answers 503
MAX_HEADER_BYTES = 16 * 1024  # request line and headers (h11's incomplete event limit)
BACKLOG = 512
SHUTDOWN_GRACE_S = 10


class HeaderDeadline(H11Protocol):
    """H11Protocol that closes a connection whose request headers take too long."""

    header_timeout: float = HEADER_TIMEOUT_S
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if busy or self.transport.is_closing():
            return  # a request is being answered: its body has its own timeout
        if self.conn.their_state is h11.IDLE:  # still waiting for (the rest of) the headers
            self.transport.close()


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
        http=HeaderDeadline,
        ws="none",
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=MAX_CONCURRENCY,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        backlog=BACKLOG,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
