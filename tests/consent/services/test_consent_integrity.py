"""Issue 9: one confirmation per opt-out, one client per link, double opt-in, every answer
is evidence (SPEC §1 and §2), through the use cases on a real database."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from consent.errors import InvalidInput
from consent.model import SendKind, Source, Status
from consent.notes import NumberTakenNote
from consent.records import InboundSms, OutboundDraft, OutboxKind
from consent.services import delivery, inbound, links, queries, staff
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.links import Outcome
from tests.support import FixedClock, RecordingGateway, RecordingNotifier
from webhooks.twilio_errors import delivery_report

ANN = "+14155550100"
BO = "+14155550177"


def _token(desk: Desk, name: str = "Ann Lee", **kw: str) -> str:
    return links.issue_link(desk, name, actor="U1", **kw).url.rsplit("/", 1)[1]


def _answer(desk: Desk, token: str, answer: str, phone: str | None = None) -> links.Answered:
    return links.submit_answer(desk, token, answer, phone, "203.0.113.9", "Mozilla/5.0")


def _sms(body: str, n: int, from_: str = ANN, **kw: str) -> InboundSms:
    sid = f"SM{n:032d}"
    return InboundSms(sid=sid, from_=from_, to="+15005550006", body=body, **kw)  # type: ignore[arg-type]


def _dispatch(desk: Desk, gateway: RecordingGateway | None = None) -> RecordingGateway:
    gateway = gateway or RecordingGateway()
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    while asyncio.run(dispatcher.run_once()):
        pass
    return gateway


def _kinds(desk: Desk, who: str = "Ann Lee") -> list[str]:
    return [m.kind for m in queries.contact_view(desk, who).messages if m.direction == "out"]


def _event_count(desk: Desk) -> int:
    return queries.verify_ledger(desk).count


# 1. One opt-out gets at most one confirmation ----------------------------------------------


def test_a_second_revocation_in_words_gets_no_second_confirmation(
    desk: Desk, clock: FixedClock
) -> None:
    _answer(desk, _token(desk), "yes", ANN)
    _dispatch(desk)
    inbound.handle_inbound(desk, _sms("please stop texting me", 1))
    assert len(_dispatch(desk).sent) == 1
    clock.advance(minutes=1)
    before = _event_count(desk)
    inbound.handle_inbound(desk, _sms("remove me from your list", 2))
    assert _dispatch(desk).sent == []
    assert _kinds(desk).count(str(SendKind.OPT_OUT_CONFIRMATION)) == 1
    # the second revocation is still recorded as evidence
    assert _event_count(desk) == before + 1
    last = queries.contact_view(desk, "Ann Lee").events[-1]
    assert last.status is Status.OPTED_OUT and last.evidence["body"] == "remove me from your list"


def test_a_phrase_after_a_stop_that_twilio_answered_gets_no_confirmation(desk: Desk) -> None:
    _answer(desk, _token(desk), "yes", ANN)
    _dispatch(desk)
    inbound.handle_inbound(desk, _sms("STOP", 1, opt_out_type="STOP"))
    result = inbound.handle_inbound(desk, _sms("please stop texting me", 2))
    assert result.reply is None
    assert _dispatch(desk).sent == []
    assert str(SendKind.OPT_OUT_CONFIRMATION) not in _kinds(desk)


def test_a_phrase_after_a_keyword_stop_in_twilio_mode_gets_no_confirmation(desk: Desk) -> None:
    inbound.handle_inbound(desk, _sms("stop", 1))  # twilio mode: Twilio answered it
    inbound.handle_inbound(desk, _sms("unsubscribe me please", 2))
    assert _dispatch(desk).sent == []


def test_the_gate_lets_one_opt_out_confirmation_through_per_opt_out(desk: Desk) -> None:
    _answer(desk, _token(desk), "yes", ANN)
    _dispatch(desk)
    inbound.handle_inbound(desk, _sms("please stop texting me", 1))
    now = desk.clock.now()
    with desk.uow() as uow:  # a duplicate, however it came to be queued
        state = uow.numbers.get(ANN)
        assert state is not None
        body = "Lumen Studio: You're unsubscribed."
        draft = OutboundDraft(state.contact_id, ANN, body, SendKind.OPT_OUT_CONFIRMATION, None, now)
        uow.outbox.add(OutboxKind.SMS, {}, now, uow.messages.add_outbound(draft, now).id)
        uow.commit()
    assert len(_dispatch(desk).sent) == 1
    refused = [m for m in queries.contact_view(desk, "Ann Lee").messages if m.status == "refused"]
    assert len(refused) == 1 and "once" in (refused[0].error or "")


# 2. A questionnaire link is one client's -------------------------------------------------


def test_a_link_that_opted_a_number_in_refuses_a_yes_for_another_number(desk: Desk) -> None:
    token = _token(desk)
    _answer(desk, token, "yes", ANN)
    before = _event_count(desk)
    with pytest.raises(InvalidInput, match="ending in 00") as err:
        _answer(desk, token, "yes", "415 555 0111")
    assert "new link" in err.value.reason
    assert _event_count(desk) == before
    assert [n.e164 for n in queries.contact_view(desk, "Ann Lee").numbers] == [ANN]
    assert len(_dispatch(desk).sent) == 1  # the first confirmation only
    # the same number again is fine: the newest answer stands
    assert _answer(desk, token, "yes", ANN).outcome is Outcome.ALREADY_OPTED_IN


def test_a_yes_never_takes_a_number_on_file_for_another_contact(desk: Desk) -> None:
    _answer(desk, _token(desk, "Bo Chen"), "yes", BO)
    staff.opt_out_by_staff(desk, "Bo Chen", "asked by phone", actor="U42")
    before = _event_count(desk)
    answered = _answer(desk, _token(desk, "Ann Lee"), "yes", BO)
    assert answered.outcome is Outcome.NUMBER_TAKEN
    bo = queries.contact_view(desk, "Bo Chen")
    assert [(n.e164, n.status) for n in bo.numbers] == [(BO, Status.OPTED_OUT)]
    assert queries.contact_view(desk, "Ann Lee").numbers == []
    assert _event_count(desk) == before
    gateway = RecordingGateway()
    notifier = RecordingNotifier()
    dispatcher = Dispatcher(desk, gateway, notifier)
    while asyncio.run(dispatcher.run_once()):
        pass
    assert gateway.sent == []  # Bo's confirmation was refused: staff opted Bo out first
    (note,) = [p[2] for p in notifier.posts if isinstance(p[2], NumberTakenNote)]
    assert note.contact == "Ann Lee" and note.holder == "Bo Chen"
    assert note.phone == BO


def test_yes_and_no_over_and_over_texts_a_number_at_most_once_a_day(
    desk: Desk, clock: FixedClock
) -> None:
    token = _token(desk)
    sent = 0
    for _ in range(3):
        _answer(desk, token, "yes", ANN)
        sent += len(_dispatch(desk).sent)
        _answer(desk, token, "no")
        sent += len(_dispatch(desk).sent)
        clock.advance(hours=1)
    assert sent == 1
    clock.advance(hours=22)  # a day after the first confirmation
    _answer(desk, token, "yes", ANN)
    assert len(_dispatch(desk).sent) == 1


@pytest.mark.parametrize("how", ["staff", "phrase", "carrier"])
def test_a_yes_after_a_keyword_carrier_or_staff_opt_out_waits_for_start(
    desk: Desk, how: str
) -> None:
    token = _token(desk)
    _answer(desk, token, "yes", ANN)
    gateway = _dispatch(desk)
    if how == "staff":
        staff.opt_out_by_staff(desk, "Ann Lee", "asked by phone", actor="U42")
    elif how == "phrase":
        inbound.handle_inbound(desk, _sms("please stop texting me", 1))
    else:
        (sid,) = [m.twilio_sid for m in queries.contact_view(desk, "Ann Lee").messages]
        assert sid and delivery.record_delivery(desk, delivery_report(sid, "undelivered", "21610"))
    _dispatch(desk, gateway)
    texts = len(gateway.sent)
    for _ in range(2):  # a second Yes is no different
        before = _event_count(desk)
        assert _answer(desk, token, "yes", ANN).outcome is Outcome.AWAITING_START
        assert _event_count(desk) == before + 1  # recorded
        (number,) = queries.contact_view(desk, "Ann Lee").numbers
        assert number.status is Status.OPTED_OUT
    inbound.handle_inbound(desk, _sms("START", 2))
    (number,) = queries.contact_view(desk, "Ann Lee").numbers
    assert number.status is Status.OPTED_IN
    _dispatch(desk, gateway)
    assert len(gateway.sent) == texts  # START's answer is the confirmation: no second text


def test_a_no_after_a_stop_does_not_clear_the_wait_for_start(desk: Desk) -> None:
    token = _token(desk)
    _answer(desk, token, "yes", ANN)
    inbound.handle_inbound(desk, _sms("STOP", 1))
    _answer(desk, token, "no")
    assert _answer(desk, token, "yes", ANN).outcome is Outcome.AWAITING_START


# 3. Double opt-in ------------------------------------------------------------------------


@pytest.fixture
def double(desk: Desk) -> Desk:
    return replace(desk, config=replace(desk.config, double_opt_in=True))


def test_double_opt_in_asks_once_and_the_reply_yes_opts_in_with_both_as_evidence(
    double: Desk,
) -> None:
    token = _token(double)
    answered = _answer(double, token, "yes", ANN)
    assert answered.outcome is Outcome.CONFIRM_BY_TEXT
    view = queries.contact_view(double, "Ann Lee")
    assert [n.status for n in view.numbers] == [Status.NOT_SUBSCRIBED]
    assert view.pending
    (request,) = _dispatch(double).sent
    assert request[0] == ANN
    assert "Lumen Studio" in request[1] and "YES" in request[1] and "STOP" in request[1]
    inbound.handle_inbound(double, _sms("Yes", 1))
    view = queries.contact_view(double, "Ann Lee")
    assert [n.status for n in view.numbers] == [Status.OPTED_IN]
    assert not view.pending
    last = view.events[-1]
    assert last.status is Status.OPTED_IN and last.source is Source.QUESTIONNAIRE
    assert last.evidence["ip"] == "203.0.113.9" and last.evidence["answer"] == "yes"
    assert last.evidence["reply_body"] == "Yes"
    assert last.evidence["reply_message_sid"] == f"SM{1:032d}"
    assert _dispatch(double).sent == []


def test_double_opt_in_yes_again_does_not_ask_twice(double: Desk) -> None:
    token = _token(double)
    _answer(double, token, "yes", ANN)
    _answer(double, token, "no")
    _answer(double, token, "yes", ANN)
    assert len(_dispatch(double).sent) == 1


def test_an_unanswered_confirmation_request_expires_with_the_link_ttl(
    double: Desk, clock: FixedClock
) -> None:
    _answer(double, _token(double), "yes", ANN)
    _dispatch(double)
    clock.advance(days=31)
    assert not queries.contact_view(double, "Ann Lee").pending
    inbound.handle_inbound(double, _sms("YES", 1))
    (number,) = queries.contact_view(double, "Ann Lee").numbers
    assert number.status is Status.NOT_SUBSCRIBED


def test_the_request_is_refused_once_the_number_opted_out(double: Desk) -> None:
    _answer(double, _token(double), "yes", ANN)
    inbound.handle_inbound(double, _sms("STOP", 1))
    assert _dispatch(double).sent == []


def test_with_double_opt_in_a_yes_after_stop_still_waits_and_yes_by_text_opts_in(
    double: Desk,
) -> None:
    inbound.handle_inbound(double, _sms("STOP", 1))  # files the number under a new contact
    token = _token(double, queries.contact_view(double, ANN).contact.name)
    assert _answer(double, token, "yes", ANN).outcome is Outcome.AWAITING_START
    assert _dispatch(double).sent == []  # no request: the number waits for START (or YES)
    result = inbound.handle_inbound(double, _sms("YES", 2))  # YES while opted out: back in
    assert result.reply is None  # Twilio answers its opt-in words in `twilio` mode
    (number,) = queries.contact_view(double, ANN).numbers
    assert number.status is Status.OPTED_IN
    assert _dispatch(double).sent == []


# 7. Every answer is evidence -------------------------------------------------------------


def test_a_no_from_a_contact_with_no_number_on_file_is_recorded(desk: Desk) -> None:
    token = _token(desk)
    assert _answer(desk, token, "no").outcome is Outcome.OPTED_OUT
    (event,) = queries.contact_view(desk, "Ann Lee").events
    assert event.phone is None and event.status is Status.OPTED_OUT
    assert event.source is Source.QUESTIONNAIRE and event.evidence["answer"] == "no"
    report = queries.verify_ledger(desk)
    assert report.ok and report.count == 1
