"""The set-based repository methods of the inbound batch path."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from consent.model import Source, Status
from consent.records import InboundSms
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0, change_status, contact_with_number


def test_claim_many_returns_only_the_keys_it_inserted(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.idempotency.claim("a", T0)
        assert uow.idempotency.claim_many(["a", "b", "c", "b"], T0) == {"b", "c"}
        assert uow.idempotency.claim_many([], T0) == set()
        uow.commit()
    with uow_factory() as uow:
        assert uow.idempotency.claim_many(["a", "b", "d"], T0) == {"d"}
        assert not uow.idempotency.claim("d", T0)


def test_get_many_and_add_with_contacts(uow_factory: SqlUnitOfWorkFactory) -> None:
    _, number_id = contact_with_number(uow_factory, e164="+14155550100")
    with uow_factory() as uow:
        found = uow.numbers.get_many(["+14155550100", "+14155550101", "+14155550100"], lock=True)
        assert list(found) == ["+14155550100"]
        assert found["+14155550100"].id == number_id
        added = uow.numbers.add_with_contacts({"+14155550101": " B ", "+14155550102": "C"})
        assert uow.numbers.add_with_contacts({}) == {}
        uow.commit()
    with uow_factory(write=False) as uow:
        for e164, name in [("+14155550101", "B"), ("+14155550102", "C")]:
            state = uow.numbers.get(e164)
            assert state == added[e164] and state.status is Status.NOT_SUBSCRIBED
            contact = uow.contacts.get(state.contact_id)
            assert contact is not None and contact.name == name
        assert uow.numbers.get_many([]) == {}


def test_add_inbound_many_keeps_the_order(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, _ = contact_with_number(uow_factory)
    texts = [
        InboundSms(sid=f"SM{i}", from_="+14155550100", to="+15005550006", body=f"text {i}")
        for i in range(5)
    ]
    texts[2] = InboundSms(
        "SM2", "+14155550100", "+15005550006", "pic", (("https://x/1", "image/png"),)
    )
    with uow_factory() as uow:
        added = uow.messages.add_inbound_many([(sms, contact_id) for sms in texts], T0)
        assert uow.messages.add_inbound_many([], T0) == []
        uow.commit()
    with uow_factory(write=False) as uow:
        for sms, message in zip(texts, added, strict=True):
            assert message.twilio_sid == sms.sid and message.body == sms.body
            assert uow.messages.get(message.id) == message
        assert added[2].media == ("https://x/1",)


def test_status_changes_are_written_behind_and_read_back(uow_factory: SqlUnitOfWorkFactory) -> None:
    contact_id, number_id = contact_with_number(uow_factory)
    with uow_factory() as uow:
        number = uow.numbers.by_id(number_id)
        assert number is not None
        change_status(uow, number, Status.OPTED_OUT, Source.SMS_KEYWORD, T0, True)
        state = uow.numbers.get("+14155550100")  # a read flushes first
        assert state is not None and state.status is Status.OPTED_OUT and state.awaiting_start
        change_status(uow, number, Status.OPTED_IN, Source.SMS_KEYWORD, T0)
        assert [c.id for c in uow.contacts.page(0, 10, Status.OPTED_IN, None)] == [contact_id]
        change_status(uow, number, Status.OPTED_OUT, Source.SMS_KEYWORD, T0)
        change_status(uow, number, Status.OPTED_IN, Source.SMS_KEYWORD, T0)
        uow.commit()
    with uow_factory(write=False) as uow:
        assert uow.numbers.counts()[Status.OPTED_IN] == 1


def test_status_changes_left_without_commit_are_dropped(uow_factory: SqlUnitOfWorkFactory) -> None:
    _, number_id = contact_with_number(uow_factory)
    with uow_factory() as uow:
        uow.numbers.set_status(number_id, Status.OPTED_OUT, Source.SMS_KEYWORD, T0, True)
    with uow_factory(write=False) as uow:
        state = uow.numbers.by_id(number_id)
        assert state is not None and state.status is Status.NOT_SUBSCRIBED


def test_a_batch_of_new_contacts_numbers_and_texts_is_one_write_per_table(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    """One multi-row statement per table, each new id matched to its own row, on SQLite
    too (where SQLAlchemy's ordered RETURNING falls back to one INSERT per row). The
    numbers and texts take their ids first and are written with the transaction's other
    writes, so a new number's first status change is written in its INSERT: no UPDATE
    after it (each would move the contact's counters)."""
    names = {f"+1415555{i:04d}": f"Name {i:02d}" for i in range(40)}
    statements: list[tuple[str, str, bool]] = []

    def count(_c: object, _cur: object, statement: str, _p: object, _x: object, many: bool) -> None:
        words = statement.split()
        table = words[2] if words[0] in ("INSERT", "DELETE") else words[1]
        if words[0] == "SELECT":
            table = "ids"  # nextval (PostgreSQL) or max(id) (SQLite)
        statements.append((words[0], table, many and migrated_engine.dialect.name == "postgresql"))

    with uow_factory() as uow:
        uow.numbers.get_many(list(names), lock=True)  # the lock, outside the count
        event.listen(migrated_engine, "before_cursor_execute", count)
        try:
            added = uow.numbers.add_with_contacts(names)
            texts = [
                (
                    InboundSms(f"SM{e164}", e164, "+15005550006", f"from {name}"),
                    added[e164].contact_id,
                )
                for e164, name in names.items()
            ]
            stored = uow.messages.add_inbound_many(texts, T0)
            first = added[next(iter(names))]
            change_status(uow, first, Status.OPTED_OUT, Source.SMS_KEYWORD, T0)
            uow.commit()
        finally:
            event.remove(migrated_engine, "before_cursor_execute", count)
    assert [(verb, table) for verb, table, _ in statements] == [
        ("INSERT", "contact"),
        ("SELECT", "ids"),
        ("SELECT", "ids"),
        ("INSERT", "consent_event"),
        ("INSERT", "phone_number"),
        ("UPDATE", "ledger_head"),
        ("INSERT", "message"),
    ]
    assert not any(row_by_row for _, _, row_by_row in statements[:5] + statements[6:])
    with uow_factory(write=False) as uow:
        for (sms, contact_id), message in zip(texts, stored, strict=True):
            contact = uow.contacts.get(contact_id)
            assert contact is not None and contact.name == names[sms.from_]
            number = uow.numbers.get(sms.from_)
            assert number is not None and number.id == added[sms.from_].id
            assert uow.messages.get(message.id) == message and message.body == sms.body
        assert uow.numbers.get(first.e164).status is Status.OPTED_OUT  # type: ignore[union-attr]
        assert uow.numbers.counts()[Status.NOT_SUBSCRIBED] == len(names) - 1
        opted_out = uow.contacts.page(0, 50, Status.OPTED_OUT, None)
        assert [c.id for c in opted_out] == [first.contact_id]


def test_the_status_changes_of_a_transaction_reach_the_database_as_one_write(
    uow_factory: SqlUnitOfWorkFactory, migrated_engine: Engine
) -> None:
    """On PostgreSQL one UPDATE for them all, so phone_number's statement-level triggers
    (the status check and the contact counters, migration 0009) run once, not once per
    number; on SQLite, whose triggers are row triggers, one executemany."""
    names = {f"+1415555{i:04d}": f"Name {i:02d}" for i in range(8)}
    writes: list[tuple[str, bool]] = []

    def seen(_c: object, _cur: object, statement: str, _p: object, _x: object, many: bool) -> None:
        if statement.startswith("UPDATE phone_number"):
            writes.append((statement.split()[1], many))

    with uow_factory() as uow:
        numbers = uow.numbers.add_with_contacts(names)
        uow.commit()
    event.listen(migrated_engine, "before_cursor_execute", seen)
    try:
        with uow_factory() as uow:
            for number in numbers.values():
                change_status(uow, number, Status.OPTED_OUT, Source.SMS_KEYWORD, T0)
            uow.commit()
    finally:
        event.remove(migrated_engine, "before_cursor_execute", seen)
    postgres = migrated_engine.dialect.name == "postgresql"
    assert writes == [("phone_number", not postgres)]
    with uow_factory(write=False) as uow:
        assert uow.numbers.counts()[Status.OPTED_OUT] == len(names)
        opted_out = uow.contacts.page(0, 20, Status.OPTED_OUT, None)
        assert sorted(c.name for c in opted_out) == sorted(names.values())
        assert uow.contacts.page(0, 20, Status.NOT_SUBSCRIBED, None) == []


@pytest.mark.postgres
def test_postgres_runs_no_row_trigger_on_phone_number(postgres_url: str) -> None:
    """Each of phone_number's own triggers runs once per statement (SQLite has only row
    triggers)."""
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT tgname, (tgtype & 1) = 1 AS per_row FROM pg_trigger WHERE "
                    "tgrelid = 'phone_number'::regclass AND NOT tgisinternal ORDER BY tgname"
                )
            ).all()
    finally:
        engine.dispose()
    assert [name for name, _ in rows] == [
        "phone_number_counts_delete",
        "phone_number_counts_insert",
        "phone_number_counts_update",
        "phone_number_status_follows_ledger_insert",
        "phone_number_status_follows_ledger_update",
    ]
    assert not any(per_row for _, per_row in rows)


