"""Storage stamps rows with the desk's clock, never a wall clock of its own."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from consent.records import InboundSms
from consent.services import links
from consent.services.context import Desk
from consent.services.inbound import handle_inbound_many
from storage.tables import contact_t, link_t, outbox_t
from tests.support import FixedClock


def _created(desk: Desk, table: sa.Table) -> set[datetime]:
    with desk.uow(write=False) as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        return set(conn.execute(sa.select(table.c.created_at)).scalars())


def test_rows_are_created_at_the_desks_time(desk: Desk, clock: FixedClock) -> None:
    links.issue_link(desk, "Ann Lee", actor="U1")
    handle_inbound_many(desk, [InboundSms("SM" + "1" * 32, "+14155550177", "+15005550006", "hi")])
    at = clock.now()
    created = {table.name: _created(desk, table) for table in (contact_t, link_t, outbox_t)}
    assert created == {"contact": {at}, "questionnaire_link": {at}, "outbox": {at}}
