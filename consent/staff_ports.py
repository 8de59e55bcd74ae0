"""Ports for the staff tools: contact renames and the texts waiting to go out.

Kept beside `consent.ports` (which re-exports them) so that module stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from consent.records import NewOptOut, Rename, WaitingRow


class RenameRepo(Protocol):
    def add(self, contact_id: int, old: str, new: str, actor: str, at: datetime) -> Rename: ...
    def for_contact(self, contact_id: int) -> list[Rename]:
        """The contact's renames, oldest first."""
        ...


class WaitingRepo(Protocol):
    def waiting(self, kinds: Sequence[str], contact_id: int | None = None) -> list[WaitingRow]:
        """SMS rows of these kinds (SendKind) not claimed for sending yet, soonest first."""
        ...

    def cancel(self, message_ids: Sequence[int], reason: str) -> list[int]:
        """Cancel those still waiting (never one claimed for sending): the ids cancelled."""
        ...

    def batch_of(self, message_id: int) -> int | None: ...


class OptOutImport(Protocol):
    def add_opted_out(self, rows: Sequence[NewOptOut], at: datetime) -> None:
        """Numbers not on file, each with a contact, its `opted out` event, then its row."""
        ...
