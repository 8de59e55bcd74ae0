"""Rules for turning typed phone numbers into E.164, showing them, and finding their zones."""

from __future__ import annotations

import random
import re
import zoneinfo

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat
from phonenumbers.tzdata import TIMEZONE_DATA

from consent.errors import InvalidPhone
from consent.phones import REASONS, display_phone, is_phone_like, parse_phone, time_zones

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@pytest.mark.parametrize(
    "typed",
    [
        "(415) 555-0100",
        "415.555.0100",
        "415-555-0100",
        "4155550100",
        "1 415 555 0100",
        "1-415-555-0100",
        "+1 415 555 0100",
        "+1 (415) 555-0100",
        "+14155550100",
        "001 415 555 0100",
        "011 1 415 555 0100",
        "tel:+14155550100",
        "TEL:+1-415-555-0100",
        "  415 555 0100  ",
        "\t+1 415 555 0100\n",
        "４１５５５５０１００",
        "(４１５) ５５５–０１００",
        "٤١٥٥٥٥٠١٠٠",
        "+1\u00a0415\u00a0555\u00a00100",
        "\u202a+1 415 555 0100\u202c",
        "415/555/0100",
    ],
)
def test_every_way_of_typing_a_number_gives_the_same_e164(typed: str) -> None:
    assert parse_phone(typed) == "+14155550100"


def test_a_uk_number_is_read_with_the_gb_region() -> None:
    assert parse_phone("020 7946 0018", region="GB") == "+442079460018"
    assert parse_phone("07400 123456", region="gb") == "+447400123456"


def test_an_international_number_ignores_the_region() -> None:
    assert parse_phone("+44 20 7946 0018", region="US") == "+442079460018"
    assert parse_phone("0044 20 7946 0018", region="US") == "+442079460018"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("tel:", "empty"),
        ("call me maybe", "letters"),
        ("1-800-FLOWERS", "letters"),
        ("415 555 O1OO", "letters"),
        ("415*555*0100", "symbols"),
        ("415 555 0100 🙂", "symbols"),
        ("+() -", "no_digits"),
        ("+1 415 555 010", "too_short"),
        ("12", "too_short"),
        ("+1 415 555 01000", "too_long"),
        ("+44 1234 5678 9012 3456", "too_long"),
        ("+47 123 456", "wrong_length"),
        ("555-0100", "local_only"),
        ("+999 123 4567", "country_code"),
        ("+1 555 555 5555", "not_valid"),
        ("+44 20 7946 001", "not_valid"),
        ("4155550100" * 5, "input_too_long"),
    ],
)
def test_a_bad_number_is_refused_with_its_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        parse_phone(typed)
    assert refused.value.reason == REASONS[reason].format(number=typed.strip())


def test_reasons_are_sentences_that_repeat_what_was_typed() -> None:
    with pytest.raises(InvalidPhone) as refused:
        parse_phone(" +1 415 555 010 ")
    assert refused.value.reason == "+1 415 555 010 is too short to be a phone number."
    with pytest.raises(InvalidPhone) as refused:
        parse_phone("call me maybe")
    assert refused.value.reason == "That doesn't look like a phone number: it has letters in it."


@pytest.mark.parametrize(
    "typed", ["415-555-0100 ext 12", "415 555 0100 x3", "4155550100x3", "415-555-0100 #12"]
)
def test_a_number_with_an_extension_is_refused_because_texts_cannot_reach_it(typed: str) -> None:
    with pytest.raises(InvalidPhone, match="can't reach an extension"):
        parse_phone(typed)


def test_input_over_40_characters_is_refused_even_if_mostly_spaces_inside() -> None:
    with pytest.raises(InvalidPhone, match="40 characters"):
        parse_phone("+1 " + " " * 40 + "415 555 0100")


@pytest.mark.parametrize(
    "text", ["+1 415 555 0100", "(415) 555-0100", "415.555.0100", "555-0100", "+44 20 7946 0018"]
)
def test_digits_and_phone_punctuation_look_like_a_phone(text: str) -> None:
    assert is_phone_like(text)


