"""Reads that stay flat as the tables grow: indexes for every App Home filter and lookup,
and the status counts kept by triggers in `tally` instead of a GROUP BY over every number.

Indexes: contacts in name order (`name_key, id`), within a project, by lower-cased email;
a number's statuses per contact; the live (unanswered, unclosed) links and double opt-in
requests, by contact and by expiry (partial: answered links drop out of them; the
always-NULL answered_at/closed_at is in them so SQLite reads them without the table).

`tally` holds the number of numbers in each status and the number of contacts, kept by
triggers on `phone_number` and `contact`, so the counts cost the same at 1,000 or 1,000,000
rows. SQLite has one writer at a time: one row per name, updated in place. PostgreSQL
writers run concurrently: an UPDATE of a shared counter row would queue every writer on it
and, taken in different orders by two transactions (a new contact, then a status change),
could deadlock; so each change is an inserted delta row, and about every 256th insert
folds the committed deltas into one row per name (rows another folder holds are skipped,
never waited for). A count is `sum(n)` over a few hundred rows at most.

Revision ID: 0005_read_indexes
Revises: 0004_message_hold
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_read_indexes"
down_revision: str | None = "0004_message_hold"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE_LINK = "answered_at IS NULL"
_OPEN_REQUEST = "closed_at IS NULL"
# (name, table, columns, partial WHERE or None)
INDEXES: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    ("ix_contact_name_key_id", "contact", ("name_key", "id"), None),
    ("ix_contact_project_id_name_key_id", "contact", ("project_id", "name_key", "id"), None),
    ("ix_phone_number_contact_id_status", "phone_number", ("contact_id", "status"), None),
    ("ix_questionnaire_link_live_contact", "questionnaire_link", ("contact_id", "expires_at", "answered_at"), _LIVE_LINK),
    ("ix_questionnaire_link_live_expiry", "questionnaire_link", ("expires_at", "contact_id", "answered_at"), _LIVE_LINK),
    ("ix_opt_in_request_open_contact", "opt_in_request", ("contact_id", "expires_at", "closed_at"), _OPEN_REQUEST),
    ("ix_opt_in_request_open_expiry", "opt_in_request", ("expires_at", "contact_id", "closed_at"), _OPEN_REQUEST),
)  # fmt: skip
_FOLD_EVERY = 256
# A rowid alias (INTEGER PRIMARY KEY) on SQLite; 64 bits on PostgreSQL, where every change
# inserts rows.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        partial = None if where is None else sa.text(where)
        op.create_index(
            name, table, list(columns), sqlite_where=partial, postgresql_where=partial
        )
    op.create_index("ix_contact_lower_email", "contact", [sa.text("lower(email)")])
    op.create_table(
        "tally",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tally"),
    )
    op.execute(
        "INSERT INTO tally (name, n) SELECT s.name, "
        "(SELECT count(*) FROM phone_number WHERE status = s.name) FROM (SELECT 'opted in' AS name "
        "UNION ALL SELECT 'opted out' UNION ALL SELECT 'not subscribed') AS s"
    )
    op.execute("INSERT INTO tally (name, n) SELECT 'contact', count(*) FROM contact")
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    else:
        _sqlite()


def _sqlite_add(name: str, delta: str) -> str:
    return f"UPDATE tally SET n = n + ({delta}) WHERE name = {name};"


def _sqlite() -> None:
    triggers = {
        "phone_number_tally_insert": (
            "AFTER INSERT ON phone_number FOR EACH ROW",
            _sqlite_add("NEW.status", "1"),
        ),
        "phone_number_tally_delete": (
            "AFTER DELETE ON phone_number FOR EACH ROW",
            _sqlite_add("OLD.status", "-1"),
        ),
        "phone_number_tally_update": (
            "AFTER UPDATE OF status ON phone_number FOR EACH ROW WHEN OLD.status IS NOT NEW.status",
            _sqlite_add("OLD.status", "-1") + _sqlite_add("NEW.status", "1"),
        ),
        "contact_tally_insert": ("AFTER INSERT ON contact FOR EACH ROW", _sqlite_add("'contact'", "1")),
        "contact_tally_delete": ("AFTER DELETE ON contact FOR EACH ROW", _sqlite_add("'contact'", "-1")),
    }
    for name, (when, body) in triggers.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


def _postgres() -> None:
    op.execute(
        f"""
        CREATE FUNCTION tally_fold() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.id % {_FOLD_EVERY} = 0 THEN
                WITH gone AS (
                    DELETE FROM tally WHERE id IN (
                        SELECT id FROM tally WHERE id < NEW.id FOR UPDATE SKIP LOCKED
                    ) RETURNING name, n
                )
                INSERT INTO tally (name, n) SELECT name, sum(n) FROM gone GROUP BY name;
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION phone_number_tally() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                INSERT INTO tally (name, n) VALUES (OLD.status, -1);
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO tally (name, n) VALUES (NEW.status, 1);
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION contact_tally() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO tally (name, n) VALUES ('contact', CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER tally_fold AFTER INSERT ON tally FOR EACH ROW EXECUTE FUNCTION tally_fold()"
    )
    op.execute(
        "CREATE TRIGGER phone_number_tally_write AFTER INSERT OR DELETE ON phone_number "
        "FOR EACH ROW EXECUTE FUNCTION phone_number_tally()"
    )
    op.execute(
        "CREATE TRIGGER phone_number_tally_status AFTER UPDATE OF status ON phone_number "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) "
        "EXECUTE FUNCTION phone_number_tally()"
    )
    op.execute(
        "CREATE TRIGGER contact_tally AFTER INSERT OR DELETE ON contact "
        "FOR EACH ROW EXECUTE FUNCTION contact_tally()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("phone_number_tally_write", "phone_number"),
            ("phone_number_tally_status", "phone_number"),
            ("contact_tally", "contact"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("phone_number_tally", "contact_tally", "tally_fold"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for trigger in (
            "phone_number_tally_insert",
            "phone_number_tally_delete",
            "phone_number_tally_update",
            "contact_tally_insert",
            "contact_tally_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("tally")
    op.drop_index("ix_contact_lower_email", "contact")
    for name, table, _columns, _where in INDEXES:
        op.drop_index(name, table)
