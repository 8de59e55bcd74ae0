"""Delivery callbacks: what the carrier said became of a text, and its opt-outs (error
codes are the gateway's to map: the core hears "the carrier says this number opted out")."""

from __future__ import annotations

from datetime import datetime

from consent.model import Source, Status
from consent.notes import DeliveryNote
from consent.ports import UnitOfWork
from consent.records import DELIVERY_RANK, DeliveryReport, Message
from consent.services.context import Desk, notify, record_change


def record_delivery(desk: Desk, report: DeliveryReport) -> bool:
    """The carrier's word on one text; idempotent, never lowers a status. False when
    unknown or a duplicate."""
    now = desk.clock.now()
    status = report.status.strip().lower()
    if status not in DELIVERY_RANK:
        return False
    with desk.uow() as uow:
        if not uow.idempotency.claim(f"status:{report.sid}:{status}:{report.code or ''}", now):
            return False
        message = uow.messages.by_sid(report.sid)
        if message is None:
            return False
        error = report.error
        uow.messages.set_status(message.id, status, error=error)
        if report.carrier_opt_out:
            carrier_opt_out(uow, message, now, report.code)
        if status in ("delivered", "undelivered", "failed"):
            notify(uow, delivery_note(uow, message, status, error), now)
        uow.commit()
    return True


def carrier_opt_out(uow: UnitOfWork, message: Message, now: datetime, code: str | None) -> None:
    """The carrier says this exact number unsubscribed; we agree, with its code as evidence."""
    state = uow.numbers.get(message.e164, lock=True)
    if state is None or (state.status is Status.OPTED_OUT and state.awaiting_start):
        return
    contact = uow.contacts.get(state.contact_id)
    record_change(
        uow,
        state,
        Status.OPTED_OUT,
        Source.CARRIER,
        "twilio",
        {
            "error_code": code or "",
            "message_sid": message.twilio_sid or "",
            "reason": "the carrier reports this number unsubscribed"
            + (f" ({code})" if code else ""),
        },
        now,
        awaiting_start=True,
        contact_name=contact.name if contact else "",
    )


def delivery_note(
    uow: UnitOfWork, message: Message, status: str, error: str | None
) -> DeliveryNote:
    """The Slack note that tells a contact's thread what became of one outbound text."""
    contact = uow.contacts.get(message.contact_id)
    return DeliveryNote(
        message.contact_id,
        contact.name if contact else message.e164,
        message.e164,
        message.id,
        status,
        error or "",
        message.body,
    )
