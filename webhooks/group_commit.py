"""Group commit: concurrent requests share one transaction instead of queueing for the lock.

Every inbound text must be durably written before Twilio hears 200. Written one by one,
concurrent webhooks wait on each other for the database's write lock (SQLite) or each
pay for their own WAL flush (PostgreSQL). Here a request joins the batch that is waiting
to be written; one thread writes each batch in one transaction, and every request in it
gets its own result (or its own error) when that commit is done. An idle server writes a
lone request at once: batching only happens while a write is already in progress.

After a batch of n, the next batch waits until n requests are waiting again, or for at
most half as long as that batch took to write, whichever comes first. The requests that
were just answered are usually the ones about to come back (Twilio's retries, a proxy's
pooled connections, the benchmark's closed loop): without the wait, the one or two that
arrived during the write went alone, in a transaction costing as much as the full
batch, while the others queued behind it (at 64 connections, batches alternated 1 and
63). Under steady load as many arrive during a write as it carried, so nothing waits;
after a lone request nothing waits either.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

In = TypeVar("In")
Out = TypeVar("Out")
LINGER_SHARE = 0.5  # of the last write's duration: the longest the next batch waits to fill


class GroupCommit(Generic[In, Out]):
    def __init__(
        self, write_many: Callable[[Sequence[In]], list[Out | Exception]], max_batch: int = 64
    ) -> None:
        self.write_many = write_many
        self.max_batch = max_batch
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._expected = 1  # how many requests the next batch waits for
        self._linger = 0.0  # and for how long at most (seconds)
        self._filled: asyncio.Event | None = None  # set once `_expected` are waiting

    async def submit(self, item: In) -> Out:
        """Write `item` with whatever else is waiting; returns its own result."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._filled is not None and len(self._waiting) >= self._expected:
            self._filled.set()
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        try:
            while self._waiting or self._expected > 1:
                if len(self._waiting) < self._expected:
                    await self._fill()
                    if not self._waiting:
                        break
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                started = time.monotonic()
                await self._write(batch)
                self._expected = len(batch)
                self._linger = (time.monotonic() - started) * LINGER_SHARE
        finally:
            self._writer = None
            self._expected = 1

    async def _fill(self) -> None:
        """Wait until `_expected` requests are waiting, or `_linger` seconds have passed."""
        self._filled = asyncio.Event()
        try:
            async with asyncio.timeout(self._linger):
                await self._filled.wait()
        except TimeoutError:
            pass
        finally:
            self._filled = None

    async def _write(self, batch: list[tuple[In, asyncio.Future[Out]]]) -> None:
        try:
            results = await run_in_threadpool(self.write_many, [item for item, _ in batch])
        except Exception as err:  # the whole batch failed: every request answers 5xx
            results = [err] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the request went away (client disconnected)
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
