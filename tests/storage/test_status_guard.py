"""The status column the send gate reads changes only together with its consent event: the
database refuses an UPDATE or INSERT that does not match the number's newest event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from consent.model import Status
from consent.records import InboundSms
from consent.services import inbound, links, queries
from consent.services.context import Desk

ANN = "+14155550100"
BO = "+14155550111"
REFUSED = "a number's status changes only with its consent event"


def _opted_out(desk: Desk) -> None:
    token = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "(415) 555-0100", "203.0.113.9", "Mobile Safari")
    inbound.handle_inbound(desk, InboundSms("SM" + "1" * 32, ANN, "+15005550006", "STOP"))


@pytest.mark.parametrize(
    "statements",
    [
        ["UPDATE phone_number SET status = 'opted in'"],
        ["UPDATE phone_number SET status = 'opted in', status_source = 'questionnaire'"],
        ["UPDATE phone_number SET status_source = 'questionnaire'"],
        [
            "DELETE FROM phone_number",
            "INSERT INTO phone_number (e164, contact_id, status, status_source, awaiting_start) "
            "SELECT '+14155550100', id, 'opted in', 'questionnaire', false FROM contact",
        ],
    ],
    ids=["status", "status-and-source", "source", "delete-and-insert"],
)
def test_the_database_refuses_a_status_that_its_events_do_not_say(
    desk: Desk, migrated_engine: Engine, statements: list[str]
) -> None:
    _opted_out(desk)
    with pytest.raises(sa.exc.DBAPIError, match=REFUSED), migrated_engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    (number,) = queries.contact_view(desk, "Ann Lee").numbers
    assert number.status is Status.OPTED_OUT
    assert queries.verify_ledger(desk).ok


def test_a_new_number_may_only_start_not_subscribed(desk: Desk, migrated_engine: Engine) -> None:
    links.issue_link(desk, "Ann Lee", actor="U1")
    insert = (
        "INSERT INTO phone_number (e164, contact_id, status, awaiting_start) "
        "SELECT '+14155550100', id, '{status}', false FROM contact"
    )
    with pytest.raises(sa.exc.DBAPIError, match=REFUSED), migrated_engine.begin() as conn:
        conn.execute(sa.text(insert.format(status="opted in")))
    with migrated_engine.begin() as conn:
        conn.execute(sa.text(insert.format(status="not subscribed")))
    assert queries.verify_ledger(desk).ok


def test_one_statement_that_writes_a_wrong_status_among_right_ones_changes_nothing(
    desk: Desk, migrated_engine: Engine
) -> None:
    """The check holds for every row of a multi-row write (PostgreSQL checks the whole
    statement at once): Bo's number has no event, so the UPDATE is refused as a whole."""
    _opted_out(desk)
    inbound.handle_inbound(desk, InboundSms("SM" + "2" * 32, BO, "+15005550006", "hello"))
    same = "status = 'opted out', status_source = 'sms_keyword'"
    with pytest.raises(sa.exc.DBAPIError, match=REFUSED), migrated_engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE phone_number SET {same}"))
    with migrated_engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE phone_number SET {same} WHERE e164 = '{ANN}'"))
        rows = conn.execute(sa.text("SELECT e164, status FROM phone_number ORDER BY e164"))
        assert [tuple(row) for row in rows] == [(ANN, "opted out"), (BO, "not subscribed")]
