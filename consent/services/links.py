"""Questionnaire links: issue one, open it, answer it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from consent import messages
from consent.errors import InvalidInput, LinkExpired, NotFound
from consent.language import Language
from consent.model import Contact
from consent.phones import parse_phone
from consent.ports import UnitOfWork
from consent.records import Link
from consent.services.answers import Answered, Outcome, answer_no, answer_yes
from consent.services.contacts import find_or_create
from consent.services.context import Desk
from consent.services.projects import project_named

__all__ = [
    "Answered",
    "IssuedLink",
    "OpenLink",
    "Outcome",
    "issue_link",
    "open_link",
    "submit_answer",
    "token_hash",
]

_MAX_FIELD = 300


def token_hash(token: str) -> str:
    """Links are stored by hash only: a database leak reveals no working link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    url: str
    contact: Contact
    expires_at: datetime
    created: bool  # a new contact was created for it
    language: Language | None = None  # the link's: None lets the page follow the browser


def issue_link(
    desk: Desk,
    name: str,
    *,
    actor: str,
    email: str | None = None,
    phone: str | None = None,
    project: str | None = None,
    required: bool = False,
    language: Language | None = None,
) -> IssuedLink:
    """Create (or find) the contact and a fresh, unguessable questionnaire link for them.
    A `language` is the contact's from now on, and the link's (else the page follows the
    client's browser)."""
    now = desk.clock.now()
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=desk.config.link_ttl_days)
    with desk.uow() as uow:
        contact, created = find_or_create(desk, uow, name, email=email, phone=phone)
        if project is not None:
            uow.contacts.set_project(contact.id, project_named(uow, project).id)
        if language is not None and language is not contact.language:
            uow.contacts.set_language(contact.id, language)
            contact = replace(contact, language=language)
        uow.links.add(token_hash(token), contact.id, required, expires, actor, language)
        uow.commit()
    url = f"{desk.config.public_url.rstrip('/')}/q/{token}"
    return IssuedLink(url, contact, expires, created, language)


def issue_demo_link(desk: Desk, name: str, *, actor: str) -> IssuedLink | None:
    """Local mode's demo link: issued once, while the database has no contact (else None)."""
    with desk.uow(write=False) as uow:
        if uow.contacts.count() > 0:
            return None
    return issue_link(desk, name, actor=actor)


@dataclass(frozen=True)
class OpenLink:
    link: Link
    contact: Contact
    business: str

    def question(self, lang: Language) -> str:
        return messages.question(self.business, lang)

    def disclaimer(self, lang: Language) -> str:
        return messages.disclaimer(self.business, lang)


def _live_link(desk: Desk, uow: UnitOfWork, token: str) -> tuple[Link, Contact]:
    link = uow.links.get(token_hash(token)) if 16 <= len(token) <= 100 else None
    contact = uow.contacts.get(link.contact_id) if link else None
    if link is None or contact is None:
        raise NotFound("This link is not valid.")
    if link.expires_at <= desk.clock.now():
        raise LinkExpired("This link has expired.")
    return link, contact


def open_link(desk: Desk, token: str) -> OpenLink:
    """What the questionnaire page shows; NotFound or LinkExpired otherwise."""
    with desk.uow(write=False) as uow:
        link, contact = _live_link(desk, uow, token)
    return OpenLink(link, contact, desk.config.business_name)


def submit_answer(
    desk: Desk,
    token: str,
    answer: str | None,
    phone: str | None,
    ip: str,
    user_agent: str,
    lang: Language = Language.EN,
) -> Answered:
    """Record a questionnaire answer; the newest answer stands and every answer is an event.
    `lang` is the language of the page the client answered: the evidence keeps it with the
    disclaimer they saw, and it becomes the contact's language.

    Raises NotFound, LinkExpired, InvalidPhone or InvalidInput before changing anything.
    """
    if answer not in (None, "yes", "no"):
        raise InvalidInput(messages.CHOOSE[lang])
    now = desk.clock.now()
    e164 = parse_phone(phone or "", desk.config.default_region) if answer == "yes" else None
    with desk.uow() as uow:
        link, contact = _live_link(desk, uow, token)
        if answer is None and link.required:
            raise InvalidInput(messages.CHOOSE[lang])
        business = desk.config.business_name
        evidence = {
            "answer": answer or "",
            "question": messages.question(business, lang),
            "disclaimer": messages.disclaimer(business, lang),
            "disclaimer_version": messages.DISCLAIMER_VERSIONS[lang],
            "language": str(lang),
            "link_id": str(link.id),
            "ip": ip[:_MAX_FIELD],
            "user_agent": user_agent[:_MAX_FIELD],
        }
        actor = f"client {ip[:64]} {user_agent[:200]}".strip()
        contact = replace(contact, language=lang)  # what the app writes them from now on
        if e164 is not None:
            result = answer_yes(desk, uow, link, contact, e164, actor, evidence, now)
        elif answer == "no":
            result = answer_no(uow, contact, actor, evidence, now)
        else:
            result = Answered(Outcome.NO_ANSWER)
        if result.outcome is not Outcome.NUMBER_TAKEN:  # that one changes nothing
            uow.links.mark_answered(link.id, now)
            uow.contacts.set_language(contact.id, lang)
        uow.commit()
    return result
