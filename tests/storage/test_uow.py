"""The unit of work: commit keeps, anything else rolls back, the connection goes back."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from consent.ports import UnitOfWork
from storage.uow import SqlUnitOfWorkFactory


def _count(factory: SqlUnitOfWorkFactory) -> int:
    with factory(write=False) as uow:
        return uow.contacts.count()


def test_commit_keeps_the_changes(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("Kept", None, None)
        uow.commit()
    assert _count(uow_factory) == 1


def test_leaving_without_commit_rolls_back(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("Dropped", None, None)
    assert _count(uow_factory) == 0


def test_an_exception_rolls_back_and_propagates(uow_factory: SqlUnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError, match="boom"), uow_factory() as uow:
        uow.contacts.add("Dropped", None, None)
        raise RuntimeError("boom")
    assert _count(uow_factory) == 0


def test_work_after_a_commit_needs_its_own_commit(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add("One", None, None)
        uow.commit()
        uow.contacts.add("Two", None, None)
    assert _count(uow_factory) == 1
    with uow_factory() as uow:
        uow.contacts.add("Three", None, None)
        uow.commit()
        uow.contacts.add("Four", None, None)
        uow.commit()
    assert _count(uow_factory) == 3


def test_every_connection_goes_back_to_the_pool(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    for write in (True, False):
        with uow_factory(write=write) as uow:
            uow.contacts.count()
        with pytest.raises(ValueError), uow_factory(write=write):
            raise ValueError
    assert migrated_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_the_factory_makes_units_of_work_of_the_port(uow_factory: SqlUnitOfWorkFactory) -> None:
    uow: UnitOfWork = uow_factory(write=False)
    with uow as opened:
        assert opened.numbers.counts()
    with pytest.raises(RuntimeError, match="not open"):
        uow_factory().connection  # noqa: B018
