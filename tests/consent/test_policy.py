"""The send gate: consent first, quiet hours for automated texts, in every zone of a number."""

from datetime import UTC, datetime, timedelta

import pytest

from consent.errors import Forbidden
from consent.model import NumberState, SendKind, Source, Status, may_staff_set
from consent.policy import (
    Allowed,
    Prior,
    Refused,
    Wait,
    daytime_everywhere,
    earlier_texts,
    may_send,
    next_daytime,
)
from consent.records import Direction, Message

NOON_NY = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)  # 12:00 in New York (EDT)
MINUTE = timedelta(minutes=1)
NY = ("America/New_York",)


def _state(status: Status, **kw: object) -> NumberState:
    return NumberState(1, "+12125550100", 1, status, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(SendKind))
def test_a_number_that_never_opted_in_is_refused_for_every_kind(kind: SendKind) -> None:
    assert isinstance(may_send(_state(Status.NOT_SUBSCRIBED), kind, NOON_NY, NY), Refused)


def test_an_unknown_number_is_refused() -> None:
    assert isinstance(may_send(None, SendKind.MANUAL, NOON_NY, NY), Refused)


def test_an_opted_out_number_is_refused_with_how_it_opted_out() -> None:
    state = _state(Status.OPTED_OUT, source=Source.SMS_KEYWORD, changed_at=NOON_NY)
    decision = may_send(state, SendKind.MANUAL, NOON_NY, NY)
    assert isinstance(decision, Refused)
    assert "opted out by replying STOP" in decision.reason


def test_a_carrier_blocked_number_says_the_client_must_text_start() -> None:
    state = _state(Status.OPTED_OUT, source=Source.CARRIER, awaiting_start=True)
    decision = may_send(state, SendKind.MANUAL, NOON_NY, NY)
    assert isinstance(decision, Refused) and "START" in decision.reason


def test_an_opted_in_number_may_receive_a_staff_text_at_night() -> None:
    midnight_ny = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert may_send(_state(Status.OPTED_IN), SendKind.MANUAL, midnight_ny, NY) == Allowed()


def test_an_automated_text_at_night_waits_until_eight_local() -> None:
    night = datetime(2026, 7, 2, 2, 30, tzinfo=UTC)  # 22:30 EDT on July 1
    decision = may_send(_state(Status.OPTED_IN), SendKind.AUTOMATED, night, NY)
    assert isinstance(decision, Wait)
    assert decision.until == datetime(2026, 7, 2, 12, 0, tzinfo=UTC)  # 08:00 EDT


def test_automated_texts_stop_at_nine_pm_sharp() -> None:
    at_2059 = datetime(2026, 7, 2, 0, 59, tzinfo=UTC)
    at_2100 = datetime(2026, 7, 2, 1, 0, tzinfo=UTC)
    assert may_send(_state(Status.OPTED_IN), SendKind.AUTOMATED, at_2059, NY) == Allowed()
    assert isinstance(may_send(_state(Status.OPTED_IN), SendKind.AUTOMATED, at_2100, NY), Wait)


def test_a_number_spanning_zones_waits_for_the_window_in_all_of_them() -> None:
    zones = ("America/New_York", "America/Los_Angeles")
    at = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # 09:00 NY, 06:00 LA
    decision = may_send(_state(Status.OPTED_IN), SendKind.AUTOMATED, at, zones)
    assert isinstance(decision, Wait)
    assert decision.until == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)  # 08:00 LA
    assert daytime_everywhere(decision.until, zones)


