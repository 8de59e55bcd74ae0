"""Small test doubles shared by every test package: a settable clock and a recording gateway."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from consent.ports import NotifyError, SendResult, SmsError

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

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        if self.fail is not None:
            raise self.fail
        with self._lock:
            self.sent.append((to, body, message_id))
            return SendResult(f"SM{uuid.uuid4().hex}", "queued")


@dataclass
class RecordingNotifier:
    posts: list[tuple[str, str | None, Mapping[str, Any]]] = field(default_factory=list)
    fail: bool = False

    async def post(self, channel: str, thread_ts: str | None, note: Mapping[str, Any]) -> str:
        if self.fail:
            raise NotifyError("slack is down")
        self.posts.append((channel, thread_ts, dict(note)))
        return f"1700000000.{len(self.posts):06d}"
