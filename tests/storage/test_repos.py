"""Contacts, numbers, links, projects and Slack threads."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consent.model import NumberState, Source, Status
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, change_status


def test_find_matches_name_or_email_whatever_the_case(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada  Lovelace", "Ada@Example.com", None)
        uow.contacts.add("Ada Byron", None, None)
        uow.commit()
    with uow_factory(write=False) as uow:
        assert uow.contacts.find(" ada lovelace ") == [ada]
        assert uow.contacts.find("ADA@example.COM") == [ada]
        assert uow.contacts.find("Ada") == []
        assert uow.contacts.find("") == []
        assert uow.contacts.get(ada.id) == ada
        assert uow.contacts.get(ada.id + 100) is None


def test_contacts_change_email_and_project(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        project = uow.projects.add("Kitchen", None)
        ada = uow.contacts.add("Ada", None, None)
        uow.contacts.set_email(ada.id, "ada@example.com")
        uow.contacts.set_project(ada.id, project.id)
        assert uow.contacts.get(ada.id) == type(ada)(ada.id, "Ada", "ada@example.com", project.id)
        uow.contacts.set_project(ada.id, None)
        assert uow.contacts.get(ada.id) == type(ada)(ada.id, "Ada", "ada@example.com", None)


def test_page_orders_by_name_and_filters(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        project = uow.projects.add("Roof", "C1")
        ids = {}
        for name, status, in_project in [
            ("carol", Status.OPTED_IN, True),
            ("Alice", Status.OPTED_OUT, False),
            ("bob", Status.OPTED_IN, False),
            ("Dan", None, True),
        ]:
            contact = uow.contacts.add(name, None, project.id if in_project else None)
            ids[name] = contact.id
            if status is not None:
                number = uow.numbers.add(f"+1415555{len(ids):04d}", contact.id)
                change_status(uow, number, status, Source.QUESTIONNAIRE, T0)
        uow.commit()
    with uow_factory(write=False) as uow:
        names = lambda **kw: [c.name for c in uow.contacts.page(**kw)]  # noqa: E731
        assert names(offset=0, limit=10, status=None, project_id=None) == [
            "Alice",
            "bob",
            "carol",
            "Dan",
        ]
        assert names(offset=1, limit=2, status=None, project_id=None) == ["bob", "carol"]
        assert names(offset=0, limit=10, status=Status.OPTED_IN, project_id=None) == [
            "bob",
            "carol",
        ]
        assert names(offset=0, limit=10, status=None, project_id=project.id) == ["carol", "Dan"]
        assert names(offset=0, limit=10, status=Status.OPTED_IN, project_id=project.id) == ["carol"]
        assert uow.contacts.count() == 4


def test_numbers_start_not_subscribed_and_take_status_changes(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada", None, None)
        added = uow.numbers.add("+14155550100", ada.id)
        assert added == NumberState(added.id, "+14155550100", ada.id, Status.NOT_SUBSCRIBED)
        assert uow.numbers.get("+14155550100", lock=True) == added
        change_status(uow, added, Status.OPTED_OUT, Source.SMS_KEYWORD, T0, True)
        uow.commit()
    with uow_factory() as uow:
        state = uow.numbers.by_id(added.id)
        assert state == NumberState(
            added.id, "+14155550100", ada.id, Status.OPTED_OUT, T0, Source.SMS_KEYWORD, True
        )
        uow.numbers.set_awaiting_start(added.id, False)
        assert uow.numbers.get("+14155550100") == NumberState(
            added.id, "+14155550100", ada.id, Status.OPTED_OUT, T0, Source.SMS_KEYWORD, False
        )
        assert uow.numbers.get("+14155550199") is None


def test_a_number_is_unique(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada", None, None)
        uow.numbers.add("+14155550100", ada.id)
        with pytest.raises(sa.exc.IntegrityError):
            uow.numbers.add("+14155550100", ada.id)


def test_counts_name_every_status_even_when_none(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.numbers.counts() == {s: 0 for s in Status}
        ada = uow.contacts.add("Ada", None, None)
        for i in range(3):
            number = uow.numbers.add(f"+1415555010{i}", ada.id)
        change_status(uow, number, Status.OPTED_IN, Source.QUESTIONNAIRE, T0)
        assert uow.numbers.counts() == {
            Status.OPTED_IN: 1,
            Status.OPTED_OUT: 0,
            Status.NOT_SUBSCRIBED: 2,
        }


def test_numbers_by_contact_project_and_export(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        project = uow.projects.add("Roof", None)
        ada = uow.contacts.add("Ada", None, project.id)
        bob = uow.contacts.add("Bob", None, None)
        a2 = uow.numbers.add("+14155550102", ada.id)
        a1 = uow.numbers.add("+14155550101", ada.id)
        b1 = uow.numbers.add("+14155550100", bob.id)
        assert uow.numbers.for_contact(ada.id) == [a2, a1]
        assert uow.numbers.for_contacts([bob.id, ada.id]) == [a2, a1, b1]
        assert uow.numbers.for_contacts([]) == []
        assert uow.numbers.for_project(project.id) == [a2, a1]
        exported = [(n.e164, name) for n, name in uow.numbers.export()]
        assert exported == [
            ("+14155550100", "Bob"),
            ("+14155550101", "Ada"),
            ("+14155550102", "Ada"),
        ]
        uow.numbers.reassign(a1.id, bob.id)
        assert [n.id for n in uow.numbers.for_contact(bob.id)] == [a1.id, b1.id]


def test_export_reads_past_one_batch(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada", None, None)
        for i in range(1005):
            uow.numbers.add(f"+1415550{i:04d}", ada.id)
        numbers = [n.e164 for n, _ in uow.numbers.export()]
    assert numbers == sorted(numbers) and len(set(numbers)) == 1005


def test_links_are_found_by_token_hash_and_pending_until_answered_or_expired(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada", None, None).id
        bob = uow.contacts.add("Bob", None, None).id
        link = uow.links.add("a" * 64, ada, True, T0 + timedelta(days=30), "U1")
        uow.links.add("b" * 64, bob, False, T0 + timedelta(days=1), "U1")
        uow.commit()
    assert (link.contact_id, link.required, link.created_by, link.answered_at) == (
        ada,
        True,
        "U1",
        None,
    )
    with uow_factory() as uow:
        assert uow.links.get("a" * 64) == link
        assert uow.links.get("c" * 64) is None
        assert uow.links.pending_contacts(T0) == {ada, bob}
        assert uow.links.pending_contacts(T0 + timedelta(days=2)) == {ada}
        uow.links.mark_answered(link.id, T0 + timedelta(hours=1))
        assert uow.links.pending_contacts(T0) == {bob}
        answered = uow.links.get("a" * 64)
        assert answered is not None and answered.answered_at == T0 + timedelta(hours=1)


def test_project_names_are_unique_whatever_the_case(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        roof = uow.projects.add("Roof Repair", "C123")
        kitchen = uow.projects.add("kitchen", None)
        assert uow.projects.by_name("roof repair") == roof
        assert uow.projects.by_name("Attic") is None
        assert uow.projects.get(roof.id) == roof
        assert uow.projects.all() == [kitchen, roof]
        with pytest.raises(sa.exc.IntegrityError):
            uow.projects.add("ROOF REPAIR", None)


def test_threads_map_each_channel_and_contact_to_a_ts(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ada = uow.contacts.add("Ada", None, None).id
        bob = uow.contacts.add("Bob", None, None).id
        assert uow.threads.get("C1", ada) is None
        uow.threads.put("C1", ada, "1700000000.000100")
        uow.threads.put("C2", ada, "1700000000.000200")
        uow.threads.put("C1", bob, "1700000000.000300")
        uow.threads.put("C1", ada, "1700000000.000400")  # a new thread replaces the old
        uow.commit()
    with uow_factory(write=False) as uow:
        assert uow.threads.get("C1", ada) == "1700000000.000400"
        assert uow.threads.get("C2", ada) == "1700000000.000200"
        assert uow.threads.contact_for("C1", "1700000000.000300") == bob
        assert uow.threads.contact_for("C1", "1700000000.000100") is None
