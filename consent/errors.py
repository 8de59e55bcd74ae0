"""Domain errors: each edge maps them to its own answer once."""

from __future__ import annotations


class ConsentError(Exception):
    """Base for every error the consent core raises on purpose."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidPhone(ConsentError):
    """A typed phone number that cannot be turned into a valid E.164 number; `key` names
    the reason (consent.phones.REASONS) so a page can say it in the reader's language."""

    def __init__(self, reason: str, key: str = "", number: str = "") -> None:
        super().__init__(reason)
        self.key, self.number = key, number


class NotFound(ConsentError):
    """A contact, number, link or project that does not exist."""


class Ambiguous(ConsentError):
    """A name that matches several contacts; `choices` lists them."""

    def __init__(self, reason: str, choices: list[str]) -> None:
        super().__init__(reason)
        self.choices = choices


class LinkExpired(ConsentError):
    """A questionnaire link past its expiry."""


class Forbidden(ConsentError):
    """A staff action the user may not take (not staff, or an opt-in by staff)."""


class InvalidInput(ConsentError):
    """Anything else malformed; the reason is shown to the user as is."""


class AlreadyDone(ConsentError):
    """The same request (a retried event, a second click) was already carried out once."""


class Unavailable(ConsentError):
    """The database (or another dependency) cannot be reached right now: try again later."""
