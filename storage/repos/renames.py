"""Contact renames, oldest first: who renamed a contact, when, and its name before."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from consent.records import Rename
from storage.repos._base import Repo
from storage.tables import rename_t


class SqlRenameRepo(Repo):
    def add(self, contact_id: int, old: str, new: str, actor: str, at: datetime) -> Rename:
        values = {"contact_id": contact_id, "old_name": old, "new_name": new}
        new_id = self._insert_id(sa.insert(rename_t), {**values, "actor": actor, "at": at})
        return Rename(new_id, contact_id, old, new, actor, at)

    def for_contact(self, contact_id: int) -> list[Rename]:
        stmt = (
            sa.select(rename_t)
            .where(rename_t.c.contact_id == contact_id)
            .order_by(rename_t.c.at, rename_t.c.id)
        )
        return [
            Rename(r.id, r.contact_id, r.old_name, r.new_name, r.actor, r.at)
            for r in self._conn.execute(stmt)
        ]
