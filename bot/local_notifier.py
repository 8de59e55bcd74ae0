"""Local mode (no Slack credentials): notes are written to the log instead of posted.

Each note is logged as plain sentences a person reads at a glance, e.g.
`LOCAL MODE: Slack would get this note: Ann Lee (+1 415-555-0100) texted “please stop
texting me”. They asked to stop (“stop texting”): the number is opted out.`
The same note, as Slack would show it, is on the local desk (/local/desk).
"""

from __future__ import annotations

import itertools
import logging
import re
import time

from bot.fmt import PLAIN
from bot.notes import note_lines
from consent.notes import Note

log = logging.getLogger("optdesk.bot")
_EMOJI = re.compile(r":[a-z0-9_+-]+:\s*")
QUOTE = "  | "


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:”)" else text + "."


def note_sentences(note: Note) -> str:
    """A note as one line of plain sentences: emoji names dropped, the text in quotes."""
    pieces: list[str] = []
    quoted: list[str] = []
    lines = [part for line in note_lines(PLAIN, note) for part in line.split("\n")]
    for line in [*lines, ""]:
        if line.startswith(QUOTE.rstrip()):
            quoted.append(line[len(QUOTE) - 1 :].strip())
            continue
        if quoted:
            body = "“" + " ".join(q for q in quoted if q) + "”"
            quoted = []
            if pieces and pieces[-1].endswith(":"):
                pieces[-1] = pieces[-1][:-1] + " " + body + "."
            else:
                pieces.append(f"The text: {body}.")
        line = _EMOJI.sub("", line).strip()
        if line:
            pieces.append(_sentence(line))
    return " ".join(pieces)


class LocalNotifier:
    """The Notifier port for local mode: logs each note and returns a made-up ts."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._started = int(time.time())  # a restart never reuses an earlier run's ts

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        where = f" in #{channel}" if channel else ""
        log.warning("LOCAL MODE: Slack would get this note%s: %s", where, note_sentences(note))
        return f"local.{self._started}.{next(self._counter):06d}"
