"""The seeded database is the one the triggers would have built (bench/seed.py seeds
PostgreSQL around them): every kept counter against a reading of the rows themselves."""

from __future__ import annotations

import sqlalchemy as sa

from consent.model import Status


def check(engine: sa.Engine) -> dict[str, int]:
    """What the triggers keep, against a reading of the rows themselves: how many rows
    disagree (all 0 in a consistent database). Seeding around the triggers must leave
    the same database the triggers would have built."""
    same = "IS NOT DISTINCT FROM" if engine.dialect.name == "postgresql" else "IS"
    newest = "SELECT {} FROM consent_event e WHERE e.phone = p.e164 ORDER BY e.seq DESC LIMIT 1"
    counters = " OR ".join(
        f"c.numbers_{str(s).replace(' ', '_')} <> (SELECT count(*) FROM phone_number p "
        f"WHERE p.contact_id = c.id AND p.status = '{s}')"
        for s in Status
    )
    live = (
        "SELECT max(e) FROM (SELECT max(expires_at) AS e FROM questionnaire_link l "
        "WHERE l.contact_id = c.id AND l.answered_at IS NULL UNION ALL "
        "SELECT max(expires_at) AS e FROM opt_in_request r "
        "WHERE r.contact_id = c.id AND r.closed_at IS NULL) AS live"
    )
    tally = "(SELECT coalesce(sum(n), 0) FROM tally WHERE name = {})"
    queries = {
        "numbers not following their ledger": (
            "SELECT count(*) FROM phone_number p WHERE NOT (p.status = coalesce(("
            + newest.format("e.status")
            + f"), 'not subscribed') AND p.status_source {same} ("
            + newest.format("e.source")
            + "))"
        ),
        "contacts with wrong status counters": f"SELECT count(*) FROM contact c WHERE {counters}",
        "contacts with a wrong pending_until": (
            f"SELECT count(*) FROM contact c WHERE NOT (c.pending_until {same} ({live}))"
        ),
        "status tallies off": (
            "SELECT count(*) FROM (SELECT status, count(*) AS k FROM phone_number "
            f"GROUP BY status) AS s WHERE s.k <> {tally.format('s.status')}"
        ),
        "contact tally off": (
            f"SELECT count(*) FROM contact HAVING count(*) <> {tally.format(repr('contact'))}"
        ),
    }
    with engine.connect() as conn:
        found = {what: int(conn.scalar(sa.text(sql)) or 0) for what, sql in queries.items()}
    found["pending count off"] = _pending_off(engine)
    return found


def _pending_off(engine: sa.Engine) -> int:
    from consent.services.context import SystemClock
    from storage.uow import SqlUnitOfWorkFactory

    now = SystemClock().now()
    with SqlUnitOfWorkFactory(engine, SystemClock())(write=False) as uow:
        return abs(uow.links.pending_count(now) - len(uow.links.pending_contacts(now)))
