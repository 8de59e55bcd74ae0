"""`/sms status` (counts) is kept in memory for a moment: never past a change made
through this process, and at most `COUNTS_FRESH_FOR` of the desk's clock past a change
made by another one (the worker, a second server, the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.counts_answer import COUNTS_FRESH_FOR
from consent.ports import UnitOfWork
from consent.records import InboundSms
from consent.services.context import Desk
from consent.services.fresh import CommitWatch
from consent.services.inbound import handle_inbound
from consent.services.staff import opt_out_by_staff
from tests.bot import seed
from tests.bot.conftest import mount
from tests.bot.harness import Server, Slack, wait_until
from tests.fakes import FakeSlack
from tests.support import FixedClock

ANN = "+14155550100"
BEN = "+14155550123"
TO = "+15005550006"


class Reads:
    """The desk's unit-of-work factory, counting the read units it makes."""

    def __init__(self, desk: Desk) -> None:
        self.inner, self.count = desk.uow, 0

    def __call__(self, *, write: bool = True) -> UnitOfWork:
        self.count += 0 if write else 1
        return self.inner(write=write)


@pytest.fixture
def reads(desk: Desk) -> Reads:
    return Reads(desk)


@pytest.fixture
def served(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock, reads: Reads
) -> Iterator[Slack]:
    """The desk as `optdesk serve` wires it: its every commit seen by a CommitWatch."""
    harness = mount(server, fake, replace(desk, uow=CommitWatch(reads)), clock)
    yield harness
    harness.http.close()


def counts(slack: Slack) -> dict[str, int]:
    text = str(slack.ask("status").get("text", ""))
    pairs = (line.rsplit(": ", 1) for line in text.splitlines() if ": " in line)
    return {label: int(n) for label, n in pairs}


def stop(desk: Desk, phone: str, sid: str) -> Any:
    return handle_inbound(desk, InboundSms("SM" + sid * 32, phone, TO, "STOP"))


def test_counts_are_read_once_while_nothing_is_written(served: Slack, reads: Reads) -> None:
    seed.opted_in(served.desk, "Ann", ANN)
    first = counts(served)
    assert [counts(served) for _ in range(3)] == [first] * 3
    assert reads.count == 1


def test_past_half_its_moment_the_counts_are_read_again_ahead(
    served: Slack, desk: Desk, clock: FixedClock
) -> None:
    seed.opted_in(served.desk, "Ann", ANN)
    assert counts(served)["opted out"] == 0
    opt_out_by_staff(desk, ANN, "asked on the phone", actor="UCLI")  # another process
    clock.advance(seconds=COUNTS_FRESH_FOR.total_seconds() / 2)
    assert counts(served)["opted out"] == 0  # the kept answer, given without waiting...
    wait_until(lambda: counts(served)["opted out"] == 1)  # ...while it is read again ahead


def test_a_stop_through_this_process_shows_in_the_next_status(served: Slack) -> None:
    seed.opted_in(served.desk, "Ann", ANN)
    assert counts(served)["opted in"] == 1
    stop(served.desk, ANN, "a")
    assert counts(served)["opted in"] == 0 and counts(served)["opted out"] == 1


def test_an_opt_in_through_this_process_shows_in_the_next_status(served: Slack) -> None:
    assert counts(served)["opted in"] == 0
    seed.opted_in(served.desk, "Ben", BEN)
    assert counts(served)["opted in"] == 1


def test_a_staff_opt_out_through_slack_shows_in_the_next_status(served: Slack) -> None:
    seed.opted_in(served.desk, "Ann", ANN)
    assert counts(served)["opted out"] == 0
    served.ask("optout Ann asked us on the phone")
    assert counts(served)["opted out"] == 1


def test_a_new_link_shows_as_pending_in_the_next_status(served: Slack) -> None:
    assert counts(served)["pending"] == 0
    seed.pending(served.desk, "Cy")
    assert counts(served)["pending"] == 1


def test_a_change_by_another_process_shows_within_the_bound(
    served: Slack, desk: Desk, clock: FixedClock
) -> None:
    seed.opted_in(served.desk, "Ann", ANN)
    assert counts(served)["opted out"] == 0
    elsewhere = desk  # the same database, not this process's watch: the worker, the CLI
    opt_out_by_staff(elsewhere, ANN, "asked on the phone", actor="UCLI")
    clock.advance(seconds=COUNTS_FRESH_FOR.total_seconds())
    assert counts(served)["opted out"] == 1


def test_a_desk_whose_writes_are_not_watched_reads_every_time(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock, reads: Reads
) -> None:
    slack = mount(server, fake, replace(desk, uow=reads), clock)
    try:
        counts(slack)
        opt_out_by_staff(desk, seed.opted_in(desk, "Ann", ANN) and ANN, "phone", actor="UCLI")
        assert counts(slack)["opted out"] == 1
        assert reads.count == 2
    finally:
        slack.http.close()
