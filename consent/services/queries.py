"""Read-only views: counts, one contact's story, the ledger's health, exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from consent.audit import audit
from consent.model import ChainReport, ConsentEvent, Contact, NumberState, Status
from consent.phones import display_phone
from consent.ports import UnitOfWork
from consent.records import Message, Rename
from consent.services.contacts import resolve
from consent.services.context import Desk

PENDING = "pending"


@dataclass(frozen=True)
class Counts:
    by_status: dict[Status, int]
    pending: int


def counts(desk: Desk) -> Counts:
    now = desk.clock.now()
    with desk.uow(write=False) as uow:
        return Counts(uow.numbers.counts(), uow.links.pending_count(now))


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    numbers: list[NumberState]
    pending: bool
    events: list[ConsentEvent]
    messages: list[Message]
    project: str | None
    renames: list[Rename] = field(default_factory=list)  # oldest first


def contact_view(desk: Desk, who: str, *, messages: int = 20) -> ContactView:
    """One contact's numbers, statuses, consent history and latest messages."""
    with desk.uow(write=False) as uow:
        return view_of(uow, resolve(desk, uow, who).contact, desk.clock.now(), messages)


def view_of(uow: UnitOfWork, contact: Contact, now: datetime, messages: int) -> ContactView:
    """Everything about one contact that staff read, in one unit of work."""
    project = uow.projects.get(contact.project_id) if contact.project_id else None
    return ContactView(
        contact,
        uow.numbers.for_contact(contact.id),
        bool(uow.links.pending_among([contact.id], now)),
        uow.ledger.for_contact(contact.id),
        uow.messages.for_contact(contact.id, messages),
        project.name if project else None,
        uow.renames.for_contact(contact.id),
    )


def verify_ledger(desk: Desk) -> ChainReport:
    """The chain, its recorded head and every number's status, read in one snapshot."""
    with desk.uow(write=False) as uow:
        head = uow.ledger.head()
        numbers = (state for state, _name in uow.numbers.export())
        return audit(uow.ledger.all(), head, numbers)


def consent_rows(desk: Desk) -> Iterator[tuple[str, str, str, str, str]]:
    """One row per number: phone, contact, status, changed_at (ISO 8601 UTC), source."""
    with desk.uow(write=False) as uow:
        for state, contact in uow.numbers.export():
            changed = (
                state.changed_at.isoformat().replace("+00:00", "Z") if state.changed_at else ""
            )
            yield state.e164, contact, str(state.status), changed, str(state.source or "")


def event_rows(desk: Desk) -> Iterator[ConsentEvent]:
    with desk.uow(write=False) as uow:
        yield from uow.ledger.all()


@dataclass(frozen=True)
class PhoneView:
    e164: str
    shown: str
    contact: str
    status: str
    texts: list[Message] = field(default_factory=list)


def phone_book(desk: Desk, limit: int = 50) -> list[PhoneView]:
    """Numbers on file with their conversation, oldest text first (read-only)."""
    with desk.uow(write=False) as uow:
        contacts = uow.contacts.page(0, limit, None, None)
        names = {c.id: c.name for c in contacts}
        texts = {c.id: uow.messages.for_contact(c.id, 50) for c in contacts}
        numbers = uow.numbers.for_contacts(list(names))
    views = []
    for n in numbers:
        mine = [m for m in texts.get(n.contact_id, []) if m.e164 == n.e164]
        mine.sort(key=lambda m: (m.created_at, m.id))
        shown = display_phone(n.e164)
        views.append(PhoneView(n.e164, shown, names.get(n.contact_id, ""), str(n.status), mine))
    return views
