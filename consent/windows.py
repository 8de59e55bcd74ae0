"""Daily sending windows in local time, and the first moment several of them hold at once.

A window is a local-time span (08:00-21:00 for the federal quiet hours, 08:00-20:00 for
a stricter state) that must hold in every one of a set of time zones. Local time is read
through zoneinfo, so daylight-saving changes move the window in UTC as they should.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_STEP = timedelta(minutes=1)
_JUMP = timedelta(minutes=30)
HORIZON = timedelta(hours=48)


@dataclass(frozen=True)
class Window:
    """From `start` (included) to `end` (excluded), local time, in every one of `zones`."""

    zones: tuple[str, ...]
    start: time
    end: time

    def holds(self, at: datetime) -> bool:
        return all(self.start <= at.astimezone(ZoneInfo(z)).time() < self.end for z in self.zones)

    def near_edge(self, at: datetime) -> bool:
        """Within half an hour before an edge in one of the zones (step by the minute there)."""
        edges = (self.start.hour * 60 + self.start.minute, self.end.hour * 60 + self.end.minute)
        for zone in self.zones:
            local = at.astimezone(ZoneInfo(zone))
            minutes = local.hour * 60 + local.minute
            if any(0 <= edge - minutes <= 31 for edge in edges):
                return True
        return False


def all_hold(at: datetime, windows: Sequence[Window]) -> bool:
    return all(w.holds(at) for w in windows)


def first_opening(start: datetime, windows: Sequence[Window]) -> datetime | None:
    """`start` itself when every window holds then; else the first whole minute after it
    when they all hold (None: not within 48 hours)."""
    if all_hold(start, windows):
        return start
    at = start.astimezone(UTC).replace(second=0, microsecond=0)
    if at < start:
        at += _STEP
    end = start + HORIZON
    while at <= end:
        if all_hold(at, windows):
            return at
        # jump ahead quickly while far from any window edge
        at += _STEP if any(w.near_edge(at) for w in windows) else _JUMP
    return None
