"""The status page's search box: contacts whose name, email or number matches what was typed.

Matching is a case-insensitive part of the name or email, or the same number (typed any
way the phone rules read it). It reads contacts page by page, up to `MAX_SCANNED`: the
status page is for a small business's list, and a search stays bounded whatever its size.
"""

from __future__ import annotations

from consent.errors import InvalidPhone
from consent.model import Contact
from consent.phones import parse_phone
from consent.services.context import Desk
from consent.services.home import PAGE_SIZE, HomeFilter, HomePage, _rows
from consent.services.queries import Counts

MAX_SCANNED = 5000
MAX_QUERY = 100
_BATCH = 500


def _number_of(query: str, region: str) -> str | None:
    if sum(ch.isdigit() for ch in query) < 3:
        return None
    try:
        return parse_phone(query, region)
    except InvalidPhone:
        return None


def search_page(desk: Desk, query: str, *, page_size: int = PAGE_SIZE) -> HomePage:
    """Counts, and the first `page_size` contacts matching `query` (by name)."""
    wanted = " ".join(query.split())[:MAX_QUERY].casefold()
    e164 = _number_of(query, desk.config.default_region)
    now = desk.clock.now()
    with desk.uow(write=False) as uow:
        counts = Counts(uow.numbers.counts(), uow.links.pending_count(now))
        found: dict[int, Contact] = {}
        if e164 is not None:
            state = uow.numbers.get(e164)
            contact = uow.contacts.get(state.contact_id) if state else None
            if contact is not None:
                found[contact.id] = contact
        for offset in range(0, MAX_SCANNED, _BATCH):
            batch = uow.contacts.page(offset, _BATCH, None, None)
            for c in batch:
                if wanted and (wanted in c.name.casefold() or wanted in (c.email or "").casefold()):
                    found.setdefault(c.id, c)
            if len(batch) < _BATCH or len(found) > page_size:
                break
        contacts = sorted(found.values(), key=lambda c: (c.name.casefold(), c.id))
        has_next = len(contacts) > page_size
        contacts = contacts[:page_size]
        pending = uow.links.pending_among([c.id for c in contacts], now)
        projects = uow.projects.all()
        rows = _rows(uow, contacts, pending, {p.id: p.name for p in projects})
        return HomePage(counts, rows, HomeFilter(), has_next, uow.contacts.count(), projects)
