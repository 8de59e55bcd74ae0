"""Projects: which channel a contact's texts belong to."""

from __future__ import annotations

from consent.errors import InvalidInput, NotFound
from consent.model import Contact, Project
from consent.ports import UnitOfWork
from consent.services.contacts import resolve
from consent.services.context import Desk

MAX_PROJECT = 80


def new_project(desk: Desk, name: str, channel_id: str | None) -> Project:
    name = " ".join(name.split())
    if not name or len(name) > MAX_PROJECT:
        raise InvalidInput(f"Project names have 1 to {MAX_PROJECT} characters.")
    with desk.uow() as uow:
        if uow.projects.by_name(name) is not None:
            raise InvalidInput(f'A project called "{name}" already exists.')
        project = uow.projects.add(name, channel_id)
        uow.commit()
    return project


def project_named(uow: UnitOfWork, name: str) -> Project:
    """The project staff typed, by name (case as stored); NotFound says how to create it."""
    found = uow.projects.by_name(name)
    if found is None:
        raise NotFound(f'There is no project called "{name}". Create it with /sms project new.')
    return found


def list_projects(desk: Desk) -> list[Project]:
    with desk.uow(write=False) as uow:
        return uow.projects.all()


def set_project(desk: Desk, who: str, project: str) -> tuple[Contact, Project]:
    with desk.uow() as uow:
        target = resolve(desk, uow, who)
        found = project_named(uow, project)
        uow.contacts.set_project(target.contact.id, found.id)
        uow.commit()
    return target.contact, found
