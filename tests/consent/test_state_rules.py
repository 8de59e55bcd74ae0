"""State texting laws stricter than the federal quiet hours (SPEC §1): each state's window
at its edges, across daylight-saving changes and in every zone of an area code, and the
three-in-24-hours cap, with the exact moment a held text may go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consent.area_codes import area_code_zones, us_state
from consent.model import NumberState, SendKind, Status
from consent.phones import time_zones
from consent.policy import Allowed, Decision, Prior, Wait, may_send
from consent.state_rules import RULES, Local, cap_reason, rule_for, window_reason

FL, NY = "+13055550100", "+12125550100"  # Miami (Florida), New York City
# One number per state in the table, with the UTC offset of its zone in July (DST).
SAMPLES = {"FL": ("+13055550100", 4), "OK": ("+14055550100", 5), "MD": ("+14105550100", 4)}
SAMPLES["WA"] = ("+12065550100", 7)


def _state(e164: str) -> NumberState:
    return NumberState(1, e164, 1, Status.OPTED_IN)


def _local(e164: str, counted: tuple[datetime, ...] = ()) -> Local:
    """What the gate hands the policy for this number (consent/services/gate.py)."""
    return Local(rule_for(us_state(e164)), area_code_zones(e164), counted)


def _decide(
    e164: str,
    at: datetime,
    counted: tuple[datetime, ...] = (),
    kind: SendKind = SendKind.AUTOMATED,
) -> Decision:
    prior = Prior(local=_local(e164, counted))
    return may_send(_state(e164), kind, at, time_zones(e164), prior)


def test_the_table_holds_florida_oklahoma_maryland_and_washington_with_their_statutes() -> None:
    assert {r.code for r in RULES} == {"FL", "OK", "MD", "WA"}
    for rule in RULES:
        assert (rule.start.hour, rule.end.hour) == (8, 20) and rule.window_statute
        assert (rule.cap, bool(rule.cap_statute)) == (
            (None, False) if rule.code == "WA" else (3, True)
        )


def test_the_state_comes_from_the_area_code() -> None:
    assert [us_state(n) for n, _ in SAMPLES.values()] == list(SAMPLES)
    assert us_state("+18504320100") == "FL"  # the geocoder names a city: "Pensacola, FL"
    assert us_state(NY) == "NY" and us_state("+14165550100") is None  # Toronto: not a state
    assert rule_for(us_state(NY)) is None


@pytest.mark.parametrize("code", list(SAMPLES))
def test_each_state_sends_at_19_59_and_holds_at_20_00_until_08_00(code: str) -> None:
    e164, offset = SAMPLES[code]
    rule = rule_for(code)
    assert rule is not None
    local_1959 = datetime(2026, 7, 1, 19, 59, tzinfo=UTC) + timedelta(hours=offset)
    assert isinstance(_decide(e164, local_1959), Allowed)
    held = _decide(e164, local_1959 + timedelta(minutes=1))
    next_0800 = datetime(2026, 7, 2, 8, 0, tzinfo=UTC) + timedelta(hours=offset)
    assert held == Wait(next_0800, window_reason(rule), rule)
    assert isinstance(_decide(e164, next_0800), Allowed)
    assert isinstance(_decide(e164, next_0800 - timedelta(minutes=1)), Wait)


def test_a_federal_only_state_keeps_21_00() -> None:
    assert isinstance(_decide(NY, datetime(2026, 7, 2, 0, 30, tzinfo=UTC)), Allowed)  # 20:30
    held = _decide(NY, datetime(2026, 7, 2, 1, 0, tzinfo=UTC))  # 21:00
    assert isinstance(held, Wait) and held.state is None


@pytest.mark.parametrize(
    ("last_allowed", "first_held", "opens"),
    [
        # the Sunday clocks go forward (8 March 2026): 20:00 EDT is 00:00 UTC
        ("2026-03-08T23:59", "2026-03-09T00:00", "2026-03-09T12:00"),
        # the day before, still EST: 20:00 is 01:00 UTC
        ("2026-03-08T00:59", "2026-03-08T01:00", "2026-03-08T12:00"),
        # the Sunday clocks go back (1 November 2026): 20:00 EST is 01:00 UTC
        ("2026-11-02T00:59", "2026-11-02T01:00", "2026-11-02T13:00"),
        # the day before, still EDT: 20:00 is 00:00 UTC
        ("2026-10-31T23:59", "2026-11-01T00:00", "2026-11-01T13:00"),
    ],
)
def test_florida_window_follows_daylight_saving(
    last_allowed: str, first_held: str, opens: str
) -> None:
    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    assert isinstance(_decide(FL, utc(last_allowed)), Allowed)
    held = _decide(FL, utc(first_held))
    assert isinstance(held, Wait) and held.until == utc(opens)


def test_an_area_code_spanning_two_zones_holds_the_window_in_both() -> None:
    """850 (Florida's panhandle) is Eastern and Central time: the window must hold in both."""
    tallahassee = "+18505550100"
    assert time_zones(tallahassee) == ("America/New_York",)
    assert area_code_zones(tallahassee) == ("America/Chicago", "America/New_York")
    at_0830_edt = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)  # 07:30 in Pensacola
    held = _decide(tallahassee, at_0830_edt)
    assert isinstance(held, Wait) and held.until == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert isinstance(_decide(FL, at_0830_edt), Allowed)  # 305 is Eastern only
    at_1959_edt = datetime(2026, 7, 1, 23, 59, tzinfo=UTC)
    assert isinstance(_decide(tallahassee, at_1959_edt), Allowed)
    assert isinstance(_decide(tallahassee, at_1959_edt + timedelta(minutes=1)), Wait)


