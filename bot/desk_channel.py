"""The local desk's notify channel: the notes as Slack would have shown them, per contact.

`ChannelNotifier` wraps the process's Notifier (in local mode the LocalNotifier): every
note the dispatcher posts is posted as before, then kept here as the very blocks the
Slack notifier builds (`bot.notes.note_blocks`), in the contact's thread. So the desk
shows what Slack would show, from the same outbox rows, and never a second rendering.

Kept in memory, for one process: local mode is one process on one machine, and the
notes are already in the log. Staff notes (a reply kept in the desk, not texted) live
here too, as thread replies do in Slack. `version` grows with every change, so a page
can ask "anything new?" cheaply.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.fmt import MRKDWN, section
from bot.notes import note_blocks
from consent.notes import Note
from consent.phones import display_phone
from consent.senders import Notifier

MAX_THREADS = 200
MAX_ENTRIES = 300  # per thread: the oldest go first


@dataclass(frozen=True)
class Entry:
    """One message in a thread: a note's blocks, or a staff note's."""

    seq: int
    at: datetime
    blocks: list[dict[str, Any]]
    staff_note: bool = False


@dataclass
class Thread:
    contact_id: int
    title: str
    entries: list[Entry] = field(default_factory=list)


class DeskChannel:
    """The threads, newest activity first; safe to use from threads and the event loop."""

    def __init__(self, *, thread_replies: str = "confirm") -> None:
        self.thread_replies = thread_replies
        self._threads: OrderedDict[int, Thread] = OrderedDict()
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self.version = 0

    def record(self, note: Note, *, at: datetime | None = None) -> None:
        """Keep one posted note: the first of a contact starts the thread, as in Slack."""
        with self._lock:
            thread = self._threads.get(note.contact_id)
            top = thread is None
            blocks = note_blocks(note, top_level=top, thread_replies=self.thread_replies)
            title = note.contact or display_phone(note.phone) or "(no contact)"
            self._add(note.contact_id, title, blocks, at=at)

    def add_staff_note(self, contact_id: int, title: str, text: str, *, texted: bool) -> None:
        """A staff member's reply in the thread (Slack shows their message there): kept
        as a team note, or `texted` to the client through the gate."""
        how = ":reply: Sent as a text" if texted else ":memo: Team note (not texted)"
        blocks = [section(f"{how}:\n{MRKDWN.quote(text)}")]
        with self._lock:
            self._add(contact_id, title, blocks, staff_note=True)

    def touch(self) -> None:
        """Something the status page shows changed without a note (a move, a link)."""
        with self._lock:
            self.version += 1

    def threads(self, limit: int = 50) -> list[Thread]:
        """The most recently active threads, newest first (copies)."""
        with self._lock:
            recent = list(reversed(self._threads.values()))[:limit]
            return [Thread(t.contact_id, t.title, list(t.entries)) for t in recent]

    def _add(
        self,
        contact_id: int,
        title: str,
        blocks: list[dict[str, Any]],
        *,
        at: datetime | None = None,
        staff_note: bool = False,
    ) -> None:
        thread = self._threads.pop(contact_id, None) or Thread(contact_id, title)
        if title and not title.startswith("("):
            thread.title = title
        entry = Entry(next(self._seq), at or datetime.now(UTC), blocks, staff_note)
        thread.entries = [*thread.entries, entry][-MAX_ENTRIES:]
        self._threads[contact_id] = thread
        while len(self._threads) > MAX_THREADS:
            self._threads.popitem(last=False)
        self.version += 1


class ChannelNotifier:
    """A Notifier that posts through `inner`, then keeps the note in the desk's channel."""

    def __init__(self, inner: Notifier, channel: DeskChannel) -> None:
        self.inner, self.channel = inner, channel

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        ts = await self.inner.post(channel, thread_ts, note, note_id=note_id, attempt=attempt)
        self.channel.record(note)
        return ts
