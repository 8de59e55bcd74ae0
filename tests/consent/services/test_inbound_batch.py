"""Inbound texts handled as one set-based batch: the same answers as one by one."""

from __future__ import annotations

from consent.model import Status
from consent.records import InboundSms
from consent.services import queries
from consent.services.context import Desk
from consent.services.inbound import handle_inbound, handle_inbound_many

ANN = "+14155550100"
BOB = "+14155550101"
CY = "+14155550102"


def _sms(body: str, sid: str, from_: str = ANN, opt_out_type: str | None = None) -> InboundSms:
    return InboundSms(sid=sid, from_=from_, to="+15005550006", body=body, opt_out_type=opt_out_type)


def _events(desk: Desk, e164: str) -> list[Status]:
    with desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        return [event.status for event in uow.ledger.for_contact(state.contact_id)]


def _status(desk: Desk, e164: str) -> tuple[Status, bool]:
    with desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        return state.status, state.awaiting_start


def test_stop_then_start_from_one_number_in_one_batch_ends_opted_in(desk: Desk) -> None:
    stop, start = handle_inbound_many(
        desk, [_sms("STOP", "SM1", opt_out_type="STOP"), _sms("START", "SM2", opt_out_type="START")]
    )
    assert not isinstance(stop, Exception) and not isinstance(start, Exception)
    assert not stop.duplicate and not start.duplicate
    assert _events(desk, ANN) == [Status.OPTED_OUT, Status.OPTED_IN]
    assert _status(desk, ANN) == (Status.OPTED_IN, False)
    assert queries.verify_ledger(desk).count == 2
    with desk.uow(write=False) as uow:
        state = uow.numbers.get(ANN)
        assert state is not None
        inbound = [m for m in uow.messages.for_contact(state.contact_id, 10) if m.kind == "inbound"]
        assert [m.twilio_sid for m in inbound] == ["SM1", "SM2"]


def test_start_then_stop_in_one_batch_ends_opted_out_awaiting_start(desk: Desk) -> None:
    handle_inbound_many(
        desk, [_sms("START", "SM1", opt_out_type="START"), _sms("STOP", "SM2", opt_out_type="STOP")]
    )
    assert _events(desk, ANN) == [Status.OPTED_IN, Status.OPTED_OUT]
    assert _status(desk, ANN) == (Status.OPTED_OUT, True)


def test_two_stops_in_one_batch_opt_out_once_and_record_both(desk: Desk) -> None:
    first, second = handle_inbound_many(
        desk, [_sms("STOP", "SM1", opt_out_type="STOP"), _sms("STOP", "SM2", opt_out_type="STOP")]
    )
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert not second.duplicate
    # the second is a revocation from a number already opted out: evidence, no change
    assert _events(desk, ANN) == [Status.OPTED_OUT, Status.OPTED_OUT]


def test_a_sid_twice_in_one_batch_acts_once(desk: Desk) -> None:
    first, again = handle_inbound_many(
        desk, [_sms("STOP", "SM1", opt_out_type="STOP"), _sms("STOP", "SM1", opt_out_type="STOP")]
    )
    assert not isinstance(first, Exception) and not isinstance(again, Exception)
    assert not first.duplicate and again.duplicate
    assert _events(desk, ANN) == [Status.OPTED_OUT]
    with desk.uow(write=False) as uow:
        assert uow.messages.by_sid("SM1") is not None
        state = uow.numbers.get(ANN)
        assert state is not None
        assert len(uow.messages.for_contact(state.contact_id, 10)) == 1


def test_a_sid_already_handled_is_a_duplicate_in_a_later_batch(desk: Desk) -> None:
    handle_inbound(desk, _sms("STOP", "SM1", opt_out_type="STOP"))
    again, other = handle_inbound_many(
        desk, [_sms("START", "SM1", opt_out_type="START"), _sms("STOP", "SM2", BOB, "STOP")]
    )
    assert not isinstance(again, Exception) and again.duplicate
    assert not isinstance(other, Exception) and not other.duplicate
    assert _status(desk, ANN) == (Status.OPTED_OUT, True)
    assert _status(desk, BOB) == (Status.OPTED_OUT, True)


def test_a_batch_mixing_known_and_new_numbers(desk: Desk) -> None:
    handle_inbound(desk, _sms("hello", "SM0"))  # ANN is known from here on
    results = handle_inbound_many(
        desk,
        [
            _sms("STOP", "SM1", ANN, "STOP"),
            _sms("STOP", "SM2", BOB, "STOP"),
            _sms("hi there", "SM3", CY),
            _sms("START", "SM4", BOB, "START"),
        ],
    )
    assert all(not isinstance(r, Exception) and not r.duplicate for r in results)
    assert _events(desk, ANN) == [Status.OPTED_OUT]
    assert _events(desk, BOB) == [Status.OPTED_OUT, Status.OPTED_IN]
    assert _status(desk, BOB) == (Status.OPTED_IN, False)
    assert _status(desk, CY) == (Status.NOT_SUBSCRIBED, False)
    with desk.uow(write=False) as uow:
        numbers = uow.numbers.get_many([ANN, BOB, CY])
        assert set(numbers) == {ANN, BOB, CY}
        assert len({state.contact_id for state in numbers.values()}) == 3
        for sid, e164 in [("SM1", ANN), ("SM2", BOB), ("SM3", CY), ("SM4", BOB)]:
            message = uow.messages.by_sid(sid)
            assert message is not None and message.contact_id == numbers[e164].contact_id
        assert uow.contacts.count() == 3
    assert queries.verify_ledger(desk).count == 3


def test_the_inbound_note_names_only_the_contact_a_text_created(desk: Desk) -> None:
    handle_inbound_many(desk, [_sms("hi", "SM1"), _sms("STOP", "SM2", opt_out_type="STOP")])
    with desk.uow() as uow:
        notes = [i.payload for i in uow.outbox.claim_due(desk.clock.now(), 10, desk.clock.now())]
    inbound = [n for n in notes if n["type"] == "inbound"]
    assert [n["sid"] for n in inbound] == ["SM1", "SM2"]
    assert inbound[0]["contact"] and inbound[1]["contact"] == ""
    assert inbound[1]["status"] == str(Status.OPTED_OUT)
