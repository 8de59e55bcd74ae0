"""Ports: what the consent core needs from the outside world, as Protocols.

Storage implements the unit of work and its repositories; webhooks implements
the SMS gateway; bot implements the notifier. Tests use the real storage on
SQLite/PostgreSQL and fake Twilio/Slack servers behind the real adapters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from consent.language import Language
from consent.model import (
    ConsentEvent,
    Contact,
    EventDraft,
    NumberState,
    SendKind,
    Source,
    Status,
)
from consent.records import (
    InboundSms,
    Link,
    Message,
    OptInRequest,
    OutboundDraft,
    OutboxItem,
    OutboxKind,
)
from consent.staff_ports import OptOutImport as OptOutImport
from consent.staff_ports import ProjectRepo as ProjectRepo
from consent.staff_ports import RenameRepo as RenameRepo
from consent.staff_ports import ThreadRepo as ThreadRepo
from consent.staff_ports import WaitingRepo as WaitingRepo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class ContactRepo(Protocol):
    def get(self, contact_id: int) -> Contact | None: ...
    def find(self, query: str) -> list[Contact]:
        """Contacts whose name (case-insensitive) or email equals `query`."""
        ...

    def find_prefix(self, query: str, limit: int) -> list[Contact]:
        """Up to `limit` contacts whose name starts with `query` (case-insensitive)."""
        ...

    def rename(self, contact_id: int, name: str) -> None: ...
    def add(self, name: str, email: str | None, project_id: int | None) -> Contact: ...
    def set_project(self, contact_id: int, project_id: int | None) -> None: ...
    def set_email(self, contact_id: int, email: str) -> None: ...
    def set_language(self, contact_id: int, language: Language) -> None: ...
    def page(
        self, offset: int, limit: int, status: Status | None, project_id: int | None
    ) -> list[Contact]: ...
    def pending_page(
        self, offset: int, limit: int, project_id: int | None, now: datetime
    ) -> list[Contact]:
        """Contacts by name with an unanswered, unexpired link or an open double opt-in
        request (what the status page calls pending)."""
        ...

    def count(self) -> int: ...


class NumberRepo(Protocol):
    def get(self, e164: str, *, lock: bool = False) -> NumberState | None: ...
    def get_many(self, e164s: Sequence[str], *, lock: bool = False) -> dict[str, NumberState]:
        """The numbers among `e164s` that exist, by number, in one query; `lock` as `get`."""
        ...

    def add_with_contacts(self, names_by_e164: Mapping[str, str]) -> dict[str, NumberState]:
        """New numbers, each with a new contact of the given name (a few statements for all)."""
        ...

    def by_id(self, number_id: int) -> NumberState | None: ...
    def for_contact(self, contact_id: int) -> list[NumberState]: ...
    def for_contacts(self, contact_ids: Sequence[int]) -> list[NumberState]: ...
    def add(self, e164: str, contact_id: int) -> NumberState: ...
    def set_status(
        self, number_id: int, status: Status, source: Source, at: datetime, awaiting_start: bool
    ) -> None: ...
    def set_awaiting_start(self, number_id: int, awaiting: bool) -> None: ...
    def counts(self) -> dict[Status, int]: ...
    def reassign(self, number_id: int, contact_id: int) -> None: ...
    def export(self) -> Iterator[tuple[NumberState, str]]:
        """Every number with its contact's name, ordered by number."""
        ...

    def for_project(self, project_id: int) -> list[NumberState]: ...


class Ledger(Protocol):
    def append(self, draft: EventDraft, at: datetime) -> ConsentEvent:
        """Chain a new event after the newest one (serialised across processes)."""
        ...

    def head(self) -> tuple[int, str]:
        """The (seq, hash) the database records as the newest event."""
        ...

    def for_contact(self, contact_id: int) -> list[ConsentEvent]: ...
    def all(self) -> Iterator[ConsentEvent]: ...


