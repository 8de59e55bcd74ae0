"""Which Slack thread holds each contact's conversation, per channel."""

from __future__ import annotations

import sqlalchemy as sa

from storage.repos._base import Repo
from storage.tables import thread_t


class SqlThreadRepo(Repo):
    def get(self, channel: str, contact_id: int) -> str | None:
        stmt = sa.select(thread_t.c.ts).where(
            thread_t.c.channel == channel, thread_t.c.contact_id == contact_id
        )
        return self._conn.scalar(stmt)

    def put(self, channel: str, contact_id: int, ts: str) -> None:
        """Remember (or replace) the contact's thread in `channel`."""
        stmt = self._upsert(thread_t).values(channel=channel, contact_id=contact_id, ts=ts)
        stmt = stmt.on_conflict_do_update(
            index_elements=[thread_t.c.channel, thread_t.c.contact_id], set_={"ts": ts}
        )
        self._conn.execute(stmt)

    def contact_for(self, channel: str, ts: str) -> int | None:
        stmt = (
            sa.select(thread_t.c.contact_id)
            .where(thread_t.c.channel == channel, thread_t.c.ts == ts)
            .order_by(thread_t.c.contact_id)
            .limit(1)
        )
        return self._conn.scalar(stmt)
