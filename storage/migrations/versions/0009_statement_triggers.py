"""PostgreSQL: the triggers on phone_number and contact run once per statement, not per row.

Migration 0003's check (a number's status is what its newest event says), 0005's tallies
(numbers per status, contacts) and 0008's counters (a contact's numbers per status) ran
a PL/pgSQL function for every row, and the tallies inserted a delta row per change,
each running tally_fold in turn: a group commit of 64 STOPs from new numbers made
about 450 function calls and 320 single-row writes, a third of the group's time in the
database. Here each is a statement-level trigger over the statement's transition
tables: one set-based check, one UPDATE of the contacts whose counts moved, one delta
row per status (or for contacts) that moved. The rules are the same; a refused status
still aborts the statement that wrote it. The writes that queue status changes send
them as one UPDATE (storage/repos/rowset.py), so a group runs each trigger once.

A trigger with transition tables has one event, so each is split by event, with the
names SQLite's triggers have where they do the same: `phone_number_status_follows_ledger_insert`
/ `_update`, `phone_number_counts_insert` / `_update` / `_delete` (counters and status
tallies), `contact_tally_insert` / `_delete`. The contact pending-day tally stays a row
trigger, split into insert and delete with a WHEN, so a contact inserted without a
pending link runs no function at all.

SQLite is unchanged: it has only row triggers, which run inside the statement without
a function call (its group of 64 spends about 2 ms in them).

Revision ID: 0009_statement_triggers
Revises: 0008_contact_filters
Create Date: 2026-11-29
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0009_statement_triggers"
down_revision: str | None = "0008_contact_filters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _sibling(name: str) -> ModuleType:
    """An earlier migration of this directory, loaded for its SQL."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"optdesk_migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The same counters and the same refusal as the migrations whose triggers this replaces.
COUNTS: tuple[tuple[str, str], ...] = _sibling("0008_contact_filters").COUNTS
REFUSAL: str = _sibling("0003_status_follows_ledger").REFUSAL
NEW, OLD = "NEW TABLE AS new_rows", "OLD TABLE AS old_rows"

# A row of `new_rows` whose status or source is not what its number's newest event
# (passing over events that only recorded an answer) says; no event: `not subscribed`.
_CHECK = (
    "IF EXISTS (SELECT 1 FROM new_rows AS n LEFT JOIN LATERAL (SELECT status, source "
    "FROM consent_event WHERE phone = n.e164 AND (evidence::jsonb ->> 'effect') IS NULL "
    "ORDER BY seq DESC LIMIT 1) AS e ON true WHERE CASE WHEN e.status IS NULL "
    "THEN n.status <> 'not subscribed' OR n.status_source IS NOT NULL "
    "ELSE n.status <> e.status OR n.status_source IS DISTINCT FROM e.source END) "
    f"THEN RAISE EXCEPTION '{REFUSAL}'; END IF;"
)


def _per_contact(rows: str, sign: str) -> str:
    """Per contact, how many of `rows`' numbers have each status (negated for `-`)."""
    counts = ", ".join(
        f"{sign}count(*) FILTER (WHERE status = '{status}') AS {column}"
        for status, column in COUNTS
    )
    return f"SELECT contact_id, {counts} FROM {rows} GROUP BY contact_id"


def _counters(*parts: str) -> str:
    """One UPDATE of the contacts whose counters (0008) the statement moved."""
    sums = ", ".join(f"sum({column}) AS {column}" for _status, column in COUNTS)
    moved = " OR ".join(f"sum({column}) <> 0" for _status, column in COUNTS)
    sets = ", ".join(f"{column} = contact.{column} + d.{column}" for _status, column in COUNTS)
    return (
        f"UPDATE contact SET {sets} FROM (SELECT contact_id, {sums} FROM "
        f"({' UNION ALL '.join(parts)}) AS x GROUP BY contact_id HAVING {moved}) AS d "
        "WHERE contact.id = d.contact_id;"
    )


def _tallies(*parts: str) -> str:
    """One delta row per status whose count (0005's tally) the statement moved."""
    return (
        "INSERT INTO tally (name, n) SELECT name, sum(n) FROM "
        f"({' UNION ALL '.join(parts)}) AS x GROUP BY name HAVING sum(n) <> 0;"
    )


def _per_status(rows: str, sign: str) -> str:
    return f"SELECT status AS name, {sign}count(*) AS n FROM {rows} GROUP BY status"


