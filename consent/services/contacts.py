"""Finding contacts by name, email or number, the way staff type them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consent.errors import Ambiguous, InvalidInput, InvalidPhone, NotFound
from consent.language import Language
from consent.model import Contact, NumberState, Status
from consent.phones import display_phone, is_phone_like, parse_phone
from consent.ports import UnitOfWork
from consent.services.context import Desk

_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[^@\s<>.]{2,63}$")
MAX_NAME = 100
MAX_PREFIX_MATCHES = 20  # listed when a prefix is not unique


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("Give the contact's name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"Names are at most {MAX_NAME} characters.")
    return cleaned


def clean_email(email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email} doesn't look like an email address.")
    return email


def find_or_create(
    desk: Desk, uow: UnitOfWork, name: str, *, email: str | None, phone: str | None
) -> tuple[Contact, bool]:
    """The contact staff mean by this name (and email/phone), created when new."""
    name = clean_name(name)
    email = clean_email(email) if email else None
    e164 = parse_phone(phone, desk.config.default_region) if phone else None
    matches = uow.contacts.find(name)
    if email:
        matches = [c for c in matches if c.email in (None, email)] or [
            c for c in uow.contacts.find(email) if c.name.casefold() == name.casefold()
        ]
    if len(matches) > 1:
        raise Ambiguous(
            f'Several contacts are called "{name}": add --email to say which.',
            [label(uow, c) for c in matches],
        )
    created = not matches
    contact = matches[0] if matches else uow.contacts.add(name, email, None)
    if email and contact.email is None:
        uow.contacts.set_email(contact.id, email)
    if e164 is not None and uow.numbers.get(e164) is None:
        uow.numbers.add(e164, contact.id)
    return contact, created


def label(uow: UnitOfWork, contact: Contact) -> str:
    numbers = ", ".join(display_phone(n.e164) for n in uow.numbers.for_contact(contact.id))
    extra = " · ".join(x for x in (contact.email, numbers) if x)
    return f"{contact.name} ({extra})" if extra else contact.name


@dataclass(frozen=True)
class Target:
    """Who a staff command means: a contact and the numbers it concerns."""

    contact: Contact
    numbers: list[NumberState]
    phone: str | None = None  # set when staff typed a number


def resolve(desk: Desk, uow: UnitOfWork, who: str) -> Target:
    """Find a contact by number, email or name, else by a unique name prefix; NotFound or
    Ambiguous otherwise."""
    who = who.strip()
    if not who:
        raise InvalidInput("Say who: a name, an email or a phone number.")
    if is_phone_like(who):
        e164 = parse_phone(who, desk.config.default_region)
        state = uow.numbers.get(e164)
        contact = uow.contacts.get(state.contact_id) if state else None
        if state is None or contact is None:
            raise NotFound(f"{display_phone(e164)} is not on file: it has never opted in.")
        return Target(contact, [state], e164)
    matches = search(uow, who)
    if not matches:
        raise NotFound(f'No contact called "{who}". Issue a link with /sms link first.')
    if len(matches) > 1:
        raise Ambiguous(
            f'Several contacts match "{who}": use their email or phone number instead.',
            [label(uow, c) for c in matches],
        )
    contact = matches[0]
    return Target(contact, uow.numbers.for_contact(contact.id))


def search(uow: UnitOfWork, query: str, limit: int = MAX_PREFIX_MATCHES) -> list[Contact]:
    """Contacts staff mean by `query`: an exact name or email wins; otherwise those whose
    name starts with it, case aside ("ann" finds "Ann Lee"). Staff type short names."""
    return uow.contacts.find(query) or uow.contacts.find_prefix(query, limit)


def find_all(desk: Desk, uow: UnitOfWork, query: str, limit: int) -> list[Contact]:
    """Every contact `query` may mean, by the rule `resolve` uses (a number, an exact
    name or email, else the start of a name): the App Home search box lists them all."""
    query = query.strip()
    if not query:
        return []
    if is_phone_like(query):
        try:
            state = uow.numbers.get(parse_phone(query, desk.config.default_region))
        except InvalidPhone:
            return []
        contact = uow.contacts.get(state.contact_id) if state else None
        return [contact] if contact else []
    return search(uow, query, limit)


def best_number(target: Target) -> NumberState | None:
    """The number a text to this contact goes to: the typed one, else the newest opt-in."""
    if target.phone is not None:
        return target.numbers[0]
    opted_in = [n for n in target.numbers if n.status is Status.OPTED_IN]
    pool = opted_in or target.numbers
    return max(pool, key=lambda n: (n.changed_at is not None, n.changed_at, n.id), default=None)


def language_of_contact(uow: UnitOfWork, contact_id: int, known: Language | None) -> Language:
    """The language the app writes a contact in (`known` when the caller has it)."""
    if known is not None:
        return known
    contact = uow.contacts.get(contact_id)
    return contact.language if contact else Language.EN
