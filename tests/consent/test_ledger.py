"""The ledger's hash chain: every edit, deletion or reordering shows."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from consent.model import (
    GENESIS_HASH,
    ConsentEvent,
    EventDraft,
    Source,
    Status,
    chain,
    verify_chain,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _ledger(n: int = 5) -> list[ConsentEvent]:
    events: list[ConsentEvent] = []
    seq, head = 0, GENESIS_HASH
    for i in range(n):
        status = Status.OPTED_IN if i % 2 == 0 else Status.OPTED_OUT
        draft = EventDraft(
            f"+1415555010{i}",
            i + 1,
            status,
            Source.QUESTIONNAIRE,
            "client 1.2.3.4 ua",
            {"disclaimer_version": "v1", "ip": "1.2.3.4"},
        )
        ev = chain(seq, head, draft, T0 + timedelta(minutes=i))
        events.append(ev)
        seq, head = ev.seq, ev.hash
    return events


def test_an_untouched_ledger_verifies_with_count_and_head() -> None:
    events = _ledger()
    report = verify_chain(events)
    assert report.ok
    assert report.count == 5
    assert report.head == events[-1].hash


def test_an_empty_ledger_verifies_with_the_genesis_head() -> None:
    report = verify_chain([])
    assert report.ok and report.count == 0 and report.head == GENESIS_HASH


def test_each_event_carries_the_hash_of_the_one_before() -> None:
    events = _ledger()
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


def test_an_edited_status_is_named() -> None:
    events = _ledger()
    events[2] = replace(
        events[2],
        status=Status.OPTED_IN if events[2].status is Status.OPTED_OUT else Status.OPTED_OUT,
    )
    report = verify_chain(events)
    assert not report.ok and report.bad_seq == 3
    assert "event #3 was changed" in (report.problem or "")


def test_edited_evidence_is_detected() -> None:
    events = _ledger()
    events[0] = replace(events[0], evidence={"disclaimer_version": "v2", "ip": "1.2.3.4"})
    assert verify_chain(events).bad_seq == 1


def test_a_deleted_event_is_detected() -> None:
    events = _ledger()
    del events[1]
    report = verify_chain(events)
    assert not report.ok and report.bad_seq == 3
    assert "missing" in (report.problem or "")


def test_reordered_events_are_detected() -> None:
    events = _ledger()
    events[1], events[2] = events[2], events[1]
    assert not verify_chain(events).ok


def test_a_truncated_tail_changes_count_and_head() -> None:
    events = _ledger()
    full, cut = verify_chain(events), verify_chain(events[:-1])
    assert cut.ok  # a cut tail still chains ...
    assert (cut.count, cut.head) != (full.count, full.head)  # ... but the kept pair shows it


def test_a_rehashed_event_still_breaks_the_link_to_the_next() -> None:
    events = _ledger()
    forged = replace(events[1], actor="someone else")
    draft = EventDraft(
        forged.phone, forged.contact_id, forged.status, forged.source, forged.actor, forged.evidence
    )
    events[1] = chain(1, events[0].hash, draft, forged.at)
    report = verify_chain(events)
    assert not report.ok and report.bad_seq == 3
