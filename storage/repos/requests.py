"""Double opt-in requests: a questionnaire Yes waiting for the number's reply YES."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.records import OptInRequest
from storage.repos._base import Repo
from storage.tables import request_t

_SELECT = sa.select(
    request_t.c.id,
    request_t.c.e164,
    request_t.c.contact_id,
    request_t.c.link_id,
    request_t.c.evidence,
    request_t.c.created_at,
    request_t.c.expires_at,
)


def _request(row: Any) -> OptInRequest:
    return OptInRequest(
        id=row.id,
        e164=row.e164,
        contact_id=row.contact_id,
        link_id=row.link_id,
        evidence=dict(row.evidence),
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


class SqlOptInRequestRepo(Repo):
    def open(
        self,
        e164: str,
        contact_id: int,
        link_id: int,
        evidence: Mapping[str, str],
        at: datetime,
        expires_at: datetime,
    ) -> OptInRequest:
        self.close([e164], at)
        values = {
            "e164": e164,
            "contact_id": contact_id,
            "link_id": link_id,
            "evidence": dict(evidence),
            "created_at": at,
            "expires_at": expires_at,
            "closed_at": None,
        }
        new_id = self._insert_id(sa.insert(request_t).values(values))
        return OptInRequest(new_id, e164, contact_id, link_id, dict(evidence), at, expires_at)

    def open_for(self, e164: str, now: datetime) -> OptInRequest | None:
        stmt = (
            _SELECT.where(
                request_t.c.e164 == e164,
                request_t.c.closed_at.is_(None),
                request_t.c.expires_at > now,
            )
            .order_by(request_t.c.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        return None if row is None else _request(row)

    def close(self, e164s: Sequence[str], at: datetime) -> None:
        if not e164s:
            return
        stmt = sa.update(request_t).where(
            request_t.c.e164.in_(list(e164s)), request_t.c.closed_at.is_(None)
        )
        self._conn.execute(stmt.values(closed_at=at))
