"""Names by their start (`/sms status ann` finds "Ann Lee"): exactly the contacts whose
name starts with what was typed, whatever the case, by name, at most `limit`; wildcards
typed are plain characters. Where names compare by code point (SQLite; PostgreSQL in a C
collation) the lookup is an index range, so a start that matches nobody reads no name."""

from __future__ import annotations

from typing import Any

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


def test_a_name_start_is_an_index_range_where_names_compare_by_code_point(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    """SQLite always; PostgreSQL in a C collation (the test server's is C.UTF-8)."""
    _seed(uow_factory)
    with uow_factory(write=False) as uow, _statements(migrated_engine) as seen:
        uow.contacts.find_prefix("nobody here", 20)
    [(statement, params)] = [s for s in seen if "FROM contact" in s[0]]
    with migrated_engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        if migrated_engine.dialect.name == "sqlite":
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, params)
            plan = [row[3] for row in rows]
            assert any(p.startswith("SEARCH contact") and "name_key>" in p for p in plan), plan
            return
        with raw.cursor() as cur:
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN " + statement, params)
            plan = [row[0] for row in cur.fetchall()]
        raw.rollback()
    conds = [line for line in plan if "Index Cond" in line]
    assert any("name_key" in c and ">=" in c and "<" in c for c in conds), plan
