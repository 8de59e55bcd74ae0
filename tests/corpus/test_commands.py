"""Every `/sms` subcommand under the bad-input corpus (tests/corpus/cases_commands.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.corpus.cases_commands import CASES, DONE, USAGE, Cmd
from tests.corpus.check import check_command
from tests.corpus.world import World, slack_leaks

SUBCOMMANDS = {
    "link",
    "status",
    "send",
    "reply",
    "optout",
    "project",
    "schedule",
    "broadcast",
    "history",
    "scheduled",
    "cancel",
    "rename",
    "help",
}


def test_every_subcommand_has_usage_refused_and_done_rows() -> None:
    kinds = Counter((c.sub, c.outcome) for c in CASES)
    for sub in SUBCOMMANDS - {"help"}:
        assert kinds[(sub, USAGE)] >= 3, sub
    assert {c.sub for c in CASES} >= SUBCOMMANDS
    assert sum(1 for c in CASES if c.outcome == DONE) >= 30


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_bad_command_gets_a_clear_answer_and_changes_nothing(world: World, c: Cmd) -> None:
    check_command(world, c)


def test_everything_sent_to_slack_is_escaped(world: World) -> None:
    world.dispatch()  # the queued texts' delivery notes, consent notes of the opt-out
    leaks = [(text[:120], slack_leaks(text)) for text in world.slack_output() if slack_leaks(text)]
    assert leaks == []
    assert world.errors == [], [r.getMessage() for r in world.errors]
