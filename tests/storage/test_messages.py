"""Messages: stored both ways; delivery status only moves up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consent.model import SendKind
from consent.records import Delivery, Direction, InboundSms, OutboundDraft
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0

E164 = "+14155550100"


def _outbound(factory: SqlUnitOfWorkFactory, contact_id: int, body: str = "Hi") -> int:
    with factory() as uow:
        draft = OutboundDraft(contact_id, E164, body, SendKind.MANUAL, "U123", T0)
        message = uow.messages.add_outbound(draft, T0)
        uow.commit()
    return message.id


@pytest.fixture
def contact_id(uow_factory: SqlUnitOfWorkFactory) -> int:
    with uow_factory() as uow:
        contact = uow.contacts.add("Ada", None, None)
        uow.commit()
    return contact.id


def test_an_inbound_text_is_stored_with_its_media(
    uow_factory: SqlUnitOfWorkFactory, contact_id: int
) -> None:
    sms = InboundSms(
        "SM" + "a" * 32, E164, "+15005550006", "Photo 📷", media=(("https://m/1", "image/jpeg"),)
    )
    with uow_factory() as uow:
        (added,) = uow.messages.add_inbound_many([(sms, contact_id)], T0)
        uow.commit()
    with uow_factory(write=False) as uow:
        stored = uow.messages.by_sid(sms.sid)
        assert uow.messages.get(added.id) == stored
    assert stored == added
    assert stored.direction is Direction.INBOUND
    assert (stored.body, stored.media, stored.status) == ("Photo 📷", ("https://m/1",), "received")


def test_an_outbound_text_starts_queued(uow_factory: SqlUnitOfWorkFactory, contact_id: int) -> None:
    message_id = _outbound(uow_factory, contact_id)
    with uow_factory(write=False) as uow:
        message = uow.messages.get(message_id)
    assert message is not None
    assert (message.direction, message.kind, message.status) == (
        Direction.OUTBOUND,
        "manual",
        "queued",
    )
    assert (message.author, message.send_after, message.created_at) == ("U123", T0, T0)


@pytest.mark.parametrize(
    ("updates", "final"),
    [
        (["accepted", "sent", "delivered"], "delivered"),
        (["delivered", "sent"], "delivered"),  # a late "sent" callback
        (["sent", "queued", "sending"], "sent"),
        (["delivered", "undelivered"], "undelivered"),  # same rank: the later word wins
        (["refused", "delivered"], "refused"),
        (["delivered", "read"], "read"),
    ],
)
def test_delivery_status_never_moves_down(
    uow_factory: SqlUnitOfWorkFactory, contact_id: int, updates: list[str], final: str
) -> None:
    message_id = _outbound(uow_factory, contact_id)
    for status in updates:
        with uow_factory() as uow:
            uow.messages.set_status(message_id, status)
            uow.commit()
    with uow_factory(write=False) as uow:
        message = uow.messages.get(message_id)
    assert message is not None and message.status == final


def test_set_status_records_the_sid_and_error(
    uow_factory: SqlUnitOfWorkFactory, contact_id: int
) -> None:
    message_id = _outbound(uow_factory, contact_id)
    with uow_factory() as uow:
        uow.messages.set_status(message_id, Delivery.ACCEPTED, sid="SM" + "b" * 32)
        uow.messages.set_status(message_id, Delivery.FAILED, error="30003 unreachable")
        uow.messages.set_status(message_id, Delivery.SENT)
        uow.commit()
    with uow_factory(write=False) as uow:
        message = uow.messages.by_sid("SM" + "b" * 32)
    assert message is not None
    assert (message.id, message.status, message.error) == (
        message_id,
        "failed",
        "30003 unreachable",
    )


def test_for_contact_gives_the_newest_oldest_first(
    uow_factory: SqlUnitOfWorkFactory, contact_id: int
) -> None:
    ids = [_outbound(uow_factory, contact_id, f"m{i}") for i in range(5)]
    with uow_factory(write=False) as uow:
        messages = uow.messages.for_contact(contact_id, 3)
    assert [m.id for m in messages] == ids[2:]


def test_latest_for_contacts_gives_each_contacts_newest(
    uow_factory: SqlUnitOfWorkFactory, contact_id: int
) -> None:
    with uow_factory() as uow:
        other = uow.contacts.add("Bob", None, None).id
        silent = uow.contacts.add("Cy", None, None).id
        uow.commit()
    _outbound(uow_factory, contact_id, "old")
    newest = _outbound(uow_factory, contact_id, "new")
    bobs = _outbound(uow_factory, other, "bob")
    with uow_factory(write=False) as uow:
        latest = uow.messages.latest_for_contacts([contact_id, other, silent])
        assert uow.messages.latest_for_contacts([]) == {}
    assert {k: m.id for k, m in latest.items()} == {contact_id: newest, other: bobs}
    assert latest[contact_id].created_at == T0 + timedelta(0)
