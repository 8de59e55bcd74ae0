"""Small test doubles shared by every test package: a settable clock and a recording gateway."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn

from consent.notes import Note
from consent.senders import NotifyError, SendResult, SmsError

# 12:00 in New York on a summer weekday: inside every US quiet-hours window.
NOON_NY = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)


@dataclass
class FixedClock:
    at: datetime = NOON_NY

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


@dataclass
class RecordingGateway:
    """An SmsGateway that records sends; `fail` makes the next sends raise."""

    sent: list[tuple[str, str, int]] = field(default_factory=list)
    fail: SmsError | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def pace(self) -> float:
        return 0.0

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        if self.fail is not None:
            raise self.fail
        with self._lock:
            self.sent.append((to, body, message_id))
            return SendResult(f"SM{uuid.uuid4().hex}", "queued")

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        """Its answers are never lost, so nothing earlier got through; down while `fail` is."""
        if self.fail is not None:
            raise self.fail
        return []


@dataclass
class RecordingNotifier:
    posts: list[tuple[str, str | None, Note]] = field(default_factory=list)
    fail: bool = False

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        if self.fail:
            raise NotifyError("slack is down")
        self.posts.append((channel, thread_ts, note))
        return f"1700000000.{len(self.posts):06d}"


def wait_until(check: Callable[[], object], timeout: float = 5.0, every: float = 0.02) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(every)


class LiveServer:
    """An ASGI app under a real uvicorn in a background thread, on a free 127.0.0.1 port."""

    def __init__(self, app: Any, *, lifespan: str = "on") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="critical",
            lifespan=lifespan,
            ws="none",
            http="h11",
            access_log=False,
            proxy_headers=False,  # the app itself decides whether to trust X-Forwarded-For
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), timeout=10)
        if not self.server.started:
            raise RuntimeError("uvicorn did not start")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
