"""Ports for the staff tools: projects, Slack threads, contact renames, the texts
waiting to go out and opt-out imports.

Kept beside `consent.ports` (which re-exports them) so that module stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from consent.model import Project
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


class ProjectRepo(Protocol):
    def add(self, name: str, channel_id: str | None) -> Project: ...
    def by_name(self, name: str) -> Project | None: ...
    def get(self, project_id: int) -> Project | None: ...
    def all(self) -> list[Project]: ...


class ThreadRepo(Protocol):
    def get(self, channel: str, contact_id: int) -> str | None: ...
    def put(self, channel: str, contact_id: int, ts: str) -> None: ...
    def contact_for(self, channel: str, ts: str) -> int | None: ...
    def places(
        self, contact_ids: Sequence[int], default_channel: str
    ) -> dict[int, tuple[str, str | None, str]]:
        """Per contact found: the channel its notes go to (its project's, else
        `default_channel`), its thread there if started, and its name; one read."""
        ...
