"""What every text the app writes must say (SPEC §1, §2), as literal words.

The tests compare what actually left the app (the text Twilio received, the TwiML
answer, the page, the printed keyword answers) with these parts, never with the
function that wrote it: dropping a required part from consent/messages.py fails them.
To cover a new text, add its parts here and a test that produces it.
"""

from __future__ import annotations

FREQUENCY = "Msg frequency varies"
RATES = "Msg & data rates may apply"
HELP_AND_STOP = "Reply HELP for help, STOP to opt out"

# Text -> parts it must contain ("{business}" and "{contact}" are filled in per test).
REQUIRED: dict[str, tuple[str, ...]] = {
    "opt-in confirmation": ("{business}", FREQUENCY, RATES, HELP_AND_STOP),
    "re-subscribe confirmation": ("{business}", "subscribed", FREQUENCY, RATES, HELP_AND_STOP),
    "opt-out confirmation": ("{business}", "unsubscribed", "no more texts"),
    "help answer": ("{business}", "{contact}", "Reply STOP to opt out"),
    "help answer without a contact": ("{business}", "Reply to this text", "Reply STOP to opt out"),
    "disclaimer": (
        "{business}",
        "Consent is not a condition of purchase",
        FREQUENCY,
        RATES,
        HELP_AND_STOP,
    ),
}
# Parts a text must never carry: the opt-out confirmation is no place for marketing.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "opt-out confirmation": ("http", "www.", "%", "offer", "deal"),
}


def missing_parts(kind: str, text: str, *, business: str, contact: str = "") -> list[str]:
    """The required parts `text` lacks and the forbidden ones it carries ([] is good)."""
    wanted = [p.format(business=business, contact=contact) for p in REQUIRED[kind]]
    lacking = [p for p in wanted if p not in text]
    carried = [f"forbidden: {p}" for p in FORBIDDEN.get(kind, ()) if p.lower() in text.lower()]
    return lacking + carried
