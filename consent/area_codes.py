"""Where a US number is, for the states' texting laws: its state and its area code's zones.

Both are read from the area code, so both are guesses (numbers move with people and are
ported between carriers); the rules apply them conservatively (README).
"""

from __future__ import annotations

import functools

import phonenumbers
from phonenumbers.geocoder import description_for_number
from phonenumbers.timezone import UNKNOWN_TIMEZONE
from phonenumbers.tzdata import TIMEZONE_DATA

from consent.phones import parse_e164, time_zones

__all__ = ["area_code_zones", "us_state"]


# The geocoder names a US number's place as a state ("Florida", "Washington State") or a
# city with the state's USPS code ("Pensacola, FL"); both become the code.
_STATES = (
    "AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|"
    "CT Connecticut|DE Delaware|DC Washington D.C.|FL Florida|GA Georgia|HI Hawaii|"
    "ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|"
    "ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|"
    "MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|"
    "NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|"
    "OR Oregon|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|"
    "TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington State|"
    "WV West Virginia|WI Wisconsin|WY Wyoming"
)
_STATE_NAMES = dict(pair.split(" ", 1) for pair in _STATES.split("|"))
_CODE_OF = {name: code for code, name in _STATE_NAMES.items()}


def us_state(e164: str) -> str | None:
    """The USPS code of the US state a number's area code belongs to (None: not a US
    number, or one the geocoder places nowhere). A guess: numbers move with people."""
    number = parse_e164(e164)
    if number is None or phonenumbers.region_code_for_number(number) != "US":
        return None
    place = description_for_number(number, "en")
    code = place.rsplit(", ", 1)[-1] if ", " in place else _CODE_OF.get(place, "")
    return code if code in _STATE_NAMES else None


def area_code_zones(e164: str) -> tuple[str, ...]:
    """Every time zone of the number's area code (+1 only), with the number's own ones.

    An area code like 850 (Florida) spans Eastern and Central time; a number ported or
    carried out of its exchange may be in either, so a state's window is checked in all.
    """
    own = set(time_zones(e164))
    number = parse_e164(e164)
    if number is None or number.country_code != 1:
        return tuple(sorted(own))
    own.update(_area_code_zones("1" + phonenumbers.national_significant_number(number)[:3]))
    return tuple(sorted(own))


@functools.lru_cache(maxsize=1024)
def _area_code_zones(prefix: str) -> frozenset[str]:
    """Every zone of the prefix data under one area code (a broadcast asks once per code)."""
    return frozenset(
        zone
        for key, zones in TIMEZONE_DATA.items()
        if key.startswith(prefix)
        for zone in zones
        if zone != UNKNOWN_TIMEZONE
    )
