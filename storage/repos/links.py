"""Questionnaire links, kept by the sha256 of their token (never the token)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from consent.language import Language, language_named
from consent.ports import Clock
from consent.records import Link
from storage.repos._base import Repo
from storage.tables import contact_t, link_t, request_t, tally_t
from storage.writes import QueuedConnection

_SELECT = sa.select(
    link_t.c.id,
    link_t.c.contact_id,
    link_t.c.required,
    link_t.c.created_at,
    link_t.c.expires_at,
    link_t.c.created_by,
    link_t.c.answered_at,
    link_t.c.bound_e164,
    link_t.c.language,
)


def _link(row: Any) -> Link:
    return Link(
        id=row.id,
        contact_id=row.contact_id,
        required=bool(row.required),
        created_at=row.created_at,
        expires_at=row.expires_at,
        created_by=row.created_by,
        answered_at=row.answered_at,
        bound_e164=row.bound_e164,
        language=language_named(row.language),
    )


class SqlLinkRepo(Repo):
    def __init__(self, db: QueuedConnection, clock: Clock) -> None:
        super().__init__(db)
        self._clock = clock

    def add(
        self,
        token_hash: str,
        contact_id: int,
        required: bool,
        expires_at: datetime,
        by: str,
        language: Language | None = None,
    ) -> Link:
        created_at = self._clock.now()
        values = {
            "token_hash": token_hash,
            "contact_id": contact_id,
            "required": required,
            "created_at": created_at,
            "expires_at": expires_at,
            "created_by": by,
            "answered_at": None,
            "language": str(language) if language else None,
        }
        new_id = self._insert_id(sa.insert(link_t).values(values))
        # Read back so the times are exactly what the database keeps (UTC, microseconds).
        link = self._conn.execute(_SELECT.where(link_t.c.id == new_id)).one()
        return _link(link)

    def get(self, token_hash: str) -> Link | None:
        row = self._conn.execute(_SELECT.where(link_t.c.token_hash == token_hash)).first()
        return None if row is None else _link(row)

    def mark_answered(self, link_id: int, at: datetime) -> None:
        self._conn.execute(sa.update(link_t).where(link_t.c.id == link_id).values(answered_at=at))

    def bind(self, link_id: int, e164: str) -> None:
        self._conn.execute(sa.update(link_t).where(link_t.c.id == link_id).values(bound_e164=e164))

    def pending_contacts(self, now: datetime) -> set[int]:
        """Contacts with a link that is neither answered nor expired, or an open double
        opt-in request."""
        return set(self._conn.scalars(_PENDING, {"now": now}))

    def pending_among(self, contact_ids: Sequence[int], now: datetime) -> set[int]:
        if not contact_ids:
            return set()
        params = {"now": now, "among": list(contact_ids)}
        return set(self._conn.scalars(_PENDING_AMONG, params))

    def pending_count(self, now: datetime) -> int:
        """Contacts pending at `now`, without reading them (migration 0008): the tally
        counts contacts by the UTC day their latest link or request expires; every day
        after today's is wholly in the future, and of today's only those whose expiry is
        still ahead are counted, from the index of expiries within that one day. The cost
        follows how many expire today, not how many contacts are pending."""
        today = now.astimezone(UTC).date()
        tomorrow = datetime.combine(today + timedelta(days=1), time(0), UTC)
        later = _LATER_DAYS.params(today=f"{_DAY}{today.isoformat()}")
        today_live = _TODAY_LIVE.params(now=now, tomorrow=tomorrow)
        return int(self._conn.scalar(later) or 0) + int(self._conn.scalar(today_live) or 0)


_DAY = "pending "  # + YYYY-MM-DD: the tally names of migration 0008
_LATER_DAYS = sa.select(sa.func.coalesce(sa.func.sum(tally_t.c.n), 0)).where(
    tally_t.c.name.startswith(_DAY), tally_t.c.name > sa.bindparam("today")
)
_until = contact_t.c.pending_until
_TODAY_LIVE = (
    sa.select(sa.func.count())
    .select_from(contact_t)
    .where(
        _until.is_not(None),
        _until > sa.bindparam("now", type_=_until.type),
        _until < sa.bindparam("tomorrow", type_=_until.type),
    )
)


def _pending(among: bool) -> sa.CompoundSelect[tuple[int]]:
    """The distinct ids of contacts with an unanswered link or an unanswered request
    (built once: the statements only take the time, and the ids, as parameters)."""
    now = sa.bindparam("now", type_=link_t.c.expires_at.type)
    links = sa.select(link_t.c.contact_id).where(
        link_t.c.answered_at.is_(None), link_t.c.expires_at > now
    )
    requests = sa.select(request_t.c.contact_id).where(
        request_t.c.closed_at.is_(None), request_t.c.expires_at > now
    )
    if among:
        ids: sa.BindParameter[list[int]] = sa.bindparam("among", expanding=True)
        links = links.where(link_t.c.contact_id.in_(ids))
        requests = requests.where(request_t.c.contact_id.in_(ids))
    return sa.union(links, requests)


_PENDING = _pending(among=False)
_PENDING_AMONG = _pending(among=True)