class LinkRepo(Protocol):
    def add(
        self,
        token_hash: str,
        contact_id: int,
        required: bool,
        expires_at: datetime,
        by: str,
        language: Language | None = None,
    ) -> Link: ...
    def get(self, token_hash: str) -> Link | None: ...
    def mark_answered(self, link_id: int, at: datetime) -> None: ...
    def bind(self, link_id: int, e164: str) -> None:
        """The link opted `e164` in: from now on it is that number's client's link."""
        ...

    def pending_contacts(self, now: datetime) -> set[int]: ...
    def pending_among(self, contact_ids: Sequence[int], now: datetime) -> set[int]:
        """Which of these contacts have an unanswered, unexpired link, or an open double
        opt-in request."""
        ...

    def pending_count(self, now: datetime) -> int: ...


class MessageRepo(Protocol):
    def add_inbound_many(
        self, items: Sequence[tuple[InboundSms, int]], at: datetime
    ) -> list[Message]:
        """Each inbound (text, contact id), received, in one statement, in order."""
        ...

    def add_outbound(self, draft: OutboundDraft, at: datetime) -> Message: ...
    def get(self, message_id: int) -> Message | None: ...
    def by_sid(self, sid: str) -> Message | None: ...
    def set_status(
        self, message_id: int, status: str, *, sid: str | None = None, error: str | None = None
    ) -> None: ...
    def for_contact(self, contact_id: int, limit: int) -> list[Message]: ...
    def outbound_to(self, e164: str, kinds: Sequence[SendKind], since: datetime) -> list[Message]:
        """Outbound texts of these kinds to `e164` created at or after `since`."""
        ...

    def latest_for_contacts(self, contact_ids: Sequence[int]) -> dict[int, Message]: ...
    def hold(self, message_id: int, until: datetime, reason: str) -> None: ...
    def mark_sending(self, message_id: int, at: datetime) -> None: ...
    def automated_to(self, e164: str, since: datetime) -> list[Message]:
        """Automated texts to `e164` sent, or due, at or after `since`, oldest first."""
        ...


class OptInRequestRepo(Protocol):
    def open(
        self,
        e164: str,
        contact_id: int,
        link_id: int,
        evidence: Mapping[str, str],
        at: datetime,
        expires_at: datetime,
    ) -> OptInRequest:
        """A new open request for `e164`; any other open one for it is closed."""
        ...

    def open_for(self, e164: str, now: datetime) -> OptInRequest | None:
        """The unanswered, unexpired request for `e164`, if any."""
        ...

    def close(self, e164s: Sequence[str], at: datetime) -> None:
        """Close the open requests of these numbers (answered or superseded)."""
        ...


class Idempotency(Protocol):
    def claim(self, key: str, at: datetime) -> bool:
        """Insert the key or do nothing; True only for the one caller that inserted it."""
        ...

    def claim_many(self, keys: Sequence[str], at: datetime) -> set[str]:
        """`claim` for several keys in one statement: the keys this call inserted."""
        ...


class Outbox(Protocol):
    def add(
        self,
        kind: OutboxKind,
        payload: Mapping[str, Any],
        due_at: datetime,
        message_id: int | None = None,
    ) -> None: ...
    def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[OutboxItem]:
        """Lease due rows to this caller; concurrent callers never get the same row."""
        ...

    def done(self, item_id: int) -> None: ...
    def retry(self, item_id: int, due_at: datetime, error: str) -> None: ...
    def fail(self, item_id: int, error: str) -> None: ...
    def pending_count(self) -> int: ...


class UnitOfWork(Protocol):
    """One transaction. Use cases commit once; repositories never commit."""

    contacts: ContactRepo
    numbers: NumberRepo
    ledger: Ledger
    links: LinkRepo
    requests: OptInRequestRepo
    messages: MessageRepo
    projects: ProjectRepo
    threads: ThreadRepo
    idempotency: Idempotency
    outbox: Outbox
    renames: RenameRepo
    waiting: WaitingRepo
    optout_import: OptOutImport

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True) -> UnitOfWork:
        """A new unit of work; `write` takes the write lock up front where that matters."""
        ...
