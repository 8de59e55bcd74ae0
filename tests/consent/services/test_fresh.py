"""A read kept for a moment (consent.services.fresh): forgotten at this process's next
commit and after `fresh_for` of the desk's clock; only where every write is watched."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from consent.ports import UnitOfWork
from consent.services.context import Desk
from consent.services.fresh import CommitWatch, Fresh
from optdesk.root import build_core
from optdesk.settings import Settings
from storage.uow import SqlUnitOfWorkFactory
from tests.support import FixedClock

MOMENT = timedelta(seconds=1)


@pytest.fixture
def watch(uow_factory: SqlUnitOfWorkFactory) -> CommitWatch:
    return CommitWatch(uow_factory)


@pytest.fixture
def fresh(watch: CommitWatch, clock: FixedClock) -> Fresh[str]:
    return Fresh(watch, clock, MOMENT)


def change(uow: UnitOfWork) -> None:
    uow.contacts.add("Ann Lee", None, None)


def test_a_kept_answer_is_answered_until_a_commit(watch: CommitWatch, fresh: Fresh[str]) -> None:
    assert fresh.read(lambda: "first") == "first"
    assert fresh.read(lambda: "second") == "first"
    with watch() as uow:
        change(uow)
        uow.commit()
    assert fresh.get() is None
    assert fresh.read(lambda: "third") == "third"


def test_a_commit_that_only_claimed_due_rows_keeps_it(
    watch: CommitWatch, fresh: Fresh[str], clock: FixedClock
) -> None:
    fresh.read(lambda: "kept")
    now = clock.now()
    with watch() as uow:  # the dispatcher's pass, every half second: outbox rows only
        uow.outbox.claim_due(now, 20, now + timedelta(minutes=1))
        uow.commit()
    assert fresh.get() == "kept"


def test_a_read_begun_before_a_commit_is_not_kept_past_it(
    watch: CommitWatch, fresh: Fresh[str]
) -> None:
    stamp = fresh.stamp()
    with watch() as uow:
        change(uow)
        uow.commit()
    fresh.keep(stamp, "read while the write went in")
    assert fresh.get() is None


def test_a_write_that_rolls_back_forgets_nothing(watch: CommitWatch, fresh: Fresh[str]) -> None:
    fresh.read(lambda: "kept")
    with watch() as uow:
        change(uow)
    with watch(write=False) as uow:
        uow.contacts.find("nobody")
    assert fresh.get() == "kept"


def test_every_commit_of_one_unit_counts(watch: CommitWatch, fresh: Fresh[str]) -> None:
    with watch() as uow:
        change(uow)
        uow.commit()
        fresh.read(lambda: "between the commits")
        change(uow)
        uow.commit()
    assert fresh.get() is None


def test_an_answer_is_kept_for_a_moment_of_the_desks_clock(
    fresh: Fresh[str], clock: FixedClock
) -> None:
    fresh.read(lambda: "kept")
    assert not fresh.aging()
    clock.advance(seconds=MOMENT.total_seconds() / 2)
    assert fresh.aging() and fresh.get() == "kept"  # still given, and worth reading again
    clock.advance(seconds=MOMENT.total_seconds())
    assert fresh.get() is None
    fresh.read(lambda: "again")
    clock.advance(seconds=-1)  # a clock set back: the moment is not trusted
    assert fresh.get() is None


def test_an_error_is_never_kept(fresh: Fresh[str]) -> None:
    def broken() -> str:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        fresh.read(broken)
    assert fresh.read(lambda: "read again") == "read again"


def test_a_watched_write_unit_is_the_unit_itself(
    watch: CommitWatch, uow_factory: SqlUnitOfWorkFactory
) -> None:
    with watch() as uow:
        contact = uow.contacts.add("Ann Lee", None, None)
        uow.commit()
    with uow_factory(write=False) as read:
        assert read.contacts.get(contact.id) == contact


def test_only_a_desk_whose_writes_are_all_watched_keeps_anything(desk: Desk) -> None:
    assert Fresh.over(desk, MOMENT) is None
    watched = Desk(CommitWatch(desk.uow), desk.clock, desk.config)
    assert Fresh.over(watched, MOMENT) is not None


def test_the_servers_desk_is_watched(tmp_path: Path) -> None:
    core = build_core(Settings(OPTDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'o.db'}"))
    try:
        assert isinstance(core.desk.uow, CommitWatch)
    finally:
        core.engine.dispose()
