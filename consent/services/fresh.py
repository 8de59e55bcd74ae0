"""A read kept for a moment, and forgotten as soon as this process writes.

`/sms status` (counts) is asked many times a second when Slack is busy, and each
answer read the database in a worker thread: at 64 connections those threads fought
the event loop for the GIL around every SQLite call, and the answer got slower the more
people asked. A `Fresh` keeps the last answer for at most `fresh_for` of the desk's
clock, and only while no write unit of work has committed in this process since the
read began: the `CommitWatch` (the desk's unit-of-work factory, wrapped once by the
composition root) notes every commit of a unit that used any repository but the few
that cannot change a status, a link or a request (LEAVES_CONSENT_ALONE). So:

- a change made through this process (a STOP webhook, a staff opt-out, a questionnaire
  answer) shows in the very next answer;
- a change made by another process (`optdesk worker`, a second server, the CLI) shows
  within `fresh_for` of the desk's clock; so does a link or request running out.

A desk whose factory is not a `CommitWatch` gets no memory at all (`Fresh.over` gives
None): without seeing every write, nothing may be remembered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from consent.ports import (
    Clock,
    ContactRepo,
    Idempotency,
    Ledger,
    LinkRepo,
    MessageRepo,
    NumberRepo,
    OptInRequestRepo,
    OptOutImport,
    Outbox,
    ProjectRepo,
    RenameRepo,
    ThreadRepo,
    UnitOfWork,
    UnitOfWorkFactory,
    WaitingRepo,
)
from consent.services.context import Desk

T = TypeVar("T")


# Repositories whose writes change no status, link or request: a unit of work that used
# only these (the dispatcher's claim of due rows every half second, a Slack thread noted)
# leaves what is kept alone. Any other name a unit is asked for counts as a change.
LEAVES_CONSENT_ALONE = frozenset({"outbox", "threads", "idempotency", "messages"})


class CommitWatch:
    """A unit-of-work factory that counts the commits of the write units it makes.

    Read units come straight from the wrapped factory; a write unit is wrapped so that
    each `commit()` moves `generation` on once the database has the commit, unless the
    unit used only repositories in LEAVES_CONSENT_ALONE."""

    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self.inner = inner
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def generation(self) -> int:
        return self._generation

    def committed(self) -> None:
        with self._lock:
            self._generation += 1

    def __call__(self, *, write: bool = True) -> UnitOfWork:
        unit = self.inner(write=write)
        return _Watched(unit, self) if write else unit


class _Watched:
    """A write unit of work, as it is, but for telling its watch about each commit."""

    contacts: ContactRepo
    numbers: NumberRepo
    ledger: Ledger
    links: LinkRepo
    requests: OptInRequestRepo
    messages: MessageRepo
    projects: ProjectRepo
    threads: ThreadRepo
    idempotency: Idempotency
    outbox: Outbox
    renames: RenameRepo
    waiting: WaitingRepo
    optout_import: OptOutImport

    def __init__(self, unit: UnitOfWork, watch: CommitWatch) -> None:
        self._unit = unit
        self._watch = watch
        self._changes_consent = False

    def __getattr__(self, name: str) -> Any:  # the repositories, as the unit has them now
        if name not in LEAVES_CONSENT_ALONE:
            self._changes_consent = True
        return getattr(self._unit, name)

    def __enter__(self) -> Self:
        self._unit.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._unit.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self._unit.commit()
        if self._changes_consent:  # after the commit: a read begun before it is forgotten
            self._watch.committed()


@dataclass(frozen=True)
class Stamp:
    """When a read began: the watch's generation, then the desk's time."""

    generation: int
    at: datetime


class Fresh(Generic[T]):
    """The last answer of one read, while it is fresh (see the module's docstring)."""

    def __init__(self, watch: CommitWatch, clock: Clock, fresh_for: timedelta) -> None:
        self._watch = watch
        self._clock = clock
        self._fresh_for = fresh_for
        self._kept: tuple[Stamp, T] | None = None

    @classmethod
    def over(cls, desk: Desk, fresh_for: timedelta) -> Fresh[T] | None:
        """A memory for reads of `desk`, or None when its writes cannot all be seen."""
        if not isinstance(desk.uow, CommitWatch):
            return None
        return cls(desk.uow, desk.clock, fresh_for)

    def stamp(self) -> Stamp:
        """Take this before the read begins (the generation first, then the time)."""
        return Stamp(self._watch.generation, self._clock.now())

    def current(self, stamp: Stamp) -> bool:
        """Whether what was read from `stamp` on may still be answered now."""
        if stamp.generation != self._watch.generation:
            return False
        now = self._clock.now()
        return stamp.at <= now < stamp.at + self._fresh_for

    def get(self) -> T | None:
        """The kept answer if it is still current; None means: read again."""
        kept = self._kept
        if kept is None or not self.current(kept[0]):
            return None
        return kept[1]

    def aging(self) -> bool:
        """Whether the kept answer is past half its moment: time to read it again ahead,
        so that, while nothing is written, nobody waits for a read."""
        kept = self._kept
        return kept is not None and self._clock.now() >= kept[0].at + self._fresh_for / 2

    def keep(self, stamp: Stamp, value: T) -> T:
        """Keep `value`, read from `stamp` on, unless a later read is kept already."""
        kept = self._kept
        if kept is None or (stamp.generation, stamp.at) >= (kept[0].generation, kept[0].at):
            self._kept = (stamp, value)
        return value

    def read(self, fetch: Callable[[], T]) -> T:
        """The kept answer, or `fetch()`'s, kept (an error is never kept)."""
        kept = self.get()
        if kept is not None:
            return kept
        stamp = self.stamp()
        return self.keep(stamp, fetch())
