"""`POST /slack/events` under the bad-input corpus: signatures, bodies, payloads, events."""

from __future__ import annotations

import pytest

from tests.corpus import cases_slack
from tests.corpus.check import Case, check
from tests.corpus.world import World, slack_leaks

CASES = cases_slack.CASES


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_answer_and_changes_nothing(world: World, c: Case) -> None:
    check(world, c)


def test_forged_requests_reached_no_listener(world: World) -> None:
    """Nothing the forged commands and clicks named was ever answered through Slack."""
    forged = [r for r in world.slack.response_calls if "forged" in str(r.body)]
    assert forged == []


def test_everything_sent_to_slack_is_escaped(world: World) -> None:
    world.dispatch()
    leaks = [(text[:120], slack_leaks(text)) for text in world.slack_output() if slack_leaks(text)]
    assert leaks == []
    assert world.errors == [], [r.getMessage() for r in world.errors]
