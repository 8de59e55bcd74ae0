"""The send gate: consent first, quiet hours for automated texts, in every zone of a number."""

from datetime import UTC, datetime, timedelta

import pytest

from consent.errors import Forbidden
from consent.model import NumberState, SendKind, Source, Status, may_staff_set
from consent.policy import Allowed, Refused, Wait, daytime_everywhere, may_send, next_daytime

NOON_NY = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)  # 12:00 in New York (EDT)
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
