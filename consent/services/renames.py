"""Renaming a contact: contacts created by an inbound text start named by their number,
and staff give them a name. Names are how staff find contacts, so two contacts never
share one through a rename; every rename is kept (who, when, the name before)."""

from __future__ import annotations

from consent.errors import AlreadyDone, InvalidInput
from consent.phones import is_phone_like
from consent.records import Rename
from consent.services.contacts import clean_name, label, resolve
from consent.services.context import Desk


def rename_contact(desk: Desk, who: str, new_name: str, *, actor: str) -> Rename:
    """Give the contact `who` the name `new_name`, refused when another contact has it."""
    name = clean_name(new_name)
    if is_phone_like(name):
        raise InvalidInput(
            f'"{name}" looks like a phone number: give the contact a name people would say.'
        )
    with desk.uow() as uow:
        contact = resolve(desk, uow, who).contact
        if contact.name == name:
            raise AlreadyDone(f"{contact.name} is already called that: nothing changed.")
        key = name.casefold()
        taken = [
            c
            for c in uow.contacts.find(name)
            if c.id != contact.id and " ".join(c.name.split()).casefold() == key
        ]
        if taken:
            raise InvalidInput(
                f'Another contact is already called "{name}": {label(uow, taken[0])}. '
                "Contacts are found by name, so pick a name no one else has "
                "(add a surname or an initial)."
            )
        uow.contacts.rename(contact.id, name)
        record = uow.renames.add(contact.id, contact.name, name, actor, desk.clock.now())
        uow.commit()
    return record
