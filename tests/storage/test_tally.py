"""The counts the status page shows come from a tally the database keeps with triggers:
it must always equal a real count, whatever changes the numbers and contacts go through,
including concurrent writers on PostgreSQL."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.model import Source, Status
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, change_status

GROUP_BY = "SELECT status, count(*) FROM phone_number GROUP BY status"


def _real(engine: Engine) -> tuple[dict[Status, int], int]:
    with engine.connect() as conn:
        by_status = dict.fromkeys(Status, 0)
        for status, n in conn.execute(sa.text(GROUP_BY)):
            by_status[Status(status)] = int(n)
        contacts = int(conn.scalar(sa.text("SELECT count(*) FROM contact")) or 0)
    return by_status, contacts


def _kept(uow_factory: SqlUnitOfWorkFactory) -> tuple[dict[Status, int], int]:
    with uow_factory(write=False) as uow:
        return uow.numbers.counts(), uow.contacts.count()


def test_counts_equal_a_group_by_after_many_random_changes(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    rng = random.Random(12)
    numbers = []
    for step in range(60):
        with uow_factory() as uow:
            contact = uow.contacts.add(f"Person {step}", None, None)
            new_number = uow.numbers.add(f"+1415555{step:04d}", contact.id)
            for number in [*rng.sample(numbers, min(len(numbers), 3)), new_number]:
                current = uow.numbers.by_id(number.id)
                assert current is not None
                new = rng.choice([s for s in Status if s is not current.status])
                # through the ledger-guarded path: event first, status written at flush
                change_status(uow, current, new, Source.STAFF, T0 + timedelta(seconds=step))
            if step % 7 == 0:  # some transactions roll back: their changes must not count
                continue
            uow.commit()
            numbers.append(new_number)
        assert _kept(uow_factory) == _real(migrated_engine)
    with uow_factory() as uow:
        lonely = uow.contacts.add("Nobody Yet", None, None)
        uow.commit()
    with migrated_engine.begin() as conn:  # a number and a contact going away
        conn.execute(sa.text("DELETE FROM phone_number WHERE id = :id"), {"id": numbers[-1].id})
        conn.execute(sa.text("DELETE FROM contact WHERE id = :id"), {"id": lonely.id})
    assert _kept(uow_factory) == _real(migrated_engine)


def test_counts_stay_exact_and_the_tally_small_under_many_and_concurrent_writers(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    """Four writers at once, each adding contacts with numbers and moving statuses, over a
    thousand tally changes: no deadlock, no lost update, and on PostgreSQL the delta rows
    are folded so a count reads a few hundred rows at most."""
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(40):
                with uow_factory() as uow:
                    contact = uow.contacts.add(f"Writer {w} {i}", None, None)
                    number = uow.numbers.add(f"+1212{w}{i:06d}", contact.id)
                    change_status(uow, number, Status.OPTED_IN, Source.STAFF, T0)
                    if i % 2:
                        opted_in = uow.numbers.by_id(number.id)
                        assert opted_in is not None
                        change_status(uow, opted_in, Status.OPTED_OUT, Source.STAFF, T0)
                    uow.commit()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with migrated_engine.begin() as conn:  # many rows at once, as an import would
        conn.execute(
            sa.text(
                "INSERT INTO contact (name, name_key, created_at) "
                "SELECT 'Bulk ' || id, 'bulk ' || id, created_at FROM contact"
            )
        )
    assert _kept(uow_factory) == _real(migrated_engine)
    assert _kept(uow_factory)[0][Status.OPTED_OUT] == 80
    with migrated_engine.connect() as conn:
        assert int(conn.scalar(sa.text("SELECT count(*) FROM tally")) or 0) < 600