def _counts(*sides: tuple[str, str]) -> str:
    return _counters(*(_per_contact(r, s) for r, s in sides)) + _tallies(
        *(_per_status(r, s) for r, s in sides)
    )


def _function(name: str, body: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )


def _trigger(name: str, event: str, table: str, rows: str, function: str = "") -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {rows} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function or name}()"
    )


def _contacts(rows: str, sign: str) -> str:
    return f"INSERT INTO tally (name, n) SELECT 'contact', {sign}count(*) FROM {rows} HAVING count(*) > 0;"  # fmt: skip


CHECKED = "phone_number_status_follows_ledger"
UP = [
    # 0003, 0005 and 0008's row triggers and their functions
    f"DROP TRIGGER {CHECKED} ON phone_number",
    f"DROP FUNCTION {CHECKED}()",
    "DROP TRIGGER phone_number_tally_write ON phone_number",
    "DROP TRIGGER phone_number_tally_status ON phone_number",
    "DROP FUNCTION phone_number_tally()",
    "DROP TRIGGER contact_tally ON contact",
    "DROP FUNCTION contact_tally()",
    "DROP TRIGGER contact_numbers_write ON phone_number",
    "DROP TRIGGER contact_numbers_change ON phone_number",
    "DROP FUNCTION contact_numbers()",
    "DROP TRIGGER contact_pending_tally_write ON contact",
    # once per statement
    _function(CHECKED, _CHECK),
    _trigger(f"{CHECKED}_insert", "INSERT", "phone_number", NEW, CHECKED),
    _trigger(f"{CHECKED}_update", "UPDATE", "phone_number", NEW, CHECKED),
    _function("phone_number_counts_insert", _counts(("new_rows", ""))),
    _function("phone_number_counts_update", _counts(("new_rows", ""), ("old_rows", "-"))),
    _function("phone_number_counts_delete", _counts(("old_rows", "-"))),
    _trigger("phone_number_counts_insert", "INSERT", "phone_number", NEW),
    _trigger("phone_number_counts_update", "UPDATE", "phone_number", f"{OLD} {NEW}"),
    _trigger("phone_number_counts_delete", "DELETE", "phone_number", OLD),
    _function("contact_tally_insert", _contacts("new_rows", "")),
    _function("contact_tally_delete", _contacts("old_rows", "-")),
    _trigger("contact_tally_insert", "INSERT", "contact", NEW),
    _trigger("contact_tally_delete", "DELETE", "contact", OLD),
    # a row trigger still, with a WHEN: most contacts never run it
    "CREATE TRIGGER contact_pending_tally_insert AFTER INSERT ON contact FOR EACH ROW "
    "WHEN (NEW.pending_until IS NOT NULL) EXECUTE FUNCTION contact_pending_tally()",
    "CREATE TRIGGER contact_pending_tally_delete AFTER DELETE ON contact FOR EACH ROW "
    "WHEN (OLD.pending_until IS NOT NULL) EXECUTE FUNCTION contact_pending_tally()",
]

_MADE = {
    "phone_number": (
        f"{CHECKED}_insert",
        f"{CHECKED}_update",
        "phone_number_counts_insert",
        "phone_number_counts_update",
        "phone_number_counts_delete",
    ),
    "contact": (
        "contact_tally_insert",
        "contact_tally_delete",
        "contact_pending_tally_insert",
        "contact_pending_tally_delete",
    ),
}
DOWN = [
    *(f"DROP TRIGGER {name} ON {table}" for table, names in _MADE.items() for name in names),
    *(
        f"DROP FUNCTION {name}()"
        for name in (
            CHECKED,
            "phone_number_counts_insert",
            "phone_number_counts_update",
            "phone_number_counts_delete",
            "contact_tally_insert",
            "contact_tally_delete",
        )
    ),
    # 0005 made tally_fold with the row triggers; it is made again with them below
    "DROP TRIGGER tally_fold ON tally",
    "DROP FUNCTION tally_fold()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    """Back to the row triggers, as 0003, 0005 and 0008 made them."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWN:
        op.execute(statement)
    _sibling("0003_status_follows_ledger")._postgres()
    _sibling("0005_read_indexes")._postgres()
    replaced = (
        "CREATE FUNCTION contact_numbers()",
        "CREATE TRIGGER contact_numbers_write ",
        "CREATE TRIGGER contact_numbers_change ",
        "CREATE TRIGGER contact_pending_tally_write ",
    )
    for statement in _sibling("0008_contact_filters").postgres_triggers():
        if statement.startswith(replaced):
            op.execute(statement)

