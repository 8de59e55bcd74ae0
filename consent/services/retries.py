"""How often the dispatcher tries a row again, and when it gives up."""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 30
MAX_BACKOFF = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... capped at 15 minutes."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)
