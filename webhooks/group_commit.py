"""Group commit: concurrent requests share one transaction instead of queueing for the lock.

Every inbound text must be durably written before Twilio hears 200. Written one by one,
concurrent webhooks wait on each other for the database's write lock (SQLite) or each
pay for their own WAL flush (PostgreSQL). Here a request joins the batch that is waiting
to be written; one thread writes each batch in one transaction, and every request in it
gets its own result (or its own error) when that commit is done. An idle server writes a
lone request at once: batching only happens while a write is already in progress.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

In = TypeVar("In")
Out = TypeVar("Out")


class GroupCommit(Generic[In, Out]):
    def __init__(
        self, write_many: Callable[[Sequence[In]], list[Out | Exception]], max_batch: int = 64
    ) -> None:
        self.write_many = write_many
        self.max_batch = max_batch
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        """Write `item` with whatever else is waiting; returns its own result."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                await self._write(batch)
        finally:
            self._writer = None

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