@pytest.mark.parametrize(
    "text", ["Ann", "Ann Lee", "Ann 2", "2024", "12-34", "", "415 555 0100 ext 1", "x4155550100"]
)
def test_names_and_short_numbers_do_not_look_like_a_phone(text: str) -> None:
    assert not is_phone_like(text)


def test_a_number_is_shown_in_international_format() -> None:
    assert display_phone("+14155550100") == "+1 415-555-0100"
    assert display_phone("+442079460018") == "+44 20 7946 0018"


def test_showing_something_that_is_not_e164_gives_it_back_unchanged() -> None:
    assert display_phone("not a number") == "not a number"


def test_a_new_york_number_is_in_new_yorks_zone() -> None:
    assert time_zones("+12125550100") == ("America/New_York",)


def test_a_number_spanning_two_zones_gets_both() -> None:
    assert time_zones("+12083205555") == ("America/Boise", "America/Los_Angeles")


def test_a_number_with_unknown_zone_falls_back_to_every_zone_of_its_country_code() -> None:
    zones = time_zones("+15555555555")
    assert {"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"} <= set(zones)
    assert "Etc/Unknown" not in zones


def test_a_uk_mobile_gets_the_uk_zones() -> None:
    assert "Europe/London" in time_zones("+447400123456")


@pytest.mark.parametrize("e164", ["+80012345678", "+8823421234", "garbage", ""])
def test_a_number_with_no_zone_data_falls_back_to_utc(e164: str) -> None:
    assert time_zones(e164) == ("UTC",)


@pytest.mark.parametrize(
    "e164", ["+12125550100", "+12083205555", "+15555555555", "+447400123456", "+61298765432"]
)
def test_zones_are_sorted_unique_and_loadable(e164: str) -> None:
    zones = time_zones(e164)
    assert list(zones) == sorted(set(zones))
    for zone in zones:
        zoneinfo.ZoneInfo(zone)


def test_every_zone_phonenumbers_knows_is_loadable_by_zoneinfo() -> None:
    names = {zone for zones in TIMEZONE_DATA.values() for zone in zones} - {"Etc/Unknown"}
    for zone in sorted(names):
        zoneinfo.ZoneInfo(zone)


@given(st.text(max_size=60))
def test_any_text_either_parses_to_e164_or_is_refused_with_invalid_phone(text: str) -> None:
    try:
        e164 = parse_phone(text)
    except InvalidPhone as refused:
        assert refused.reason
    else:
        assert E164.match(e164)
        assert parse_phone(e164) == e164


@given(st.from_regex(r"\A[+(]?[0-9 ().\-]{7,22}\Z"))
def test_phone_shaped_text_either_parses_idempotently_or_is_refused(text: str) -> None:
    try:
        e164 = parse_phone(text)
    except InvalidPhone as refused:
        assert refused.reason
    else:
        assert E164.match(e164)
        assert parse_phone(e164) == e164
        assert parse_phone(display_phone(e164)) == e164


@given(st.text(max_size=60))
def test_time_zones_never_fail_and_are_never_empty(text: str) -> None:
    assert time_zones(text)


def test_north_american_numbers_are_shown_exactly_as_phonenumbers_formats_them() -> None:
    """display_phone formats +1 numbers itself (the fast path a STOP storm from new
    numbers takes); for every area code and a spread of exchanges, phonenumbers agrees."""
    rng = random.Random(7)
    for area in range(200, 1000):
        for exchange in (200, 555, 999, rng.randrange(200, 1000)):
            e164 = f"+1{area}{exchange}{rng.randrange(10000):04d}"
            parsed = phonenumbers.parse(e164)
            expected = phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
            assert display_phone(e164) == expected
    assert display_phone("+14151550100") == phonenumbers.format_number(
        phonenumbers.parse("+14151550100"), PhoneNumberFormat.INTERNATIONAL
    )  # an exchange starting with 1 is not North American: phonenumbers decides
