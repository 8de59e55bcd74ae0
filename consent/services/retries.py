"""How often the dispatcher tries a row again, and when it gives up."""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 30
MAX_BACKOFF = timedelta(minutes=15)
# Why a leased row went back unsent, due at once: its pass ran out of lease time.
HANDED_BACK = "handed back unsent: the pass ran long"


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... capped at 15 minutes."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)
