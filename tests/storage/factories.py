"""Small builders for storage tests."""

from __future__ import annotations

from datetime import UTC, datetime

from consent.model import EventDraft, NumberState, Source, Status
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def contact_with_number(
    uow_factory: SqlUnitOfWorkFactory, name: str = "Ada Lovelace", e164: str = "+14155550100"
) -> tuple[int, int]:
    """(contact id, number id) of a new contact with one number, committed."""
    with uow_factory() as uow:
        contact = uow.contacts.add(name, None, None)
        number = uow.numbers.add(e164, contact.id)
        uow.commit()
    return contact.id, number.id


def draft(
    contact_id: int, status: Status = Status.OPTED_OUT, e164: str = "+14155550100"
) -> EventDraft:
    return EventDraft(
        phone=e164,
        contact_id=contact_id,
        status=status,
        source=Source.SMS_KEYWORD,
        actor="sms +14155550100",
        evidence={"message_sid": "SM" + "1" * 32, "body": "STOP — ça suffit"},
    )


def change_status(
    uow: SqlUnitOfWork,
    number: NumberState,
    status: Status,
    source: Source,
    at: datetime,
    awaiting_start: bool = False,
) -> None:
    """A status change as the app makes one: its event and the status together (the
    database refuses a status that the number's newest event does not say)."""
    event = EventDraft(number.e164, number.contact_id, status, source, "U1", {})
    uow.ledger.append(event, at)
    uow.numbers.set_status(number.id, status, source, at, awaiting_start)
