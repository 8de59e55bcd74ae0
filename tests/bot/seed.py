"""Contacts in each state, made through the real use cases."""

from __future__ import annotations

from consent.records import Direction, Message
from consent.services.context import Desk
from consent.services.links import issue_link, submit_answer
from consent.services.projects import new_project
from consent.services.staff import opt_out_by_staff

IP, AGENT = "203.0.113.5", "pytest"


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def opted_in(
    desk: Desk, name: str, phone: str, *, project: str | None = None, email: str | None = None
) -> int:
    link = issue_link(desk, name, actor="USEED", email=email, project=project)
    submit_answer(desk, token_of(link.url), "yes", phone, IP, AGENT)
    return link.contact.id


def pending(desk: Desk, name: str, *, phone: str | None = None, project: str | None = None) -> int:
    return issue_link(desk, name, actor="USEED", phone=phone, project=project).contact.id


def opted_out(desk: Desk, name: str, phone: str, *, project: str | None = None) -> int:
    contact = opted_in(desk, name, phone, project=project)
    opt_out_by_staff(desk, phone, "asked on the phone", actor="USEED")
    return contact


def project(desk: Desk, name: str, channel: str | None = None) -> int:
    return new_project(desk, name, channel).id


def thread(desk: Desk, channel: str, contact_id: int, ts: str) -> None:
    with desk.uow() as uow:
        uow.threads.put(channel, contact_id, ts)
        uow.commit()


def outbound(desk: Desk, contact_id: int) -> list[Message]:
    """Texts staff queued for the contact (the opt-in confirmation left out)."""
    with desk.uow(write=False) as uow:
        messages = uow.messages.for_contact(contact_id, 100)
    return [m for m in messages if m.direction is Direction.OUTBOUND and m.kind != "confirmation"]


def statuses(desk: Desk, contact_id: int) -> dict[str, str]:
    with desk.uow(write=False) as uow:
        return {n.e164: str(n.status) for n in uow.numbers.for_contact(contact_id)}


def project_of(desk: Desk, contact_id: int) -> int | None:
    with desk.uow(write=False) as uow:
        contact = uow.contacts.get(contact_id)
    assert contact is not None
    return contact.project_id
