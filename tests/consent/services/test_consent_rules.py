"""The consent rules of SPEC §1, end to end through the use cases on a real database."""

from __future__ import annotations

import asyncio

import pytest

from consent.errors import Forbidden, InvalidPhone
from consent.model import Source, Status
from consent.records import InboundSms
from consent.services import delivery, inbound, links, queries, staff
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.links import Outcome
from tests.support import FixedClock, RecordingGateway, RecordingNotifier
from webhooks.twilio_errors import delivery_report

ANN = "+14155550100"


def _opt_in(desk: Desk, name: str = "Ann Lee", phone: str = "(415) 555-0100") -> str:
    issued = links.issue_link(desk, name, actor="U1")
    token = issued.url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", phone, "203.0.113.9", "Mozilla/5.0")
    return token


def _sms(body: str, sid: str, from_: str = ANN, **kw: str) -> InboundSms:
    return InboundSms(sid=sid, from_=from_, to="+15005550006", body=body, **kw)  # type: ignore[arg-type]


def _dispatch(desk: Desk, gateway: RecordingGateway | None = None) -> RecordingGateway:
    gateway = gateway or RecordingGateway()
    asyncio.run(Dispatcher(desk, gateway, RecordingNotifier()).run_once())
    return gateway


def test_a_questionnaire_yes_opts_the_exact_number_in_and_queues_one_confirmation(
    desk: Desk,
) -> None:
    _opt_in(desk)
    view = queries.contact_view(desk, "Ann Lee")
    assert [(n.e164, n.status) for n in view.numbers] == [(ANN, Status.OPTED_IN)]
    sent = _dispatch(desk).sent
    assert len(sent) == 1 and sent[0][0] == ANN
    assert "Msg frequency varies" in sent[0][1] and "STOP to opt out" in sent[0][1]


def test_the_event_keeps_the_disclaimer_its_version_and_the_clients_ip(desk: Desk) -> None:
    _opt_in(desk)
    (event,) = queries.contact_view(desk, "Ann Lee").events
    assert event.source is Source.QUESTIONNAIRE
    assert "Msg & data rates may apply" in event.evidence["disclaimer"]
    assert event.evidence["disclaimer_version"]
    assert event.evidence["ip"] == "203.0.113.9"
    assert "203.0.113.9" in event.actor and "Mozilla" in event.actor


def test_a_changed_number_starts_not_subscribed_and_the_old_keeps_its_history(
    desk: Desk,
) -> None:
    _opt_in(desk)
    links.issue_link(desk, "Ann Lee", actor="U1", phone="415 555 0199")
    view = queries.contact_view(desk, "Ann Lee")
    statuses = {n.e164: n.status for n in view.numbers}
    assert statuses == {ANN: Status.OPTED_IN, "+14155550199": Status.NOT_SUBSCRIBED}
    with pytest.raises(Forbidden, match="not opted in"):
        staff.send_text(desk, "+1 415 555 0199", "hello", actor="U1")


def test_a_bad_number_gets_a_clear_reason_and_changes_nothing(desk: Desk) -> None:
    token = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    with pytest.raises(InvalidPhone) as err:
        links.submit_answer(desk, token, "yes", "555-01", "1.2.3.4", "ua")
    assert err.value.reason
    assert queries.contact_view(desk, "Ann Lee").numbers == []
    assert queries.verify_ledger(desk).count == 0


def test_a_stop_that_lands_after_queueing_wins_over_the_queued_text(desk: Desk) -> None:
    _opt_in(desk)
    _dispatch(desk)  # the confirmation
    staff.send_text(desk, "Ann Lee", "Your photos are ready!", actor="U1")
    inbound.handle_inbound(desk, _sms("STOP", "SM" + "1" * 32))
    gateway = _dispatch(desk)
    assert gateway.sent == []
    (held,) = [m for m in queries.contact_view(desk, "Ann Lee").messages if "photos" in m.body]
    assert held.status == "refused" and "opted out" in (held.error or "")


def test_a_retried_message_sid_changes_nothing_twice(desk: Desk) -> None:
    _opt_in(desk)
    first = inbound.handle_inbound(desk, _sms("STOP", "SM" + "2" * 32))
    again = inbound.handle_inbound(desk, _sms("STOP", "SM" + "2" * 32))
    assert not first.duplicate and again.duplicate
    events = queries.contact_view(desk, "Ann Lee").events
    assert [e.status for e in events] == [Status.OPTED_IN, Status.OPTED_OUT]


def test_a_stop_from_a_number_never_seen_creates_it_opted_out(desk: Desk) -> None:
    inbound.handle_inbound(desk, _sms("stop", "SM" + "3" * 32, from_="+14155550177"))
    view = queries.contact_view(desk, "+14155550177")
    assert [(n.status, n.source) for n in view.numbers] == [(Status.OPTED_OUT, Source.SMS_KEYWORD)]
    assert len(view.events) == 1


