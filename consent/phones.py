"""Phone numbers: turn what people type into E.164, show it back, and find its time zones.

Consent belongs to one exact number, so everything downstream keys on the E.164 string
that `parse_phone` returns. Extensions are rejected rather than dropped: a text message
cannot reach an extension, so a number typed with one is almost certainly a desk line.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult
from phonenumbers.timezone import UNKNOWN_TIMEZONE, time_zones_for_number
from phonenumbers.tzdata import TIMEZONE_DATA

from consent.errors import InvalidPhone

__all__ = [
    "REASONS",
    "display_phone",
    "is_phone_like",
    "parse_e164",
    "parse_phone",
    "time_zones",
]

MAX_INPUT_CHARS = 40
MIN_PHONE_LIKE_DIGITS = 7
FALLBACK_TIME_ZONES: tuple[str, ...] = ("UTC",)

# Every sentence a person reads about a bad number; `{number}` is the cleaned input,
# which only ever holds digits, spaces and + ( ) - . / (safe to echo back).
REASONS: dict[str, str] = {
    "empty": "Please enter a phone number.",
    "input_too_long": "That is too long to be a phone number (40 characters at most).",
    "letters": "That doesn't look like a phone number: it has letters in it.",
    "symbols": "That doesn't look like a phone number: use only digits, spaces and + ( ) - .",
    "no_digits": "That doesn't look like a phone number: it has no digits in it.",
    "extension": "Text messages can't reach an extension: please enter the number without it.",
    "not_a_number": "{number} doesn't look like a phone number.",
    "too_short": "{number} is too short to be a phone number.",
    "too_long": "{number} is too long to be a phone number.",
    "wrong_length": "{number} has the wrong number of digits for a phone number.",
    "local_only": "{number} is missing its area code.",
    "country_code": "{number} doesn't start with a country code we know: "
    "start with + and the country code, like +44 for the UK.",
    "not_valid": "{number} is not a valid phone number: please check the area code and digits.",
}

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_TEL_PREFIX = re.compile(r"^tel:\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"(?:;\s*ext=|ext(?:ension)?\.?|x|#)\s*\d+$", re.IGNORECASE)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_ALLOWED = frozenset("0123456789 +()-./")
_PHONE_LIKE = frozenset("0123456789 +()-.")
_PARSE_ERRORS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "country_code",
    NumberParseException.NOT_A_NUMBER: "not_a_number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}
_POSSIBILITY_ERRORS: dict[int, str] = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "local_only",
    ValidationResult.INVALID_COUNTRY_CODE: "country_code",
    ValidationResult.TOO_SHORT: "too_short",
    ValidationResult.TOO_LONG: "too_long",
    ValidationResult.INVALID_LENGTH: "wrong_length",
}


def _fail(key: str, number: str = "") -> InvalidPhone:
    return InvalidPhone(REASONS[key].format(number=number), key, number)


def _ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit (Arabic-Indic, Devanagari...) to its ASCII digit."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _clean(raw: str) -> str:
    """NFKC, ASCII digits, single spaces, no `tel:` and no invisible format characters."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = " ".join(_ascii_digits(text).translate(_DASHES).split())
    return _TEL_PREFIX.sub("", text)


def _check_characters(text: str) -> None:
    """Reject extensions, letters and stray symbols with the most helpful reason."""
    without_ext = _EXTENSION.sub("", text).strip()
    if any(ch.isalpha() for ch in without_ext):
        raise _fail("letters")
    if without_ext != text:
        raise _fail("extension")
    if not set(text) <= _ALLOWED:
        raise _fail("symbols")
    if not any(ch.isdigit() for ch in text):
        raise _fail("no_digits")


def _parse_once(text: str, region: str) -> PhoneNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise _fail(_PARSE_ERRORS.get(exc.error_type, "not_a_number"), text) from None


