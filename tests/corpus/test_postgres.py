"""A representative slice of the corpus on PostgreSQL (runs when OPTDESK_TEST_POSTGRES_URL is
set): forgeries, replays, repeated fields, tokens, CSRF, malformed Slack bodies, and
commands that are refused or act, one world on one fresh database for the module.
"""

from __future__ import annotations

import pytest

from tests.corpus import cases_pages, cases_slack, cases_twilio
from tests.corpus.cases_commands import CASES as COMMANDS
from tests.corpus.cases_commands import Cmd
from tests.corpus.check import Case, check, check_command
from tests.corpus.world import World, slack_leaks

pytestmark = pytest.mark.postgres

HTTP_NAMES = [
    "forged-other-body",
    "forged-other-from",
    "replayed-other-messagesid",
    "signed-for-local-url",
    "replay-same-sid-twice",
    "replay-same-sid-other-from",
    "dup-body",
    "dup-from",
    "from-plus-then-fullwidth-digits",
    "body-mentions",
    "over-limit-by-one",
    "status-forged-error-code",
    "status-error-code-arabic-digits",
    "status-replayed-identical",
    "get-guessed-random-43-a",
    "post-real-token-minus-one",
    "expired-post-yes",
    "csrf-minted-other-link",
    "csrf-tampered-mac-last-char",
    "phone-echo-script",
    "phone-fullwidth-digits",
    "forged-command-stale-301s",
    "forged-action-future-301s",
    "forged-event-other-body",
    "deep-json-event-100k",
    "action-empty-actions",
    "opt-out-by-guest",
    "home-page-huge-metadata-project",
    "submit-send-hostile",
    "event-retry-of-handled-reply",
]
COMMAND_NAMES = [
    "general-unknown",
    "link-unknown-project",
    "link-script-name",
    "status-ambiguous",
    "send-opted-out",
    "send-hostile-text",
    "optout-not-staff",
    "optout-hostile-reason",
    "project-new-existing-other-case",
    "schedule-feb-30",
    "schedule-year-9999",
    "broadcast-hostile-project",
    "history-hostile-contact",
]

_ALL: dict[str, Case] = {
    c.name: c for c in cases_twilio.CASES + cases_pages.CASES + cases_slack.CASES
}
_COMMANDS = {c.name: c for c in COMMANDS}
HTTP_CASES = [_ALL[name] for name in HTTP_NAMES]
COMMAND_CASES = [_COMMANDS[name] for name in COMMAND_NAMES]


def test_the_slice_is_representative() -> None:
    assert len(HTTP_CASES) + len(COMMAND_CASES) >= 40


@pytest.mark.parametrize("c", HTTP_CASES, ids=[c.name for c in HTTP_CASES])
def test_bad_input_on_postgres(pg_world: World, c: Case) -> None:
    assert pg_world.engine.dialect.name == "postgresql"
    check(pg_world, c)


@pytest.mark.parametrize("c", COMMAND_CASES, ids=[c.name for c in COMMAND_CASES])
def test_bad_command_on_postgres(pg_world: World, c: Cmd) -> None:
    check_command(pg_world, c)


def test_everything_sent_to_slack_is_escaped_on_postgres(pg_world: World) -> None:
    pg_world.dispatch()
    leaks = [(t[:120], slack_leaks(t)) for t in pg_world.slack_output() if slack_leaks(t)]
    assert leaks == []
    assert pg_world.errors == [], [r.getMessage() for r in pg_world.errors]