def test_a_revocation_in_words_sends_exactly_one_confirmation_in_twilio_mode(desk: Desk) -> None:
    _opt_in(desk)
    _dispatch(desk)
    result = inbound.handle_inbound(desk, _sms("please stop texting me", "SM" + "4" * 32))
    assert result.reply is None
    sent = _dispatch(desk).sent
    assert len(sent) == 1 and "unsubscribed" in sent[0][1]
    assert _dispatch(desk).sent == []


def test_the_opt_out_confirmation_is_dropped_after_five_minutes(
    desk: Desk, clock: FixedClock
) -> None:
    _opt_in(desk)
    _dispatch(desk)
    inbound.handle_inbound(desk, _sms("remove me from your list", "SM" + "5" * 32))
    clock.advance(minutes=6)
    assert _dispatch(desk).sent == []


def test_start_opts_back_in_and_a_staff_text_then_goes_out(desk: Desk) -> None:
    _opt_in(desk)
    inbound.handle_inbound(desk, _sms("STOP", "SM" + "6" * 32))
    with pytest.raises(Forbidden, match="opted out"):
        staff.send_text(desk, "Ann Lee", "hi", actor="U1")
    inbound.handle_inbound(desk, _sms("start", "SM" + "7" * 32))
    staff.send_text(desk, "Ann Lee", "hi again", actor="U1")
    assert [s[1] for s in _dispatch(desk).sent][-1] == "hi again"


def test_a_yes_after_a_keyword_stop_waits_for_start(desk: Desk) -> None:
    token = _opt_in(desk)
    inbound.handle_inbound(desk, _sms("STOP", "SM" + "8" * 32))
    answer = links.submit_answer(desk, token, "yes", ANN, "1.2.3.4", "ua")
    assert answer.outcome is Outcome.AWAITING_START
    assert queries.contact_view(desk, "Ann Lee").numbers[0].status is Status.OPTED_OUT
    inbound.handle_inbound(desk, _sms("START", "SM" + "9" * 32))
    assert queries.contact_view(desk, "Ann Lee").numbers[0].status is Status.OPTED_IN


def test_a_questionnaire_no_opts_out_every_number_of_the_contact(desk: Desk) -> None:
    token = _opt_in(desk)
    second = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, second, "yes", "415 555 0111", "1.2.3.4", "ua")  # a new link
    links.submit_answer(desk, token, "no", None, "1.2.3.4", "ua")
    statuses = {n.status for n in queries.contact_view(desk, "Ann Lee").numbers}
    assert statuses == {Status.OPTED_OUT}


def test_staff_opt_out_records_who_and_why(desk: Desk) -> None:
    _opt_in(desk)
    done = staff.opt_out_by_staff(desk, "Ann Lee", "asked by phone", actor="U42")
    assert done.changed == [ANN]
    last = queries.contact_view(desk, "Ann Lee").events[-1]
    assert (last.source, last.actor, last.evidence["reason"]) == (
        Source.STAFF,
        "U42",
        "asked by phone",
    )


def test_error_21610_marks_the_number_opted_out_by_the_carrier(desk: Desk) -> None:
    _opt_in(desk)
    gateway = _dispatch(desk)
    (sid,) = [m.twilio_sid for m in queries.contact_view(desk, "Ann Lee").messages if m.twilio_sid]
    assert sid and gateway.sent
    assert delivery.record_delivery(desk, delivery_report(sid, "undelivered", "21610"))
    (number,) = queries.contact_view(desk, "Ann Lee").numbers
    assert (number.status, number.source, number.awaiting_start) == (
        Status.OPTED_OUT,
        Source.CARRIER,
        True,
    )


def test_a_late_sent_never_overwrites_delivered(desk: Desk) -> None:
    _opt_in(desk)
    _dispatch(desk)
    (msg,) = [m for m in queries.contact_view(desk, "Ann Lee").messages if m.twilio_sid]
    assert msg.twilio_sid
    delivery.record_delivery(desk, delivery_report(msg.twilio_sid, "delivered", None))
    delivery.record_delivery(desk, delivery_report(msg.twilio_sid, "sent", None))
    (msg,) = [m for m in queries.contact_view(desk, "Ann Lee").messages if m.twilio_sid]
    assert msg.status == "delivered"


def test_counts_and_pending(desk: Desk) -> None:
    _opt_in(desk)
    links.issue_link(desk, "Bo Chen", actor="U1")
    counts = queries.counts(desk)
    assert counts.by_status[Status.OPTED_IN] == 1
    assert counts.by_status[Status.OPTED_OUT] == 0
    assert counts.pending == 1


def test_a_reply_sent_once_is_never_sent_twice_and_a_refusal_keeps_it_sendable(
    desk: Desk,
) -> None:
    from consent.errors import AlreadyDone

    links.issue_link(desk, "Ann Lee", actor="U1", phone="4155550100")
    with pytest.raises(Forbidden):
        staff.send_text(desk, "Ann Lee", "hi", actor="U1", once="slack:reply:C1:1.2")
    _opt_in(desk)
    staff.send_text(desk, "Ann Lee", "hi", actor="U1", once="slack:reply:C1:1.2")
    with pytest.raises(AlreadyDone):
        staff.send_text(desk, "Ann Lee", "hi", actor="U1", once="slack:reply:C1:1.2")