def test_the_fourth_automated_text_in_24_hours_waits_until_the_first_leaves() -> None:
    rule = rule_for("FL")
    assert rule is not None
    first = datetime(2026, 7, 1, 14, 15, 30, tzinfo=UTC)  # 10:15:30 in Miami
    sent = (first, first + timedelta(hours=1), first + timedelta(hours=2))
    now = first + timedelta(hours=5)
    assert isinstance(_decide(FL, now, sent[:2]), Allowed)  # two before: the third goes
    held = _decide(FL, now, sent)
    assert held == Wait(first + timedelta(hours=24), cap_reason(rule), rule, capped=True)
    assert isinstance(_decide(FL, first + timedelta(hours=24), sent), Allowed)
    assert isinstance(_decide(FL, first + timedelta(hours=24, microseconds=-1), sent), Wait)


def test_a_cap_that_frees_after_20_00_waits_for_08_00() -> None:
    """Clocks go forward on 8 March 2026: texts sent at 19:30 EST on the 7th leave the 24
    hours at 20:30 EDT on the 8th, after the window closed, so the fourth waits for 08:00."""
    first = datetime(2026, 3, 8, 0, 30, tzinfo=UTC)  # 19:30 EST on 7 March in Miami
    sent = (first, first + timedelta(minutes=10), first + timedelta(minutes=20))
    held = _decide(FL, datetime(2026, 3, 8, 16, 0, tzinfo=UTC), sent)  # noon on the 8th
    assert isinstance(held, Wait) and held.capped
    assert held.until == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # 08:00 EDT on 9 March
    # the day after the clocks go back, 24 hours later is an hour earlier on the clock
    first = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 19:30 EDT on 31 October
    sent = (first, first + timedelta(minutes=10), first + timedelta(minutes=20))
    held = _decide(FL, datetime(2026, 11, 1, 17, 0, tzinfo=UTC), sent)
    assert isinstance(held, Wait) and held.until == first + timedelta(hours=24)  # 18:30 EST


def test_washington_has_a_window_and_no_cap() -> None:
    seattle = SAMPLES["WA"][0]
    noon = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)
    sent = tuple(noon - timedelta(hours=h) for h in (1, 2, 3, 4))
    assert isinstance(_decide(seattle, noon, sent), Allowed)


def test_a_federal_only_number_has_no_cap() -> None:
    noon = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    sent = tuple(noon - timedelta(hours=h) for h in (1, 2, 3, 4))
    assert isinstance(_decide(NY, noon, sent), Allowed)


@pytest.mark.parametrize("kind", [SendKind.MANUAL, SendKind.CONFIRMATION])
def test_replies_and_confirmations_keep_the_federal_treatment(kind: SendKind) -> None:
    at_2030 = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)  # 20:30 in Miami
    sent = tuple(at_2030 - timedelta(hours=h) for h in (1, 2, 3))
    assert isinstance(_decide(FL, at_2030, sent, kind=kind), Allowed)


def test_at_night_the_federal_quiet_hours_hold_the_text_and_say_so() -> None:
    """At 23:00 in Miami both windows are shut and open again at 08:00: the federal quiet
    hours are the reason (the state's hold is reported only where it makes a difference)."""
    held = _decide(FL, datetime(2026, 7, 2, 3, 0, tzinfo=UTC))
    assert isinstance(held, Wait) and held.state is None
    assert held.until == datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
    # in the panhandle the state's window opens an hour later (08:00 Central)
    held = _decide("+18505550100", datetime(2026, 7, 2, 3, 0, tzinfo=UTC))
    assert isinstance(held, Wait) and held.state == rule_for("FL")
    assert held.until == datetime(2026, 7, 2, 13, 0, tzinfo=UTC)


def test_a_numbers_state_is_known_without_loading_the_geocoder() -> None:
    """The geocoder's data for +1 costs about 100 MB: the server never loads it."""
    import subprocess
    import sys

    code = (
        "import sys; from consent.area_codes import us_state; "
        "assert us_state('+13055550100') == 'FL'; "
        "assert not [m for m in sys.modules if m.startswith('phonenumbers.geodata')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_area_code_table_agrees_with_the_geocoder_for_every_state_with_a_law() -> None:
    import phonenumbers
    from phonenumbers.geocoder import description_for_number

    names = {"Florida": "FL", "Oklahoma": "OK", "Maryland": "MD", "Washington State": "WA"}
    assert all(rule_for(code) is not None for code in names.values())
    assert len(RULES) == len(names)
    for area_code in range(201, 1000):
        number = f"+1{area_code}2345678"
        parsed = phonenumbers.parse(number)
        if phonenumbers.region_code_for_number(parsed) != "US":
            continue
        place = description_for_number(parsed, "en")
        geocoded = names.get(place) or next(
            (code for code in names.values() if place.endswith(f", {code}")), None
        )
        if geocoded is not None:
            assert us_state(number) == geocoded, (area_code, place)
        elif us_state(number) in names.values():
            raise AssertionError(f"{area_code}: table says {us_state(number)}, geocoder {place!r}")
