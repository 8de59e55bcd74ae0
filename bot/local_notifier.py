"""Local mode (no Slack credentials): notes are written to the log instead of posted."""

from __future__ import annotations

import itertools
import logging

from bot.notes import note_text
from consent.notes import Note

log = logging.getLogger("optdesk.bot")


class LocalNotifier:
    """The Notifier port for local mode: logs each note and returns a made-up ts."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        where = f"#{channel}" if channel else "(no channel)"
        thread = f" in thread {thread_ts}" if thread_ts else ""
        text = note_text(note, plain_text=True).replace("\n", " / ")
        log.warning("LOCAL MODE: Slack post to %s%s: %s", where, thread, text)
        return f"local.{next(self._counter):06d}"
