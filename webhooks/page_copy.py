"""The questionnaire pages' copy: what clients read in their browser, in each language.

English and Spanish say the same things; the Spanish is the formal "usted" a business
writes to its clients. The question and the fixed disclaimer are consent texts and live
in consent/messages.py (each language with its own version).
"""

from __future__ import annotations

from dataclasses import dataclass

from consent.language import Language
from consent.messages import AWAITING_START
from consent.phones import REASONS
from webhooks.page_copy_es import (
    MONTHS_ES,
    PROBLEM_PAGES_ES,
    REASONS_ES,
    RELOAD_ES,
    THANKS_ES,
)

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


@dataclass(frozen=True)
class PageCopy:
    """Every word of the questionnaire and thank-you pages, in one language."""

    heading: str
    greeting: str
    optional: str
    yes: str
    no: str
    phone_label: str
    phone_hint: str
    no_js_hint: str
    choose: str
    send: str
    switch_label: str  # names the language switch for screen readers
    number_taken: str
    thanks: dict[str, tuple[str, str]]
    text_start: str  # the button: "Text START to <number>"
    close: str
    reasons: dict[str, str]
    date: str  # how a date reads: {month} {day} {year}
    months: tuple[str, ...]


COPY: dict[Language, PageCopy] = {
    Language.EN: PageCopy(
        PAGE_HEADING,
        PAGE_GREETING,
        PAGE_OPTIONAL,
        "Yes",
        "No",
        "Mobile number",
        PAGE_PHONE_HINT,
        PAGE_PHONE_NO_JS_HINT,
        PAGE_CHOOSE,
        "Send my answer",
        "Language",
        "We can't sign up this number with this link. Please check the number, or ask "
        "{business} for help.",
        THANKS,
        "Text START to {number}",
        "You can close this page.",
        REASONS,
        "{month} {day}, {year}",
        tuple(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
        ),
    ),
    Language.ES: PageCopy(
        "Avisos por mensaje de texto",
        "¡Hola, {name}!",
        "Esta pregunta es opcional: también puede enviar el formulario sin responder.",
        "Sí",
        "No",
        "Número de celular",
        "Le enviaremos un texto a este número para confirmar.",
        "Solo hace falta si elige Sí.",
        "Por favor, elija Sí o No.",
        "Enviar mi respuesta",
        "Idioma",
        "No podemos inscribir este número con este enlace. Revise el número o pida ayuda "
        "a {business}.",
        THANKS_ES,
        "Enviar START al {number}",
        "Ya puede cerrar esta página.",
        REASONS_ES,
        "{day} de {month} de {year}",
        MONTHS_ES,
    ),
}
# A Yes with a number on file for another contact: says nothing about that contact.
NUMBER_TAKEN = COPY[Language.EN].number_taken

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

# Each language's error pages, and the words of their reload button.
PROBLEMS: dict[Language, tuple[dict[str, tuple[str, str]], str]] = {
    Language.EN: (PROBLEM_PAGES, "Reload the page"),
    Language.ES: (PROBLEM_PAGES_ES, RELOAD_ES),
}
