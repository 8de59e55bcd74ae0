"""Projects: named groups of contacts, each optionally with its own Slack channel."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from consent.model import Project
from storage.repos._base import Repo, name_key
from storage.tables import project_t

_SELECT = sa.select(project_t.c.id, project_t.c.name, project_t.c.channel_id)


def _project(row: Any) -> Project:
    return Project(id=row.id, name=row.name, channel_id=row.channel_id)


class SqlProjectRepo(Repo):
    def add(self, name: str, channel_id: str | None) -> Project:
        """A new project; names are unique whatever their case (IntegrityError if taken)."""
        name = name.strip()
        values = {"name": name, "name_key": name_key(name), "channel_id": channel_id}
        new_id = self._insert_id(sa.insert(project_t).values(values))
        return Project(id=new_id, name=name, channel_id=channel_id)

    def by_name(self, name: str) -> Project | None:
        row = self._conn.execute(_SELECT.where(project_t.c.name_key == name_key(name))).first()
        return None if row is None else _project(row)

    def get(self, project_id: int) -> Project | None:
        row = self._conn.execute(_SELECT.where(project_t.c.id == project_id)).first()
        return None if row is None else _project(row)

    def all(self) -> list[Project]:
        stmt = _SELECT.order_by(project_t.c.name_key, project_t.c.id)
        return [_project(row) for row in self._conn.execute(stmt)]
