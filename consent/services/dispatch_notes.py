"""The dispatcher's Slack notes: a pass's notes posted in order, settled together.

A storm of STOPs queues one note each. Settling each note in its own transaction cost a
commit per note (on PostgreSQL a WAL flush each, as dear as the STOP's own group commit)
and two hops to a worker thread, on the loop that also answers the webhooks. Here a
pass reads where every note goes in one transaction, posts the notes one by one (in
order: a contact's first note starts the thread its later notes go into, in this pass
too), and writes every outcome in one transaction.

A crash between a post and that last transaction leaves the rows leased; they come back
when the lease runs out, and the notifier finds each earlier post by its note id
instead of posting it again (bot/notifier.py), in the thread the pass had started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from consent.notes import Note, note_from_payload
from consent.records import OutboxItem
from consent.senders import Notifier, NotifyError
from consent.services.context import Desk
from consent.services.retries import HANDED_BACK, MAX_ATTEMPTS, backoff


@dataclass(frozen=True)
class Place:
    """Where a contact's notes go: its channel, its thread there (if started), its name."""

    channel: str
    thread: str | None
    name: str


@dataclass(frozen=True)
class Outcome:
    item: OutboxItem
    error: str | None = None  # None: posted
    started: tuple[str, int, str] | None = None  # (channel, contact, ts) of a new thread
    later: bool = False  # not reached in this pass: handed back, due at once


def places_for(desk: Desk, contact_ids: set[int]) -> dict[int, Place]:
    """Where each contact's notes go (project channel or the notify channel), in one read."""
    default = desk.config.notify_channel or ""
    with desk.uow(write=False) as uow:
        found = uow.threads.places(sorted(contact_ids), default)
    # A contact not found (none is ever deleted) has no project and no thread.
    return {
        contact_id: Place(*found.get(contact_id, (default, None, ""))) for contact_id in contact_ids
    }


async def post_notes(
    notifier: Notifier,
    items: list[tuple[OutboxItem, Note]],
    places: dict[int, Place],
    until: datetime,
    now: Callable[[], datetime],
) -> list[Outcome]:
    """Post each note in order; a note not reached before `until` is handed back."""
    outcomes: list[Outcome] = []
    for item, stored in items:
        if now() >= until:
            outcomes.append(Outcome(item, later=True))
            continue
        place = places.get(stored.contact_id) or Place("", None, "")
        note = replace(stored, contact=stored.contact or place.name)
        try:
            # note_id is the same on every attempt: a retry finds an earlier post
            ts = await notifier.post(
                place.channel, place.thread, note, note_id=item.id, attempt=item.attempts
            )
        except NotifyError as err:
            outcomes.append(Outcome(item, error=str(err)))
            continue
        started = None
        if place.thread is None and place.channel and ts and note.contact_id:
            started = (place.channel, note.contact_id, ts)
            places[note.contact_id] = replace(place, thread=ts)  # its later notes go there
        outcomes.append(Outcome(item, started=started))
    return outcomes


def settle_notes(desk: Desk, outcomes: list[Outcome]) -> None:
    """Every outcome of a pass in one transaction: new threads recorded, rows done,
    failed ones due again after their backoff (or given up on), unreached ones due now."""
    now = desk.clock.now()
    with desk.uow() as uow:
        for outcome in outcomes:
            item = outcome.item
            if outcome.later:
                uow.outbox.retry(item.id, now, HANDED_BACK)
            elif outcome.error is None:
                if outcome.started is not None:
                    uow.threads.put(*outcome.started)
                uow.outbox.done(item.id)
            elif item.attempts >= MAX_ATTEMPTS:
                uow.outbox.fail(item.id, outcome.error)
            else:
                uow.outbox.retry(item.id, now + backoff(item.attempts), outcome.error)
        uow.commit()


def stored_notes(items: list[OutboxItem]) -> list[tuple[OutboxItem, Note]]:
    return [(item, note_from_payload(item.payload)) for item in items]  # stored as JSON
