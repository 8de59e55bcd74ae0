"""Numbers new to the desk that arrive already opted out (an imported opt-out list).

Each gets a contact named by the number, its `opted out` event in the chain, and then
its row, inserted with that status: the events are written first (queued, and written
before the insert of the numbers: storage/writes.py), so the database's
status check (migration 0003) sees the status its newest event says. One statement per
table for a whole batch, and no `not subscribed` row updated a moment later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from consent.model import EventDraft, Status
from consent.records import NewOptOut
from storage.repos import rowset
from storage.repos._base import Repo, name_key
from storage.repos.ledger import SqlLedger
from storage.tables import contact_t, phone_t
from storage.writes import NUMBERS, Deferred, QueuedConnection

# Queued after the events (the status check needs them), in one statement on PostgreSQL.
_NUMBERS = Deferred(NUMBERS, sa.insert(phone_t), rowset.inserter(phone_t))


class SqlOptOutImport(Repo):
    def __init__(self, db: QueuedConnection, ledger: SqlLedger) -> None:
        super().__init__(db)
        self._ledger = ledger

    def add_opted_out(self, rows: Sequence[NewOptOut], at: datetime) -> None:
        """Contacts, events, then numbers (`opted out`) for numbers not on file."""
        if not rows:
            return
        contacts = [
            {
                "name": row.name,
                "name_key": name_key(row.name),
                "email": None,
                "project_id": None,
                "created_at": at,
            }
            for row in rows
        ]
        ids = self._insert_ids(contact_t, contacts)
        for row, contact_id in zip(rows, ids, strict=True):
            draft = EventDraft(
                row.e164, contact_id, Status.OPTED_OUT, row.source, row.actor, row.evidence
            )
            self._ledger.append(draft, at)
        for row, contact_id in zip(rows, ids, strict=True):
            number = {
                "e164": row.e164,
                "contact_id": contact_id,
                "status": str(Status.OPTED_OUT),
                "status_source": str(row.source),
                "status_changed_at": at,
                "awaiting_start": False,
            }
            self._db.defer(_NUMBERS, number)
