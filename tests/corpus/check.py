"""The rules every corpus case is held to, and the row type of the HTTP tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tests.corpus.cases_commands import REFUSED, USAGE, Cmd
from tests.corpus.world import World, html_leaks, slack_leaks, strings_in

Send = Callable[[World], httpx.Response]
Setup = Callable[[World], None]


@dataclass(frozen=True)
class Case:
    """One hostile request and what it must get.

    `changes`: False (the default) — nothing may change: every row of every table and the
    ledger head stay as they were; True — an authenticated, accepted request that must
    change something (the control that the same path does act); None — either.
    `says`: words the answer must contain. `setup` runs before the "before" snapshot.
    """

    name: str
    send: Send
    status: frozenset[int]
    changes: bool | None = False
    says: str = ""
    setup: Setup | None = None


def case(
    name: str,
    send: Send,
    status: int | set[int],
    *,
    changes: bool | None = False,
    says: str = "",
    setup: Setup | None = None,
) -> Case:
    codes = frozenset({status} if isinstance(status, int) else status)
    return Case(name, send, codes, changes, says, setup)


def unique(cases: list[Case]) -> list[Case]:
    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"duplicate case names: {sorted(duplicates)}"
    return cases


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> str:
    return ", ".join(
        f"{name} {before[name][0]}->{after[name][0]} rows"
        for name in before
        if before[name] != after[name]
    )


def check(world: World, c: Case) -> httpx.Response:
    """Send the case; hold the answer and the database to the corpus rules."""
    if c.setup is not None:
        c.setup(world)
    before, head, mark = world.state(), world.ledger_head(), world.mark()
    response = c.send(world)
    text = response.text
    assert response.status_code < 500, f"{response.status_code}: {text[:300]}"
    assert response.status_code in c.status, f"{response.status_code}: {text[:300]}"
    assert "Traceback" not in text and 'File "' not in text
    if "html" in response.headers.get("content-type", ""):
        assert not html_leaks(text), f"unescaped input on the page: {html_leaks(text)}"
    if c.says:
        assert c.says in text, f"{c.says!r} not in {text[:300]!r}"
    leaks = [(t[:100], slack_leaks(t)) for t in world.slack_output(mark) if slack_leaks(t)]
    assert leaks == [], "unescaped input in what the app sent to Slack"
    if response.content and "json" in response.headers.get("content-type", ""):  # an ack
        shown = "\n".join(strings_in(response.json()))
        assert not slack_leaks(shown), f"unescaped input in the answer: {slack_leaks(shown)}"
    assert world.errors_since(mark) == [], "the app logged an error"
    after = world.state()
    if c.changes is False:
        assert after == before, f"state changed: {changed_tables(before, after)}"
        assert world.ledger_head() == head, "the ledger grew"
    elif c.changes is True:
        assert after != before, "an accepted request changed nothing"
    return response


def check_command(world: World, c: Cmd) -> None:
    """Run one `/sms` row; hold its answer, what reached Slack and the database to the rules."""
    before, head, mark = world.state(), world.ledger_head(), world.mark()
    answer = world.command(c.text, user=c.user)
    assert answer.response.status_code == 200, answer.response.text[:300]
    assert answer.body is not None
    assert answer.body.get("response_type", "ephemeral") == "ephemeral", "answers are ephemeral"
    shown = answer.text
    if c.outcome == USAGE:
        assert answer.response.content, "a usage problem is answered in the ack itself"
        assert "Usage:" in shown, shown[:300]
    if c.outcome == REFUSED:
        assert "Usage:" not in shown, shown[:300]
    assert c.says in shown, f"{c.says!r} not in {shown[:300]!r}"
    assert "went wrong" not in shown, shown[:300]
    assert not slack_leaks(shown), f"unescaped input in the answer: {slack_leaks(shown)}"
    leaks = [t[:100] for t in world.slack_output(mark) if slack_leaks(t)]
    assert leaks == [], "unescaped input in what the app sent to Slack"
    assert world.errors_since(mark) == [], "the app logged an error"
    after = world.state()
    if c.changes is False:
        assert after == before, f"state changed: {changed_tables(before, after)}"
        assert world.ledger_head() == head, "the ledger grew"
    elif c.changes is True:
        assert after != before, "an accepted command changed nothing"