def _checked(number: PhoneNumber, shown: str) -> str:
    """The E.164 form of a parsed number, or the reason it cannot be used."""
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if possibility != ValidationResult.IS_POSSIBLE:
        raise _fail(_POSSIBILITY_ERRORS.get(possibility, "not_valid"), shown)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number) or not _E164.fullmatch(e164):
        raise _fail("not_valid", shown)
    return e164


def parse_phone(raw: str, region: str = "US") -> str:
    """Parse what a person typed into E.164 (`+14155550100`), or raise `InvalidPhone`.

    National input uses `region` ("US", "GB", ...). Accepts spaces, dots, dashes,
    brackets, `tel:` URIs, `+` or `00` international prefixes (and the region's own
    one, like 011 in the US), and digits from any script. Rejects extensions, letters
    (vanity numbers like 1-800-FLOWERS included), input over 40 characters, and
    numbers that phonenumbers does not consider valid.
    """
    return _parse(raw, region)[0]


def parse_phone_shown(raw: str, region: str = "US") -> tuple[str, str]:
    """`parse_phone` and `display_phone` of the result, parsing once (a bulk import)."""
    e164, number = _parse(raw, region)
    return e164, phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse(raw: str, region: str) -> tuple[str, PhoneNumber]:
    stripped = raw.strip()
    if not stripped:
        raise _fail("empty")
    if len(stripped) > MAX_INPUT_CHARS:
        raise _fail("input_too_long")
    text = _clean(stripped)
    if not text:
        raise _fail("empty")
    _check_characters(text)
    compact = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    try:
        number = _parse_once(text, region.upper())
        return _checked(number, text), number
    except InvalidPhone:
        # "00" is the international prefix almost everywhere except North America;
        # no national number starts with it, so read it as "+" before giving up.
        if not compact.startswith("00"):
            raise
    number = _parse_once("+" + compact[2:], region.upper())
    return _checked(number, text), number


def is_phone_like(text: str) -> bool:
    """Whether a command argument looks like a phone number rather than a name.

    Only digits, spaces and + ( ) - . are allowed, with at least seven digits.
    """
    cleaned = _clean(text.strip())
    digits = sum(ch.isdigit() for ch in cleaned)
    return digits >= MIN_PHONE_LIKE_DIGITS and set(cleaned) <= _PHONE_LIKE


def parse_e164(e164: str) -> PhoneNumber | None:
    """The parsed number for an E.164 string (None when it does not parse)."""
    try:
        return phonenumbers.parse(e164, None)
    except NumberParseException:
        return None


_NANP = re.compile(r"\+1([2-9]\d\d)([2-9]\d\d)(\d{4})")


def display_phone(e164: str) -> str:
    """International format for people (`+1 415-555-0100`); unparsable input comes back as is.

    A North American number is formatted directly, as phonenumbers would (held to it by a
    test over every area code): a STOP storm from new numbers names a contact per number,
    and phonenumbers' formatting showed in its profile."""
    nanp = _NANP.fullmatch(e164)
    if nanp is not None:
        return "+1 {}-{}-{}".format(*nanp.groups())
    number = parse_e164(e164)
    if number is None:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def time_zones(e164: str) -> tuple[str, ...]:
    """IANA time zones of a number, sorted; every zone it may be in, never an empty tuple.

    Uses the number's own prefix data; when that is unknown, every zone of its country
    calling code (for +1 that is the whole North American plan, so quiet hours stay
    conservative); for non-geographic codes (+800, +882...) or bad input, ("UTC",).
    """
    number = parse_e164(e164)
    if number is None:
        return FALLBACK_TIME_ZONES
    zones = {zone for zone in time_zones_for_number(number) if zone != UNKNOWN_TIMEZONE}
    if not zones:
        zones = set(TIMEZONE_DATA.get(str(number.country_code), ()))
    zones.discard(UNKNOWN_TIMEZONE)
    return tuple(sorted(zones)) or FALLBACK_TIME_ZONES
