"""`/sms status` without a contact: the desk's counts, answered from memory when fresh.

Busy Slack workspaces ask for the counts many times a second; each answer used to read
the database in a worker thread, and at 64 connections those threads and the event loop
took turns at the GIL around every SQLite call (1,000 answers a second at best, fewer
the more people asked). The rendered answer is kept (`consent.services.fresh`): until
this process commits a write, and for at most `COUNTS_FRESH_FOR` of the desk's clock,
which bounds how long a change made by another process (`optdesk worker`, a second
server) can go unseen. While the counts are being read, everyone who asks in the
meantime waits for that one read instead of starting their own, unless a write has
committed since it began.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import render
from bot.fmt import Reply
from consent.errors import ConsentError
from consent.services import queries
from consent.services.context import Desk
from consent.services.fresh import Fresh, Stamp

COUNTS_FRESH_FOR = timedelta(seconds=1)


class CountsAnswer:
    """The counts reply for one desk, kept while `Fresh` says it may be."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._fresh: Fresh[Reply] | None = Fresh.over(desk, COUNTS_FRESH_FOR)
        self._reading: tuple[Stamp, asyncio.Future[Reply]] | None = None

    def kept(self) -> Reply | None:
        """The answer at once (no thread, no database) when a fresh one is kept; past
        half its moment, the counts are read again ahead (call within the event loop)."""
        fresh = self._fresh
        kept = fresh.get() if fresh is not None else None
        if fresh is not None and kept is not None and fresh.aging():
            self._reading_for(fresh)
        return kept

    async def answer(self) -> Reply:
        """The counts now; a refusal (the database is unreachable) as its answer."""
        try:
            return await self._answer()
        except ConsentError as err:
            return render.error_reply(err)

    async def _answer(self) -> Reply:
        fresh = self._fresh
        if fresh is None:
            return await asyncio.to_thread(self._read)
        kept = fresh.get()
        if kept is not None:
            return kept
        return await asyncio.shield(self._reading_for(fresh))

    def _reading_for(self, fresh: Fresh[Reply]) -> asyncio.Future[Reply]:
        """The read under way, if nothing has been written since it began; else a new one."""
        reading = self._reading
        if reading is None or not fresh.current(reading[0]):
            stamp = fresh.stamp()  # before the read begins
            future = asyncio.ensure_future(asyncio.to_thread(self._read))
            reading = self._reading = (stamp, future)
            future.add_done_callback(lambda done: self._settle(fresh, stamp, done))
        return reading[1]

    def _settle(self, fresh: Fresh[Reply], stamp: Stamp, done: asyncio.Future[Reply]) -> None:
        if self._reading is not None and self._reading[1] is done:
            self._reading = None
        if not done.cancelled() and done.exception() is None:
            fresh.keep(stamp, done.result())

    def _read(self) -> Reply:
        return render.counts_reply(queries.counts(self._desk))
