"""The status page (Slack's App Home): counts and a filtered, paged list of contacts.

Also the contact-by-id actions behind its buttons: a button names one exact contact,
so it must never go through a name lookup that could match somebody else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from consent.errors import InvalidInput, NotFound
from consent.model import Contact, NumberState, Project, Status
from consent.ports import UnitOfWork
from consent.records import Message
from consent.services.contacts import Target, best_number, find_all
from consent.services.context import Desk
from consent.services.queries import PENDING, ContactView, Counts, view_of
from consent.services.staff import OptedOut, opt_out_target

PAGE_SIZE = 20
MAX_SEARCH = 100
MAX_FOUND = 200  # contacts a search lists at most (then: type more of the name)
FILTERS = (str(Status.OPTED_IN), str(Status.OPTED_OUT), str(Status.NOT_SUBSCRIBED), PENDING)


@dataclass(frozen=True)
class HomeFilter:
    """What one person is looking at: a status (or "pending"), a project, a page."""

    status: str | None = None
    project_id: int | None = None
    page: int = 0
    search: str | None = None  # the search box: the rule `/sms` finds contacts by

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in FILTERS:
            raise InvalidInput(f'"{self.status}" is not a status.')
        if self.page < 0:
            raise InvalidInput("Pages start at 0.")
        if self.search is not None and len(self.search) > MAX_SEARCH:
            raise InvalidInput(f"Searches are at most {MAX_SEARCH} characters.")


@dataclass(frozen=True)
class HomeRow:
    contact: Contact
    numbers: list[NumberState]
    pending: bool
    last: Message | None
    project: str | None


@dataclass(frozen=True)
class HomePage:
    counts: Counts
    rows: list[HomeRow]
    filter: HomeFilter
    has_next: bool
    contacts: int  # contacts on file, whatever the filter
    projects: list[Project] = field(default_factory=list)


def home_page(desk: Desk, wanted: HomeFilter, *, page_size: int = PAGE_SIZE) -> HomePage:
    """Counts by status, and one page of contacts with numbers, statuses and last message."""
    now = desk.clock.now()
    with desk.uow(write=False) as uow:
        counts = Counts(uow.numbers.counts(), uow.links.pending_count(now))
        offset = wanted.page * page_size
        if wanted.search:
            found = _searched(desk, uow, wanted, now)
            contacts = found[offset : offset + page_size + 1]
        elif wanted.status == PENDING:  # about links and requests, not numbers
            contacts = uow.contacts.pending_page(offset, page_size + 1, wanted.project_id, now)
        else:
            status = Status(wanted.status) if wanted.status else None
            contacts = uow.contacts.page(offset, page_size + 1, status, wanted.project_id)
        has_next = len(contacts) > page_size
        contacts = contacts[:page_size]
        pending = uow.links.pending_among([c.id for c in contacts], now)
        projects = uow.projects.all()
        rows = _rows(uow, contacts, pending, {p.id: p.name for p in projects})
        return HomePage(counts, rows, wanted, has_next, uow.contacts.count(), projects)


def _searched(desk: Desk, uow: UnitOfWork, wanted: HomeFilter, now: datetime) -> list[Contact]:
    """The contacts the search box finds (as `/sms` would), then the filters applied."""
    found = find_all(desk, uow, wanted.search or "", MAX_FOUND)
    found = [c for c in found if wanted.project_id in (None, c.project_id)]
    if wanted.status == PENDING:
        pending = uow.links.pending_among([c.id for c in found], now)
        found = [c for c in found if c.id in pending]
    elif wanted.status is not None:
        having = {
            n.contact_id
            for n in uow.numbers.for_contacts([c.id for c in found])
            if str(n.status) == wanted.status
        }
        found = [c for c in found if c.id in having]
    return found


def _rows(
    uow: UnitOfWork, contacts: list[Contact], pending: set[int], projects: dict[int, str]
) -> list[HomeRow]:
    ids = [c.id for c in contacts]
    numbers: dict[int, list[NumberState]] = {i: [] for i in ids}
    for state in uow.numbers.for_contacts(ids):
        numbers.setdefault(state.contact_id, []).append(state)
    latest = uow.messages.latest_for_contacts(ids)
    return [
        HomeRow(
            c,
            numbers[c.id],
            c.id in pending,
            latest.get(c.id),
            projects.get(c.project_id) if c.project_id else None,
        )
        for c in contacts
    ]


def _contact(uow: UnitOfWork, contact_id: int) -> Contact:
    contact = uow.contacts.get(contact_id)
    if contact is None:
        raise NotFound("That contact is no longer on file.")
    return contact


def view_contact(desk: Desk, contact_id: int, *, messages: int = 20) -> ContactView:
    """One contact (by id) with numbers, statuses, consent history and latest messages."""
    with desk.uow(write=False) as uow:
        return view_of(uow, _contact(uow, contact_id), desk.clock.now(), messages)


def phone_for_contact(desk: Desk, contact_id: int) -> str:
    """The number a text to this contact goes to (E.164): what send_text would pick."""
    with desk.uow(write=False) as uow:
        contact = _contact(uow, contact_id)
        state = best_number(Target(contact, uow.numbers.for_contact(contact.id)))
    if state is None:
        raise NotFound(f"{contact.name} has no phone number on file: send them a link first.")
    return state.e164


def move_contact(desk: Desk, contact_id: int, project_id: int | None) -> tuple[Contact, str | None]:
    """Put a contact (by id) in a project, or in none; returns the project's name."""
    with desk.uow() as uow:
        contact = _contact(uow, contact_id)
        project = uow.projects.get(project_id) if project_id is not None else None
        if project_id is not None and project is None:
            raise NotFound("That project is no longer on file.")
        uow.contacts.set_project(contact.id, project_id)
        uow.commit()
    return contact, project.name if project else None


def opt_out_contact(desk: Desk, contact_id: int, reason: str, *, actor: str) -> OptedOut:
    """Opt every number of one contact (by id) out, each by its exact E.164, in one
    transaction: a failure half-way leaves every number as it was."""
    with desk.uow() as uow:
        contact = _contact(uow, contact_id)
        target = Target(contact, uow.numbers.for_contact(contact.id))
        result = opt_out_target(uow, target, reason, actor, desk.clock.now())
        uow.commit()
    return result
