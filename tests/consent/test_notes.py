"""Slack notes are typed in the core and JSON only in the outbox, in the shape older
versions stored, so rows queued before an upgrade still deliver."""

from __future__ import annotations

import json

from consent.notes import (
    ConsentNote,
    DeliveryNote,
    HeldNote,
    InboundNote,
    Note,
    NumberTakenNote,
    UnknownNote,
    note_from_payload,
    to_payload,
)

NOTES: list[Note] = [
    ConsentNote(7, "Ann", "+14155550100", "opted out", "opted in", "staff", "U1", "asked", True, 3),
    InboundNote(
        7,
        "Ann",
        "+14155550100",
        "STOP",
        ("https://x/ME1",),
        ("image/jpeg",),
        "opt_out",
        "keyword",
        "stop",
        False,
        11,
        "SM1",
        "opted out",
        "opted in",
        "sms_keyword",
    ),
    DeliveryNote(7, "Ann", "+14155550100", 12, "failed", "Twilio error 30003", "hi"),
    NumberTakenNote(7, "Ann", "+14155550100", 8, "Bo"),
    UnknownNote("from_a_newer_version", 7, "Ann", "+14155550100"),
    HeldNote(7, "Ann", "+13055550100", 12, "Florida law", "2026-07-02T12:00:00+00:00", "hi"),
]


def test_every_note_comes_back_from_the_outbox_json_as_it_went_in() -> None:
    for note in NOTES:
        stored = json.loads(json.dumps(to_payload(note)))
        assert note_from_payload(stored) == note


def test_the_stored_json_keeps_the_shape_older_versions_wrote() -> None:
    inbound = to_payload(NOTES[1])
    assert inbound == {
        "type": "inbound",
        "contact_id": 7,
        "contact": "Ann",
        "phone": "+14155550100",
        "body": "STOP",
        "media": ["https://x/ME1"],
        "media_types": ["image/jpeg"],
        "intent": "opt_out",
        "rule": "keyword",
        "trigger": "stop",
        "wrong_number": False,
        "message_id": 11,
        "sid": "SM1",
        "status": "opted out",
        "previous": "opted in",
        "source": "sms_keyword",
    }
    assert to_payload(NOTES[3]) == {
        "type": "number_taken",
        "contact_id": 7,
        "contact": "Ann",
        "phone": "+14155550100",
        "holder_id": 8,
        "holder": "Bo",
    }


def test_a_row_queued_by_an_older_version_still_parses() -> None:
    """An inbound note from before rules, triggers and media types were stored; a consent
    note with nulls; a delivery note with extra keys the dispatcher used to add."""
    old_inbound = {
        "type": "inbound",
        "contact_id": 7,
        "contact": "Ann",
        "phone": "+14155550100",
        "body": "stop please",
        "media": [],
        "intent": "opt_out",
        "message_id": 11,
        "sid": "SM1",
    }
    assert note_from_payload(old_inbound) == InboundNote(
        7, "Ann", "+14155550100", "stop please", intent="opt_out", message_id=11, sid="SM1"
    )
    old_consent = {"type": "consent", "contact_id": "7", "phone": "+1", "status": "opted in",
                   "source": "questionnaire", "reason": None, "seq": 4}  # fmt: skip
    assert note_from_payload(old_consent) == ConsentNote(
        7, "", "+1", "opted in", "", "questionnaire", seq=4
    )
    old_delivery = {"type": "delivery", "contact_id": 7, "phone": "+1", "message_id": 2,
                    "status": "delivered", "note_id": 9, "attempt": 2}  # fmt: skip
    assert note_from_payload(old_delivery) == DeliveryNote(7, "", "+1", 2, "delivered")


def test_a_note_of_a_kind_this_version_does_not_know_is_kept_as_unknown() -> None:
    assert note_from_payload({"type": "later", "contact_id": 3}) == UnknownNote("later", 3)
    assert note_from_payload({}) == UnknownNote("None")
