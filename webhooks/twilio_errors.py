"""Twilio's error codes, in words staff read, and their meaning for the consent core."""

from __future__ import annotations

from consent.records import DeliveryReport

UNSUBSCRIBED = 21610  # the recipient replied STOP: the carrier blocks texts until START

# Why Twilio refused a text (staff read these in delivery notes)
TWILIO_ERRORS: dict[int, str] = {
    21610: "the number unsubscribed at the carrier (it replied STOP) and must text START first",
    21211: "Twilio says this is not a valid phone number",
    21614: "this number can't receive texts (it is not a mobile number)",
    21612: "Twilio can't route a text to this number from our sender",
    21408: "texts to this country are not enabled in the Twilio account (Geo Permissions)",
    21608: "this Twilio account can only text verified numbers",
    21635: "this number is a landline",
}


def twilio_refused(code: int | None, detail: str) -> str:
    reason = TWILIO_ERRORS.get(code or 0, detail)
    return f"Twilio refused the text: {reason}" + (f" (error {code})" if code else "")


def twilio_unavailable(detail: str) -> str:
    return f"Twilio could not be reached ({detail}); the text will be retried"


def delivery_report(sid: str, status: str, code: str | None) -> DeliveryReport:
    """A status callback's fields as the core's delivery report: 21610 is a carrier opt-out."""
    error = f"Twilio error {code}" if code else None
    return DeliveryReport(sid, status, code, error, carrier_opt_out=code == str(UNSUBSCRIBED))