def test_quiet_hours_follow_daylight_saving_changes() -> None:
    # 2026-03-08: US clocks spring forward; 08:00 EDT is 12:00 UTC, the day before 13:00 UTC.
    before = next_daytime(datetime(2026, 3, 7, 6, 0, tzinfo=UTC), NY)
    after = next_daytime(datetime(2026, 3, 8, 9, 0, tzinfo=UTC), NY)
    assert before == datetime(2026, 3, 7, 13, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    fall = next_daytime(datetime(2026, 11, 1, 5, 0, tzinfo=UTC), NY)  # fall back day
    assert fall == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_zones_with_no_common_daytime_are_refused_not_held_forever() -> None:
    zones = ("Pacific/Honolulu", "Atlantic/South_Georgia", "Asia/Dhaka")  # 8 h apart each
    decision = may_send(_state(Status.OPTED_IN), SendKind.AUTOMATED, NOON_NY, zones)
    assert isinstance(decision, Refused)


def test_the_opt_out_confirmation_passes_only_within_five_minutes() -> None:
    state = _state(Status.OPTED_OUT, source=Source.SMS_KEYWORD, changed_at=NOON_NY)
    kind = SendKind.OPT_OUT_CONFIRMATION
    assert may_send(state, kind, NOON_NY + timedelta(minutes=4), NY) == Allowed()
    assert isinstance(may_send(state, kind, NOON_NY + timedelta(minutes=6), NY), Refused)


def test_the_opt_out_confirmation_never_reaches_an_opted_in_number() -> None:
    state = _state(Status.OPTED_IN, changed_at=NOON_NY)
    assert isinstance(may_send(state, SendKind.OPT_OUT_CONFIRMATION, NOON_NY, NY), Refused)


def test_staff_can_opt_out_but_never_in() -> None:
    may_staff_set(Status.OPTED_OUT)
    for status in (Status.OPTED_IN, Status.NOT_SUBSCRIBED):
        with pytest.raises(Forbidden):
            may_staff_set(status)


# One confirmation per opt-out, one opt-in text a day, the one double opt-in request --------


def _msg(message_id: int, status: str, sid: str | None = None) -> Message:
    return Message(
        message_id, Direction.OUTBOUND, 1, "+12125550100", "x", "c", status, NOON_NY, None, sid
    )


def test_a_second_opt_out_confirmation_for_one_opt_out_is_refused_even_within_5_minutes() -> None:
    state = _state(Status.OPTED_OUT, source=Source.SMS_KEYWORD, changed_at=NOON_NY)
    kind = SendKind.OPT_OUT_CONFIRMATION
    assert may_send(state, kind, NOON_NY, NY, Prior()) == Allowed()
    decision = may_send(state, kind, NOON_NY, NY, Prior(earlier=1))
    assert isinstance(decision, Refused) and "once" in decision.reason


def test_an_opt_out_confirmation_queued_before_a_start_is_refused_for_the_next_opt_out() -> None:
    # queued with an opt-out at 12:00; START and a new revocation at 12:01 (its own confirmation)
    state = _state(Status.OPTED_OUT, source=Source.SMS_KEYWORD, changed_at=NOON_NY + MINUTE)
    kind, now = SendKind.OPT_OUT_CONFIRMATION, NOON_NY + 2 * MINUTE
    decision = may_send(state, kind, now, NY, Prior(), queued_at=NOON_NY)
    assert isinstance(decision, Refused) and "once" in decision.reason
    assert may_send(state, kind, now, NY, Prior(), queued_at=NOON_NY + MINUTE) == Allowed()


def test_an_opt_in_confirmation_goes_at_most_once_a_day() -> None:
    state = _state(Status.OPTED_IN)
    assert may_send(state, SendKind.CONFIRMATION, NOON_NY, NY, Prior()) == Allowed()
    decision = may_send(state, SendKind.CONFIRMATION, NOON_NY, NY, Prior(earlier=1))
    assert isinstance(decision, Refused) and "24 hours" in decision.reason


def test_the_double_opt_in_request_goes_once_to_a_number_whose_request_is_open() -> None:
    kind, fresh = SendKind.OPT_IN_REQUEST, _state(Status.NOT_SUBSCRIBED)
    assert may_send(fresh, kind, NOON_NY, NY, Prior(request_open=True)) == Allowed()
    assert isinstance(may_send(fresh, kind, NOON_NY, NY, Prior()), Refused)  # closed/expired
    assert isinstance(may_send(fresh, kind, NOON_NY, NY, Prior(1, request_open=True)), Refused)
    said_no = _state(Status.OPTED_OUT, source=Source.QUESTIONNAIRE)
    assert may_send(said_no, kind, NOON_NY, NY, Prior(request_open=True)) == Allowed()
    for source in (Source.SMS_KEYWORD, Source.CARRIER, Source.STAFF):  # these wait for START
        stopped = _state(Status.OPTED_OUT, source=source)
        assert isinstance(may_send(stopped, kind, NOON_NY, NY, Prior(request_open=True)), Refused)
    opted_in = _state(Status.OPTED_IN)
    assert isinstance(may_send(opted_in, kind, NOON_NY, NY, Prior(request_open=True)), Refused)


def test_earlier_texts_count_what_went_or_goes_first_never_what_was_refused() -> None:
    others = [_msg(1, "accepted"), _msg(2, "refused"), _msg(3, "queued"), _msg(5, "queued")]
    assert earlier_texts(4, others) == 2  # 1 went, 3 is older and still goes first
    assert earlier_texts(1, [_msg(1, "queued"), _msg(2, "queued")]) == 0
    assert earlier_texts(1, [_msg(1, "queued"), _msg(2, "delivered")]) == 1
    assert earlier_texts(3, [_msg(1, "failed"), _msg(2, "refused")]) == 0


def test_a_text_twilio_answered_queued_counts_as_handed_over() -> None:
    # "queued" is also Twilio's first status: a text with its SID has left, whatever its id
    handed = _msg(2, "queued", sid="SM" + "2" * 32)
    assert earlier_texts(1, [_msg(1, "queued"), handed]) == 1


@pytest.mark.parametrize("source", [Source.STAFF, Source.CARRIER, Source.IMPORT])
def test_an_opt_out_confirmation_answers_only_an_opt_out_the_owner_texted(source: Source) -> None:
    """Queued for a revocation by text; if the number's last change is staff's, the
    carrier's or an import's (even in the same instant), it is not sent."""
    state = _state(Status.OPTED_OUT, source=source, changed_at=NOON_NY)
    decision = may_send(state, SendKind.OPT_OUT_CONFIRMATION, NOON_NY, NY, queued_at=NOON_NY)
    assert isinstance(decision, Refused)
    texted = _state(Status.OPTED_OUT, source=Source.SMS_KEYWORD, changed_at=NOON_NY)
    kind = SendKind.OPT_OUT_CONFIRMATION
    assert may_send(texted, kind, NOON_NY, NY, queued_at=NOON_NY) == Allowed()
