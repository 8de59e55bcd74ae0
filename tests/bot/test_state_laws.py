"""`/sms schedule` and `/sms broadcast` say when a state's texting law holds a text: why,
until when, and (broadcast) how many wait, by state."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.notes import note_text
from consent.notes import HeldNote
from tests.bot import seed
from tests.bot.harness import Slack
from tests.bot.test_commands import text_of
from tests.support import FixedClock

MIAMI = "+13055550100"
NYC = "+12125550100"


def test_schedule_after_20_00_in_florida_answers_why_and_until_when(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", MIAMI)
    text = text_of(slack.ask("schedule Ann 2026-07-02 20:30 Dinner is at 7"))  # New York time
    assert "Held until" in text and "2026-07-03 12:00 UTC" in text
    assert "(08:00 in America/New_York)" in text
    assert "Florida law: automated texts only from 08:00 to 20:00 local time" in text
    assert "Fla. Stat. § 501.616(6)(a)" in text


def test_broadcast_reports_texts_waiting_for_a_state_by_state(
    slack: Slack, clock: FixedClock
) -> None:
    seed.project(slack.desk, "Kitchen")
    seed.opted_in(slack.desk, "Ann", MIAMI, project="Kitchen")
    seed.opted_in(slack.desk, "Bo", NYC, project="Kitchen")
    clock.at = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)  # 20:30 in Miami and New York
    text = text_of(slack.ask("broadcast Kitchen Tomorrow at 9"))
    assert "Broadcast to project *Kitchen*: 2 queued, none skipped." in text
    assert "Waiting for a state's texting law (1): Florida (08:00-20:00 window): 1." in text


def test_the_thread_note_for_a_held_text_says_why_and_until_when() -> None:
    note = HeldNote(
        7,
        "Ann",
        MIAMI,
        12,
        "Florida law: automated texts only from 08:00 to 20:00 local time (Fla. Stat. x)",
        "2026-07-02T12:00:00+00:00",
        "See you",
    )
    text = note_text(note, plain_text=True)
    assert text.startswith(":hourglass: Waiting until 2026-07-02 12:00 UTC to text Ann")
    assert "Florida law: automated texts only from 08:00 to 20:00" in text and "See you" in text
    assert "<!date^1782993600^" in note_text(note)  # Slack shows it in the reader's zone