def test_texts_stored_twice_before_the_queue_is_written_get_their_own_ids(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    contact_id, _ = contact_with_number(uow_factory)

    def texts(*sids: str) -> list[tuple[InboundSms, int]]:
        return [(InboundSms(sid, "+14155550100", "+15005550006", sid), contact_id) for sid in sids]

    with uow_factory() as uow:
        first = uow.messages.add_inbound_many(texts("SMa", "SMb"), T0)
        second = uow.messages.add_inbound_many(texts("SMc"), T0)
        uow.commit()
    ids = [m.id for m in first + second]
    assert len(set(ids)) == 3 and ids == sorted(ids)
    with uow_factory(write=False) as uow:
        assert [uow.messages.get(i).body for i in ids] == ["SMa", "SMb", "SMc"]  # type: ignore[union-attr]


def test_texts_of_any_characters_are_stored_exactly_as_they_came(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """Queued writes go to PostgreSQL as one JSON document: quotes, backslashes, line
    breaks, accents, emoji and JSON-looking text come back byte for byte."""
    contact_id, _ = contact_with_number(uow_factory)
    bodies = [
        'He said "STOP" \\ then {"effect": "x"}',
        "línea 1\nlínea 2\ttab",
        "stop 🛑👍🏽 ¡Sí!",
        "\\u0041 is not A",
        "' OR 1=1; --",
    ]
    media = (('https://api.twilio.com/m/1?a="b"', "image/jpeg"),)
    texts = [
        (InboundSms(f"SM{i:032d}", "+14155550100", "+15005550006", body, media), contact_id)
        for i, body in enumerate(bodies)
    ]
    with uow_factory() as uow:
        stored = uow.messages.add_inbound_many(texts, T0)
        uow.commit()
    with uow_factory(write=False) as uow:
        again = [uow.messages.get(message.id) for message in stored]
    assert [m.body for m in again if m is not None] == bodies
    assert again == stored and stored[0].media == (media[0][0],)
