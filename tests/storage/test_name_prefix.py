"""Names by their start (`/sms status ann` finds "Ann Lee"): exactly the contacts whose
name starts with what was typed, whatever the case, by name, at most `limit`; wildcards
typed are plain characters. On SQLite the lookup is an index range, so a start that
matches nobody does not read every name."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from storage.repos._base import name_key
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.test_home_queries import _statements

NAMES = [
    "Ann Lee", "ann lee", "Anna Bell", "Annz", "Ann%x", "Ann_y", "An", "Bo", "Zoë Ray",
    "Zoe Ray", "Ann\U0010ffff", "Ann\ud7ffb", "Ann\ue000c", "Émile", "Ånn", "Ann/Lee",
]  # fmt: skip
TYPED = ["ann", "ANN ", "an", "Ann%", "Ann_", "ann l", "zo", "zoë", "Ann\U0010ffff", "x", "A",
         "Ann\ud7ff", "Ann/", "ém", "Ann\U0010fffe"]  # fmt: skip


def _seed(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        for name in NAMES:
            uow.contacts.add(name, None, None)
        uow.commit()


def test_a_name_start_finds_exactly_the_names_that_start_with_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _seed(uow_factory)
    with uow_factory(write=False) as uow:
        everyone = [c for c in map(uow.contacts.get, range(1, len(NAMES) + 1)) if c]
        for typed in TYPED:
            key = name_key(typed)
            wanted = sorted(
                (c for c in everyone if name_key(c.name).startswith(key)),
                key=lambda c: (name_key(c.name), c.id),
            )
            for limit in (1, 2, 50):
                assert uow.contacts.find_prefix(typed, limit) == wanted[:limit], typed


def test_on_sqlite_a_name_start_is_an_index_range_not_a_walk_of_every_name(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    if migrated_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL: see find_prefix")
    _seed(uow_factory)
    with uow_factory(write=False) as uow, _statements(migrated_engine) as seen:
        uow.contacts.find_prefix("nobody here", 20)
    [(statement, params)] = seen
    with migrated_engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
    assert any(line.startswith("SEARCH contact") and "name_key>" in line for line in plan), plan
