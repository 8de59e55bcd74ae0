"""Which Slack thread holds each contact's conversation, per channel."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from storage.repos._base import Repo
from storage.tables import contact_t, project_t, thread_t

# A project's channel, else the default (an empty channel id counts as none).
_CHANNEL = sa.func.coalesce(sa.func.nullif(project_t.c.channel_id, ""), sa.bindparam("default"))
_PLACES = (
    sa.select(contact_t.c.id, contact_t.c.name, _CHANNEL.label("channel"), thread_t.c.ts)
    .select_from(contact_t)
    .outerjoin(project_t, project_t.c.id == contact_t.c.project_id)
    .outerjoin(
        thread_t,
        sa.and_(thread_t.c.contact_id == contact_t.c.id, thread_t.c.channel == _CHANNEL),
    )
    .where(contact_t.c.id.in_(sa.bindparam("ids", expanding=True)))
)


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

    def places(
        self, contact_ids: Sequence[int], default_channel: str
    ) -> dict[int, tuple[str, str | None, str]]:
        """Where each contact's notes go (channel, thread there if started, name): one
        read for a pass of notes, not three per contact."""
        if not contact_ids:
            return {}
        params = {"ids": list(contact_ids), "default": default_channel}
        return {
            row.id: (row.channel, row.ts if row.channel else None, row.name)
            for row in self._conn.execute(_PLACES, params)
        }

    def contact_for(self, channel: str, ts: str) -> int | None:
        stmt = (
            sa.select(thread_t.c.contact_id)
            .where(thread_t.c.channel == channel, thread_t.c.ts == ts)
            .order_by(thread_t.c.contact_id)
            .limit(1)
        )
        return self._conn.scalar(stmt)
