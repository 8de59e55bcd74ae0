"""Every sentence a client or a staff member reads, in one place to review.

Client texts carry the business name so the recipient knows who writes;
the disclaimer is versioned and fixed: staff can't change it, only the
business name is filled in, and the exact words shown go into the evidence.
"""

from __future__ import annotations

from consent import messages_es as es
from consent.language import Language

EN, ES = Language.EN, Language.ES
DISCLAIMER_VERSION = "2026-11-01"
DISCLAIMER = (
    "By choosing Yes and giving your mobile number, you agree to receive text messages "
    "from {business} about your bookings and projects, such as scheduling, updates and "
    "questions. Consent is not a condition of purchase. Msg frequency varies. "
    "Msg & data rates may apply. Reply HELP for help, STOP to opt out at any time."
)
QUESTION = "May {business} send you text messages about your project?"
# Each language's disclaimer is its own fixed text with its own version (the evidence
# keeps the language, the version and the exact words shown).
DISCLAIMER_VERSIONS = {EN: DISCLAIMER_VERSION, ES: es.DISCLAIMER_VERSION}


def disclaimer(business: str, lang: Language = EN) -> str:
    return (es.DISCLAIMER if lang is ES else DISCLAIMER).format(business=business)


def question(business: str, lang: Language = EN) -> str:
    return (es.QUESTION if lang is ES else QUESTION).format(business=business)


def opt_in_confirmation(business: str, lang: Language = EN) -> str:
    if lang is ES:
        return es.opt_in_confirmation(business)
    return (
        f"{business}: You're subscribed to texts about your project. Msg frequency varies. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )


def opt_out_confirmation(business: str, lang: Language = EN) -> str:
    if lang is ES:
        return es.opt_out_confirmation(business)
    return (
        f"{business}: You're unsubscribed and will get no more texts from us. "
        "Reply START to subscribe again."
    )


def resubscribe_confirmation(business: str, lang: Language = EN) -> str:
    if lang is ES:
        return es.resubscribe_confirmation(business)
    return (
        f"{business}: You're subscribed again. Msg frequency varies. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."
    )


def opt_in_request(business: str, lang: Language = EN) -> str:
    """Double opt-in: the one text that asks the client to confirm by replying YES."""
    if lang is ES:
        return es.opt_in_request(business)
    return (
        f"{business}: Reply YES to confirm you want texts about your project. "
        "Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out."
    )


def help_answer(business: str, contact: str | None, lang: Language = EN) -> str:
    if lang is ES:
        return es.help_answer(business, contact)
    reach = f"Reach us at {contact}." if contact else "Reply to this text to reach us."
    return (
        f"{business}: {reach} Msg frequency varies. Msg & data rates may apply. "
        "Reply STOP to opt out."
    )


CHOOSE = {EN: "Please choose Yes or No.", ES: "Por favor, elija Sí o No."}


# Staff-facing refusals and answers ---------------------------------------------------------

NOT_STAFF = "Only optdesk staff can do that. Ask an admin to add you to OPTDESK_STAFF."
STAFF_CANNOT_OPT_IN = (
    "Staff can't opt a number in: only the client can, by questionnaire or by texting START."
)
AWAITING_START_ES = es.AWAITING_START
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
        "carrier": "at the carrier (the number unsubscribed there)",
        "import": "on an imported opt-out list",
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


def link_used(last_two: str, business: str, lang: Language = EN) -> str:
    if lang is ES:
        return es.link_used(last_two, business)
    return (
        f"This link was already used for the number ending in {last_two}. To sign up "
        f"another number, please ask {business} for a new link."
    )
