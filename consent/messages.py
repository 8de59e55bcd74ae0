"""Every sentence a client or a staff member reads, in one place to review.

Client texts carry the business name so the recipient knows who writes;
the disclaimer is versioned and fixed: staff can't change it, only the
business name is filled in, and the exact words shown go into the evidence.
"""

from __future__ import annotations

DISCLAIMER_VERSION = "2026-11-01"
DISCLAIMER = (
    "By choosing Yes and giving your mobile number, you agree to receive text messages "
    "from {business} about your bookings and projects, such as scheduling, updates and "
    "questions. Consent is not a condition of purchase. Msg frequency varies. "
    "Msg & data rates may apply. Reply HELP for help, STOP to opt out at any time."
)
QUESTION = "May {business} send you text messages about your project?"


def disclaimer(business: str) -> str:
    return DISCLAIMER.format(business=business)


def question(business: str) -> str:
    return QUESTION.format(business=business)


def opt_in_confirmation(business: str) -> str:
    return (
        f"{business}: You're subscribed to texts about your project. Msg frequency varies. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )


def opt_out_confirmation(business: str) -> str:
    return (
        f"{business}: You're unsubscribed and will get no more texts from us. "
        "Reply START to subscribe again."
    )


def resubscribe_confirmation(business: str) -> str:
    return (
        f"{business}: You're subscribed again. Msg frequency varies. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )


def opt_in_request(business: str) -> str:
    """Double opt-in: the one text that asks the client to confirm by replying YES."""
    return (
        f"{business}: Reply YES to confirm you want texts about your project. "
        "Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out."
    )


def help_answer(business: str, contact: str | None) -> str:
    reach = f"Reach us at {contact}." if contact else "Reply to this text to reach us."
    return (
        f"{business}: {reach} Msg frequency varies. Msg & data rates may apply. "
        "Reply STOP to opt out."
    )


# Staff-facing refusals and answers ---------------------------------------------------------

NOT_STAFF = "Only optdesk staff can do that. Ask an admin to add you to OPTDESK_STAFF."
STAFF_CANNOT_OPT_IN = (
    "Staff can't opt a number in: only the client can, by questionnaire or by texting START."
)
AWAITING_START = (
    "Thanks, we have your answer. This number was unsubscribed earlier (by a text, "
    "by your carrier or at your request), so it stays unsubscribed until you "
    "text START to {sender}."
)


def refusal_never_opted_in(e164: str) -> str:
    return f"{e164} has not opted in (not subscribed)"


def refusal_opted_out(e164: str, source: str | None) -> str:
    how = {
        "sms_keyword": "by replying STOP",
        "questionnaire": "on the questionnaire",
        "staff": "by a staff member",
        "carrier": "at the carrier (error 21610)",
    }.get(source or "", "")
    return f"{e164} is opted out {how}".rstrip()


def refusal_awaiting_start(e164: str, source: str | None) -> str:
    return (
        f"{refusal_opted_out(e164, source)}; the carrier blocks texts to it until "
        "the client texts START"
    )


REFUSAL_OPT_OUT_CONFIRMATION = (
    "the opt-out confirmation may only go out once, within 5 minutes of the opt-out"
)
REFUSAL_ONE_OPT_IN_TEXT = (
    "an opt-in confirmation (or request) already went to this number in the last 24 hours"
)
REFUSAL_REQUEST_NOT_NEEDED = "the number is already opted in: no request to confirm is needed"
REFUSAL_REQUEST_CLOSED = "the request to confirm by replying YES was answered, replaced or expired"
WAIT_QUIET_HOURS = "quiet hours: automated texts go out between 08:00 and 21:00 local time"
REFUSAL_NO_DAYTIME = "quiet hours: no hour is daytime in all of this number's time zones"


# The questionnaire pages (webhooks) ---------------------------------------------------------

PAGE_HEADING = "Text message updates"
PAGE_GREETING = "Hi {name}!"
PAGE_OPTIONAL = "This question is optional: you can also send the form without answering."
PAGE_PHONE_HINT = "We'll text this number once to confirm."
PAGE_PHONE_NO_JS_HINT = "Only needed if you choose Yes."
PAGE_CHOOSE = "Please choose Yes or No."

# (title, text) of the thank-you page, by outcome of the answer.
THANKS: dict[str, tuple[str, str]] = {
    "opted_in": (
        "You're subscribed",
        "Thank you! {business} can now text you at {phone}. A confirmation text is on its "
        "way. Reply STOP to any text to stop them.",
    ),
    "already_opted_in": (
        "You're subscribed",
        "Thank you! {business} can text you at {phone}. You were already subscribed, so "
        "there is no new confirmation text. Reply STOP to any text to stop them.",
    ),
    "awaiting_start": ("One more step", AWAITING_START),
    "awaiting_start_no_sender": (
        "One more step",
        "Thanks, we have your answer. This number was unsubscribed earlier (by a text, "
        "by your carrier or at your request), so it stays unsubscribed until you reply "
        "START to the last text you got from {business}.",
    ),
    "opted_in_no_text": (
        "You're subscribed",
        "Thank you! {business} can now text you at {phone}. We texted you a confirmation "
        "recently, so there is no new one. Reply STOP to any text to stop them.",
    ),
    "confirm_by_text": (
        "One more step",
        "Thank you! We've texted {phone}: reply YES to that text to confirm, and "
        "{business} can text you from then on. Reply STOP to any text to stop them.",
    ),
    "confirm_by_text_no_text": (
        "One more step",
        "Thank you! Please reply YES to the text we sent to {phone} earlier to confirm, "
        "and {business} can text you from then on.",
    ),
    "opted_out": (
        "You won't get texts",
        "Got it: {business} won't send you text messages. "
        "If you change your mind, open this link again and choose Yes.",
    ),
    "no_answer": (
        "Thank you",
        "Nothing has changed. You can come back to this link and answer until {expires}.",
    ),
}


def link_used(last_two: str, business: str) -> str:
    return (
        f"This link was already used for the number ending in {last_two}. To sign up "
        f"another number, please ask {business} for a new link."
    )


# A Yes with a number on file for another contact: says nothing about that contact.
NUMBER_TAKEN = (
    "We can't sign up this number with this link. Please check the number, or ask "
    "{business} for help."
)

# (title, explanation) for each friendly error page, by cause.
PROBLEM_PAGES: dict[str, tuple[str, str]] = {
    "link_not_found": (
        "This link doesn't work",
        "Please check that you opened the whole link from your message, "
        "or ask {business} to send you a new one.",
    ),
    "link_expired": (
        "This link has expired",
        "Links stay open for a limited time. Ask {business} to send you a new one.",
    ),
    "csrf": (
        "Please try again",
        "This page was open for a long time, or your browser didn't keep a cookie we need. "
        "Nothing was changed. Reload the page and answer again.",
    ),
    "not_found": ("Page not found", "There is nothing at this address."),
    "unavailable": (
        "Please try again in a moment",
        "We can't save answers right now. Nothing was changed. Please try again shortly.",
    ),
    "forbidden": ("Not allowed", "This request was refused. Nothing was changed."),
    "too_large": ("That was too much", "What your browser sent is larger than we accept."),
    "bad_request": (
        "Something wasn't right",
        "We couldn't read what your browser sent. Nothing was changed. "
        "Please go back and try again.",
    ),
    "error": (
        "Something went wrong on our side",
        "Nothing was changed. Please try again in a minute.",
    ),
}

# Why Twilio refused a text (staff read these in delivery notes) ----------------------------

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
