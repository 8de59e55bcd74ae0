"""Texts in and out, with their delivery status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.model import SendKind
from consent.records import DELIVERY_RANK, Delivery, Direction, InboundSms, Message, OutboundDraft
from storage.repos import rowset
from storage.repos._base import Repo
from storage.tables import message_t
from storage.writes import TEXTS, Deferred

_SELECT = sa.select(message_t)
_INSERT = sa.insert(message_t)
_ADD_INBOUND = Deferred(TEXTS, _INSERT, rowset.inserter(message_t))
# The rank of the stored status, computed in SQL so the comparison and the
# update are one statement: no read-then-write race with a concurrent callback.
_STORED_RANK = sa.case(DELIVERY_RANK, value=message_t.c.status, else_=0)


def _message(row: Any) -> Message:
    return Message(
        id=row.id,
        direction=Direction(row.direction),
        contact_id=row.contact_id,
        e164=row.e164,
        body=row.body,
        kind=row.kind,
        status=row.status,
        created_at=row.created_at,
        author=row.author,
        twilio_sid=row.twilio_sid,
        error=row.error,
        media=tuple(item["url"] for item in row.media),
        send_after=row.send_after,
        sent_at=row.sent_at,
        hold_reason=row.hold_reason,
    )


def _inbound_values(sms: InboundSms, contact_id: int, at: datetime) -> dict[str, Any]:
    return {
        "direction": str(Direction.INBOUND),
        "contact_id": contact_id,
        "e164": sms.from_,
        "body": sms.body,
        "kind": "inbound",
        "status": str(Delivery.RECEIVED),
        "author": None,
        "twilio_sid": sms.sid,
        "media": [{"url": url, "content_type": kind} for url, kind in sms.media],
        "send_after": None,
        "created_at": at,
        "error": None,
        "sent_at": None,
        "hold_reason": None,
    }


class SqlMessageRepo(Repo):
    def add_inbound_many(
        self, items: Sequence[tuple[InboundSms, int]], at: datetime
    ) -> list[Message]:
        """Each inbound (text, contact id), received: queued with an id of its own and
        written with the transaction's other writes (storage/writes.py), in one statement
        on PostgreSQL; no statement of its own runs ahead of them."""
        if not items:
            return []
        rows = [_inbound_values(sms, contact_id, at) for sms, contact_id in items]
        ids = self._db.new_ids(message_t, len(rows))
        messages = []
        for new_id, values in zip(ids, rows, strict=True):
            self._db.defer(_ADD_INBOUND, {"id": new_id, **values})
            values = dict(values)
            values.pop("error")
            media = tuple(item["url"] for item in values.pop("media"))
            values["direction"] = Direction(values["direction"])
            messages.append(Message(id=new_id, media=media, **values))
        return messages

    def add_outbound(self, draft: OutboundDraft, at: datetime) -> Message:
        return self._add(
            direction=str(Direction.OUTBOUND),
            contact_id=draft.contact_id,
            e164=draft.e164,
            body=draft.body,
            kind=str(draft.kind),
            status=str(Delivery.QUEUED),
            author=draft.author,
            twilio_sid=None,
            media=[],
            send_after=draft.send_after,
            created_at=at,
            sent_at=None,
            hold_reason=draft.hold_reason,
        )

    def _add(self, **values: Any) -> Message:
        new_id = self._insert_id(_INSERT, {"error": None, **values})
        media = tuple(item["url"] for item in values.pop("media"))
        values["direction"] = Direction(values["direction"])
        return Message(id=new_id, media=media, **values)

    def get(self, message_id: int) -> Message | None:
        row = self._conn.execute(_SELECT.where(message_t.c.id == message_id)).first()
        return None if row is None else _message(row)

    def by_sid(self, sid: str) -> Message | None:
        row = self._conn.execute(_SELECT.where(message_t.c.twilio_sid == sid)).first()
        return None if row is None else _message(row)

    def set_status(
        self, message_id: int, status: str, *, sid: str | None = None, error: str | None = None
    ) -> None:
        """Move the status up the DELIVERY_RANK ladder, never down; `sid`/`error` when given."""
        status = str(status)  # a Delivery member is welcome; the column keeps its value
        rank = DELIVERY_RANK.get(status, 0)
        values: dict[str, Any] = {
            "status": sa.case((rank >= _STORED_RANK, status), else_=message_t.c.status)
        }
        if sid is not None:
            values["twilio_sid"] = sid
        if error is not None:
            values["error"] = error
        self._conn.execute(sa.update(message_t).where(message_t.c.id == message_id).values(values))

    def hold(self, message_id: int, until: datetime, reason: str) -> None:
        """A text waits: until when (its new due time) and why (a state's law, quiet hours)."""
        self.set_status(message_id, Delivery.WAITING)
        self._conn.execute(
            sa.update(message_t)
            .where(message_t.c.id == message_id)
            .values(send_after=until, hold_reason=reason)
        )

    def mark_sending(self, message_id: int, at: datetime) -> None:
        """The gate let the text go at `at`: from now on it counts against a state's cap."""
        self._conn.execute(
            sa.update(message_t).where(message_t.c.id == message_id).values(sent_at=at)
        )

    def automated_to(self, e164: str, since: datetime) -> list[Message]:
        """Automated texts to `e164` sent, or due, at or after `since` (the state cap's count)."""
        when = sa.func.coalesce(message_t.c.sent_at, message_t.c.send_after)
        stmt = _SELECT.where(
            message_t.c.e164 == e164,
            message_t.c.direction == str(Direction.OUTBOUND),
            message_t.c.kind == str(SendKind.AUTOMATED),
            when >= since,
        ).order_by(message_t.c.id)
        return [_message(row) for row in self._conn.execute(stmt)]

    def for_contact(self, contact_id: int, limit: int) -> list[Message]:
        """The contact's newest `limit` messages, oldest first (the order a thread reads)."""
        stmt = (
            _SELECT.where(message_t.c.contact_id == contact_id)
            .order_by(message_t.c.id.desc())
            .limit(max(limit, 0))
        )
        return [_message(row) for row in reversed(self._conn.execute(stmt).all())]

    def outbound_to(self, e164: str, kinds: Sequence[SendKind], since: datetime) -> list[Message]:
        """Outbound texts of these kinds to `e164` created at or after `since`, oldest first."""
        stmt = _SELECT.where(
            message_t.c.e164 == e164,
            message_t.c.direction == str(Direction.OUTBOUND),
            message_t.c.kind.in_([str(k) for k in kinds]),
            message_t.c.created_at >= since,
        ).order_by(message_t.c.id)
        return [_message(row) for row in self._conn.execute(stmt)]

    def latest_for_contacts(self, contact_ids: Sequence[int]) -> dict[int, Message]:
        """The newest message of each contact that has one, in one query."""
        if not contact_ids:
            return {}
        newest = (
            sa.select(sa.func.max(message_t.c.id).label("id"))
            .where(message_t.c.contact_id.in_(list(contact_ids)))
            .group_by(message_t.c.contact_id)
            .subquery()
        )
        stmt = _SELECT.join(newest, newest.c.id == message_t.c.id)
        return {row.contact_id: _message(row) for row in self._conn.execute(stmt)}
