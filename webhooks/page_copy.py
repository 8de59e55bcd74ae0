"""The questionnaire pages' copy: what clients read in their browser."""

from __future__ import annotations

from consent.messages import AWAITING_START

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
