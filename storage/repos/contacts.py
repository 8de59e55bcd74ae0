"""Contacts: people, by name and email, optionally sorted into a project."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from consent.language import Language, language_named
from consent.model import Contact, Status
from consent.ports import Clock
from storage.repos._base import Repo, name_key
from storage.tables import contact_t, tally_t
from storage.writes import QueuedConnection

_COLUMNS = (
    contact_t.c.id,
    contact_t.c.name,
    contact_t.c.email,
    contact_t.c.project_id,
    contact_t.c.language,
)
_GET = sa.select(*_COLUMNS).where(contact_t.c.id == sa.bindparam("id_"))
_INSERT = sa.insert(contact_t)
# Literal `> 0`, as the partial indexes say it: a bound parameter would not match them.
_HAS_STATUS = {
    status: contact_t.c[f"numbers_{str(status).replace(' ', '_')}"] > sa.literal_column("0")
    for status in Status
}
_COUNT = sa.select(sa.func.coalesce(sa.func.sum(tally_t.c.n), 0)).where(tally_t.c.name == "contact")


_CODE_POINT = "optdesk.code_point_order"
# The collation is C-like by name, and behaves so (an ICU locale ignores datcollate).
_C_COLLATION = sa.text(
    "SELECT datcollate IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8') "
    "AND 'B' < 'a' AND 'z' < 'é' AND 'a-c' < 'ab' "
    "FROM pg_database WHERE datname = current_database()"
)


def _after(key: str) -> str | None:
    """The first string after every string that starts with `key` (code point order);
    None when its last character is the last code point."""
    last = ord(key[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters: the next one is U+E000
        last = 0xE000
    return None if last > 0x10FFFF else key[:-1] + chr(last)


def _contact(row: Any) -> Contact:
    language = language_named(row.language) or Language.EN
    return Contact(row.id, row.name, row.email, row.project_id, language)


class SqlContactRepo(Repo):
    def __init__(self, db: QueuedConnection, clock: Clock) -> None:
        super().__init__(db)
        self._clock = clock

    def get(self, contact_id: int) -> Contact | None:
        row = self._conn.execute(_GET, {"id_": contact_id}).first()
        return None if row is None else _contact(row)

    def find(self, query: str) -> list[Contact]:
        """Contacts whose name (case-insensitive) or email (case-insensitive) is `query`."""
        query = query.strip()
        if not query:
            return []
        match = sa.or_(
            contact_t.c.name_key == name_key(query),
            sa.func.lower(contact_t.c.email) == query.lower(),
        )
        stmt = sa.select(*_COLUMNS).where(match).order_by(contact_t.c.name_key, contact_t.c.id)
        return [_contact(row) for row in self._conn.execute(stmt)]

    def find_prefix(self, query: str, limit: int) -> list[Contact]:
        """Up to `limit` contacts whose name starts with `query`, whatever the case.

        Where names compare by code point (SQLite's bytes; PostgreSQL in a C collation),
        every name starting with the key lies in [key, key with its last character
        advanced): an index range, and a start that matches nobody reads nothing (LIKE
        with a bound pattern alone walked every name: 1.3 s at 1M on PostgreSQL). In any
        other collation that range may miss names: LIKE alone there."""
        key = name_key(query)
        if not key:
            return []
        match = [contact_t.c.name_key.startswith(key, autoescape=True)]
        if self._code_point_order():
            match.append(contact_t.c.name_key >= key)
            after = _after(key)
            if after is not None:
                match.append(contact_t.c.name_key < after)
        stmt = (
            sa.select(*_COLUMNS)
            .where(*match)
            .order_by(contact_t.c.name_key, contact_t.c.id)
            .limit(max(limit, 0))
        )
        return [_contact(row) for row in self._conn.execute(stmt)]

    def _code_point_order(self) -> bool:
        """Whether names compare by code point here: always on SQLite; on PostgreSQL when
        the database's collation is C (asked once per connection, kept with it)."""
        if not self._postgres:
            return True
        info = self._conn.connection.info
        if _CODE_POINT not in info:
            info[_CODE_POINT] = bool(self._conn.scalar(_C_COLLATION))
        return bool(info[_CODE_POINT])

    def rename(self, contact_id: int, name: str) -> None:
        stmt = sa.update(contact_t).where(contact_t.c.id == contact_id)
        self._conn.execute(stmt.values(name=name, name_key=name_key(name)))

    def add(self, name: str, email: str | None, project_id: int | None) -> Contact:
        name = name.strip()
        values = {
            "name": name,
            "name_key": name_key(name),
            "email": email,
            "project_id": project_id,
            "created_at": self._clock.now(),
        }
        new_id = self._insert_id(_INSERT, values)
        return Contact(id=new_id, name=name, email=email, project_id=project_id)

    def set_project(self, contact_id: int, project_id: int | None) -> None:
        stmt = sa.update(contact_t).where(contact_t.c.id == contact_id)
        self._conn.execute(stmt.values(project_id=project_id))

    def set_language(self, contact_id: int, language: Language) -> None:
        stmt = sa.update(contact_t).where(contact_t.c.id == contact_id)
        self._conn.execute(stmt.values(language=str(language)))

    def set_email(self, contact_id: int, email: str) -> None:
        self._conn.execute(
            sa.update(contact_t).where(contact_t.c.id == contact_id).values(email=email)
        )

    def page(
        self, offset: int, limit: int, status: Status | None, project_id: int | None
    ) -> list[Contact]:
        """Contacts by name; `status`: those with at least one number in it.

        Read from that status's partial index in name order (migration 0008: the contact
        row counts its numbers in each status), alone or within a project: a page reads
        its own rows, never the contacts that do not match."""
        match: list[sa.ColumnElement[bool]] = []
        if status is not None:
            match.append(_HAS_STATUS[status])
        return self._page(match, offset, limit, project_id)

    def pending_page(
        self, offset: int, limit: int, project_id: int | None, now: datetime
    ) -> list[Contact]:
        """Contacts by name with an unanswered, unexpired link or an open double opt-in
        request: `pending_until` (their latest expiry, kept by triggers) is after `now`,
        read from the partial index of contacts that have one."""
        live = [contact_t.c.pending_until.is_not(None), contact_t.c.pending_until > now]
        return self._page(live, offset, limit, project_id)

    def _page(
        self,
        match: list[sa.ColumnElement[bool]],
        offset: int,
        limit: int,
        project_id: int | None,
    ) -> list[Contact]:
        """One page in name order. A deep page skips its `offset` rows in the index alone
        (ids, index-only) and then reads just the page's rows: skipping through the table
        cost a random row read per skipped contact (page 51: 1,000 of them)."""
        if project_id is not None:
            match = [*match, contact_t.c.project_id == project_id]
        order = (contact_t.c.name_key, contact_t.c.id)
        if offset <= 0:
            stmt = sa.select(*_COLUMNS).where(*match).order_by(*order).limit(max(limit, 0))
            return [_contact(row) for row in self._conn.execute(stmt)]
        ids = sa.select(contact_t.c.id).where(*match).order_by(*order)
        page = ids.offset(offset).limit(max(limit, 0)).subquery()
        stmt = (
            sa.select(*_COLUMNS)
            .select_from(page.join(contact_t, contact_t.c.id == page.c.id))
            .order_by(*order)
        )
        return [_contact(row) for row in self._conn.execute(stmt)]

    def count(self) -> int:
        """Contacts on file, from the tally the database keeps (no scan)."""
        return int(self._conn.scalar(_COUNT) or 0)
