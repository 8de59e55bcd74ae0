"""App Home filters and the pending count that cost the same at 10k or 1M contacts.

Before, a status filter walked every contact in name order and probed its numbers, so a
filter matching few contacts (or none, within a project) read the whole range, and the
pending count read every live link. Now the contact row carries what its filters ask:

- `numbers_opted_in`, `numbers_opted_out`, `numbers_not_subscribed`: how many of its
  numbers have each status, kept by triggers on `phone_number` (insert, delete, a status
  or contact change). A filter is then one partial index in name order (`WHERE
  numbers_<status> > 0`), also within a project: a page reads its own rows, never the
  contacts that do not match.
- `pending_until`: the latest expiry among its unanswered links and open double opt-in
  requests (NULL: none), kept by triggers on `questionnaire_link` and `opt_in_request`.
  A contact is pending at `now` exactly when `pending_until > now`, so the pending filter
  walks the partial index of contacts that have one.
- `tally` rows named `pending YYYY-MM-DD` count contacts by the UTC day of their
  `pending_until` (a trigger on `contact`): the pending count is the sum of the days after
  today plus today's contacts still live (an index range on `pending_until` within one
  day): links expire with time, and no sweep or write at read time is needed.

Revision ID: 0008_contact_filters
Revises: 0007_contact_rename
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008_contact_filters"
down_revision: str | None = "0007_contact_rename"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    ("opted in", "numbers_opted_in"),
    ("opted out", "numbers_opted_out"),
    ("not subscribed", "numbers_not_subscribed"),
)
_HAS_PENDING = "pending_until IS NOT NULL"


def _indexes() -> list[tuple[str, tuple[str, ...], str]]:
    found: list[tuple[str, tuple[str, ...], str]] = []
    for _status, column in COUNTS:
        short = column.removeprefix("numbers_")
        found.append((f"ix_contact_{short}", ("name_key", "id"), f"{column} > 0"))
        found.append((f"ix_contact_project_{short}", ("project_id", "name_key", "id"), f"{column} > 0"))
    found.append(("ix_contact_pending", ("name_key", "id", "pending_until"), _HAS_PENDING))
    found.append(("ix_contact_project_pending", ("project_id", "name_key", "id", "pending_until"), _HAS_PENDING))
    found.append(("ix_contact_pending_until", ("pending_until",), _HAS_PENDING))
    return found  # fmt: skip


INDEXES = _indexes()


def day(column: str, postgres: bool) -> str:
    """The tally name of the UTC day of a `pending_until` (SQLite keeps naive UTC text)."""
    if postgres:
        return f"'pending ' || to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"'pending ' || substr({column}, 1, 10)"


def refresh_pending(contact: str) -> str:
    """Recompute one contact's `pending_until` from its live links and open requests
    (each read from its partial index by contact)."""
    return (
        "UPDATE contact SET pending_until = (SELECT max(e) FROM ("
        f"SELECT max(expires_at) AS e FROM questionnaire_link "
        f"WHERE contact_id = {contact} AND answered_at IS NULL "
        "UNION ALL SELECT max(expires_at) AS e FROM opt_in_request "
        f"WHERE contact_id = {contact} AND closed_at IS NULL) AS live) "
        f"WHERE id = {contact};"
    )


def add_numbers(row: str, sign: str, postgres: bool) -> str:
    """Count `row`'s number (NEW or OLD) in, or out of, its contact's status counters."""
    cast = "::int" if postgres else ""
    sets = ", ".join(f"{col} = {col} {sign} ({row}.status = '{st}'){cast}" for st, col in COUNTS)
    return f"UPDATE contact SET {sets} WHERE id = {row}.contact_id;"


BACKFILL = (
    "UPDATE contact SET "
    + ", ".join(f"{col} = c.{col}" for _st, col in COUNTS)
    + " FROM (SELECT contact_id, "
    + ", ".join(f"sum(CASE WHEN status = '{st}' THEN 1 ELSE 0 END) AS {col}" for st, col in COUNTS)
    + " FROM phone_number GROUP BY contact_id) AS c WHERE contact.id = c.contact_id",
    "UPDATE contact SET pending_until = p.until FROM (SELECT contact_id, max(expires_at) AS until "
    "FROM (SELECT contact_id, expires_at FROM questionnaire_link WHERE answered_at IS NULL "
    "UNION ALL SELECT contact_id, expires_at FROM opt_in_request WHERE closed_at IS NULL) AS live "
    "GROUP BY contact_id) AS p WHERE contact.id = p.contact_id",
)


def tally_days(postgres: bool) -> str:
    return (
        f"INSERT INTO tally (name, n) SELECT {day('pending_until', postgres)}, count(*) "
        f"FROM contact WHERE {_HAS_PENDING} GROUP BY 1"
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for _status, column in COUNTS:
        op.add_column("contact", sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    op.add_column("contact", sa.Column("pending_until", sa.DateTime(timezone=True), nullable=True))
    for statement in BACKFILL:
        op.execute(statement)
    op.execute(tally_days(postgres))
    for statement in postgres_triggers() if postgres else sqlite_triggers():
        op.execute(statement)
    for name, columns, where in INDEXES:
        partial = sa.text(where)
        op.create_index(name, "contact", list(columns), sqlite_where=partial, postgresql_where=partial)


def sqlite_triggers() -> list[str]:
    def tally(row: str, sign: str) -> str:
        name = day(f"{row}.pending_until", False)
        add = f"UPDATE tally SET n = n {sign} 1 WHERE name = {name};"
        if sign == "-":
            return add
        missing = (
            f"INSERT INTO tally (name, n) SELECT {name}, 0 WHERE {row}.pending_until IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM tally WHERE name = {name});"
        )
        return missing + add

    changed = "OLD.contact_id IS NOT NEW.contact_id"
    new_contact = refresh_pending("NEW.contact_id").replace(
        "WHERE id = NEW.contact_id;", f"WHERE id = NEW.contact_id AND {changed};"
    )
    triggers = {
        "contact_numbers_insert": ("AFTER INSERT ON phone_number", add_numbers("NEW", "+", False)),
        "contact_numbers_delete": ("AFTER DELETE ON phone_number", add_numbers("OLD", "-", False)),
        "contact_numbers_update": (
            "AFTER UPDATE OF status, contact_id ON phone_number FOR EACH ROW "
            f"WHEN OLD.status IS NOT NEW.status OR {changed}",
            add_numbers("OLD", "-", False) + add_numbers("NEW", "+", False),
        ),
        "contact_pending_tally_insert": (
            "AFTER INSERT ON contact FOR EACH ROW WHEN NEW.pending_until IS NOT NULL",
            tally("NEW", "+"),
        ),
        "contact_pending_tally_delete": (
            "AFTER DELETE ON contact FOR EACH ROW WHEN OLD.pending_until IS NOT NULL",
            tally("OLD", "-"),
        ),
        "contact_pending_tally_update": (
            "AFTER UPDATE OF pending_until ON contact FOR EACH ROW "
            "WHEN OLD.pending_until IS NOT NEW.pending_until",
            tally("OLD", "-") + tally("NEW", "+"),
        ),
    }
    for table, done in (("questionnaire_link", "answered_at"), ("opt_in_request", "closed_at")):
        triggers[f"{table}_pending_insert"] = (
            f"AFTER INSERT ON {table} FOR EACH ROW WHEN NEW.{done} IS NULL",
            refresh_pending("NEW.contact_id"),
        )
        triggers[f"{table}_pending_delete"] = (
            f"AFTER DELETE ON {table} FOR EACH ROW WHEN OLD.{done} IS NULL",
            refresh_pending("OLD.contact_id"),
        )
        triggers[f"{table}_pending_update"] = (
            f"AFTER UPDATE OF {done}, expires_at, contact_id ON {table} FOR EACH ROW",
            refresh_pending("OLD.contact_id") + new_contact,
        )
    return [f"CREATE TRIGGER {name} {when} BEGIN {body} END" for name, (when, body) in triggers.items()]  # fmt: skip


def postgres_triggers() -> list[str]:
    def function(name: str, body: str) -> str:
        return (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )

    def tally(row: str, sign: str) -> str:
        return f"INSERT INTO tally (name, n) VALUES ({day(f'{row}.pending_until', True)}, {sign}1);"

    return [
        "CREATE FUNCTION contact_pending_refresh(cid integer) RETURNS void LANGUAGE sql AS $$ "
        f"{refresh_pending('cid')} $$",
        function(
            "contact_numbers",
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {add_numbers('OLD', '-', True)} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {add_numbers('NEW', '+', True)} END IF;",
        ),
        function(
            "contact_pending_tally",
            "IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.pending_until IS NOT NULL THEN "
            f"{tally('OLD', '-')} END IF; "
            "IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.pending_until IS NOT NULL THEN "
            f"{tally('NEW', '+')} END IF;",
        ),
        function(
            "contact_pending_follows",
            "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
            "PERFORM contact_pending_refresh(OLD.contact_id); END IF; "
            "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.contact_id <> OLD.contact_id) "
            "THEN PERFORM contact_pending_refresh(NEW.contact_id); END IF;",
        ),
        "CREATE TRIGGER contact_numbers_write AFTER INSERT OR DELETE ON phone_number "
        "FOR EACH ROW EXECUTE FUNCTION contact_numbers()",
        "CREATE TRIGGER contact_numbers_change AFTER UPDATE OF status, contact_id ON phone_number "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.contact_id IS DISTINCT FROM NEW.contact_id) EXECUTE FUNCTION contact_numbers()",
        "CREATE TRIGGER contact_pending_tally_write AFTER INSERT OR DELETE ON contact "
        "FOR EACH ROW EXECUTE FUNCTION contact_pending_tally()",
        "CREATE TRIGGER contact_pending_tally_change AFTER UPDATE OF pending_until ON contact "
        "FOR EACH ROW WHEN (OLD.pending_until IS DISTINCT FROM NEW.pending_until) "
        "EXECUTE FUNCTION contact_pending_tally()",
        *(
            f"CREATE TRIGGER {table}_pending AFTER INSERT OR DELETE OR UPDATE OF {done}, "
            f"expires_at, contact_id ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION contact_pending_follows()"
            for table, done in (("questionnaire_link", "answered_at"), ("opt_in_request", "closed_at"))
        ),
    ]  # fmt: skip


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _columns, _where in INDEXES:
        op.drop_index(name, "contact")
    if postgres:
        for trigger, table in (
            ("contact_numbers_write", "phone_number"),
            ("contact_numbers_change", "phone_number"),
            ("contact_pending_tally_write", "contact"),
            ("contact_pending_tally_change", "contact"),
            ("questionnaire_link_pending", "questionnaire_link"),
            ("opt_in_request_pending", "opt_in_request"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("contact_numbers()", "contact_pending_tally()",
                         "contact_pending_follows()", "contact_pending_refresh(integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")  # fmt: skip
    else:
        for statement in sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
    op.execute("DELETE FROM tally WHERE name LIKE 'pending %'")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy (see 0006).
    op.drop_column("contact", "pending_until")
    for _status, column in COUNTS:
        op.drop_column("contact", column)
