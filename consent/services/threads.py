"""Chat threads and retried deliveries: which contact a thread is about; act only once."""

from __future__ import annotations

from consent.services.context import Desk

MAX_KEY = 200


def contact_for_thread(desk: Desk, channel: str, thread_ts: str) -> int | None:
    """The contact whose conversation lives in this thread of this channel, if any."""
    if not channel or not thread_ts:
        return None
    with desk.uow(write=False) as uow:
        return uow.threads.contact_for(channel, thread_ts)


def claim_once(desk: Desk, key: str) -> bool:
    """Claim `key` atomically (insert-or-nothing): True for the one caller that may act.

    Used for chat-side retries: the same event delivered again, the same button
    clicked twice, find the key already taken and change nothing.
    """
    key = key[:MAX_KEY]
    with desk.uow() as uow:
        claimed = uow.idempotency.claim(key, desk.clock.now())
        uow.commit()
    return claimed
