"""State texting laws through the use cases and the dispatcher: a held text waits with why
and until when (in the thread and on the message), is re-queued, never dropped, never sent
early; staff-typed replies keep today's treatment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from consent.model import SendKind
from consent.records import Delivery, Message, OutboundDraft
from consent.services import links, projects, staff
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.outbound import queue_text
from consent.state_rules import cap_reason, rule_for, waiting_reason, window_reason
from tests.support import FixedClock, RecordingGateway, RecordingNotifier

MIAMI, NYC = "+13055550100", "+12125550100"
FLORIDA = rule_for("FL")
assert FLORIDA is not None


def _opted_in(desk: Desk, name: str, phone: str) -> None:
    token = links.issue_link(desk, name, actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", phone, "1.2.3.4", "ua")


def _drain(dispatcher: Dispatcher) -> None:
    while asyncio.run(dispatcher.run_once()):
        pass


def _automated(desk: Desk, e164: str, body: str) -> Message:
    """An automated text queued due now, past the queue-time check (the dispatcher judges)."""
    now = desk.clock.now()
    with desk.uow() as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        message = queue_text(
            uow, OutboundDraft(state.contact_id, e164, body, SendKind.AUTOMATED, "U1", now)
        )
        uow.commit()
    return message


def _message(desk: Desk, message_id: int) -> Message:
    with desk.uow(write=False) as uow:
        message = uow.messages.get(message_id)
    assert message is not None
    return message


def _setup(desk: Desk) -> tuple[RecordingGateway, RecordingNotifier, Dispatcher]:
    gateway, notifier = RecordingGateway(), RecordingNotifier()
    dispatcher = Dispatcher(desk, gateway, notifier)
    _opted_in(desk, "Ann Lee", "3055550100")
    _opted_in(desk, "Bo Chen", "2125550100")
    _drain(dispatcher)  # the opt-in confirmations
    gateway.sent.clear()
    notifier.posts.clear()
    return gateway, notifier, dispatcher


def test_the_dispatcher_sends_at_19_59_and_holds_at_20_00_in_florida(
    desk: Desk, clock: FixedClock
) -> None:
    gateway, notifier, dispatcher = _setup(desk)
    clock.at = datetime(2026, 7, 1, 23, 59, tzinfo=UTC)  # 19:59 in Miami
    _automated(desk, MIAMI, "at 19:59")
    _drain(dispatcher)
    assert [s[1] for s in gateway.sent] == ["at 19:59"]
    clock.at = datetime(2026, 7, 2, 0, 0, tzinfo=UTC)  # 20:00
    held = _automated(desk, MIAMI, "at 20:00")
    _automated(desk, NYC, "New York keeps 21:00")
    _drain(dispatcher)
    assert [s[1] for s in gateway.sent] == ["at 19:59", "New York keeps 21:00"]
    opens = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)  # 08:00 in Miami
    stored = _message(desk, held.id)
    assert (stored.status, stored.send_after) == (Delivery.WAITING, opens)
    assert stored.hold_reason == window_reason(FLORIDA)
    [note] = [p[2] for p in notifier.posts if p[2].kind == "held"]
    assert note.reason == window_reason(FLORIDA)  # type: ignore[union-attr]
    assert note.until == opens.isoformat()  # type: ignore[union-attr]
    clock.at = opens - timedelta(seconds=1)
    _drain(dispatcher)
    assert len(gateway.sent) == 2  # never early
    clock.at = opens
    _drain(dispatcher)
    assert gateway.sent[-1][1] == "at 20:00"
    assert [p[2].kind for p in notifier.posts].count("held") == 1  # told once


def test_the_fourth_automated_text_in_24_hours_waits_until_the_first_leaves(
    desk: Desk, clock: FixedClock
) -> None:
    gateway, _, dispatcher = _setup(desk)
    first = datetime(2026, 7, 1, 14, 15, 30, tzinfo=UTC)  # 10:15:30 in Miami
    for n in range(3):
        clock.at = first + timedelta(hours=n)
        _automated(desk, MIAMI, f"text {n + 1}")
        _drain(dispatcher)
    assert len(gateway.sent) == 3
    clock.at = first + timedelta(hours=5)
    fourth = _automated(desk, MIAMI, "text 4")
    _drain(dispatcher)
    assert len(gateway.sent) == 3
    stored = _message(desk, fourth.id)
    assert stored.send_after == first + timedelta(hours=24)  # exactly when the first leaves
    assert stored.hold_reason == waiting_reason(stored) == cap_reason(FLORIDA)
    _automated(desk, NYC, "no cap in New York")
    _automated(desk, NYC, "still none")
    staff.send_text(desk, "Ann Lee", "A reply typed by staff goes now", actor="U1")
    _drain(dispatcher)
    assert [s[1] for s in gateway.sent[3:]] == [
        "no cap in New York",
        "still none",
        "A reply typed by staff goes now",
    ]
    clock.at = first + timedelta(hours=24) - timedelta(seconds=1)
    _drain(dispatcher)
    assert gateway.sent[-1][1] != "text 4"
    clock.at = first + timedelta(hours=24)
    _drain(dispatcher)
    assert gateway.sent[-1][1] == "text 4"
    assert waiting_reason(_message(desk, fourth.id)) is None  # sent: no longer held


def test_a_scheduled_text_in_florida_after_20_00_is_held_and_says_why(
    desk: Desk, clock: FixedClock
) -> None:
    _, notifier, dispatcher = _setup(desk)
    at = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)  # 20:30 in Miami
    queued = staff.schedule_text(desk, "Ann Lee", at, "See you tomorrow", actor="U1")
    opens = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
    assert queued.wait is not None and queued.wait.state == FLORIDA
    assert queued.wait_until == opens == queued.message.send_after
    assert queued.message.hold_reason == window_reason(FLORIDA)
    _drain(dispatcher)
    assert [p[2].kind for p in notifier.posts] == ["held"]
    federal = staff.schedule_text(desk, "Bo Chen", at, "See you", actor="U1")
    assert federal.wait is None  # 20:30 in New York


def test_a_broadcast_counts_texts_held_by_state(desk: Desk, clock: FixedClock) -> None:
    _setup(desk)
    projects.new_project(desk, "Kitchen", "C1")
    for who in ("Ann Lee", "Bo Chen"):
        projects.set_project(desk, who, "Kitchen")
    clock.at = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)  # 20:30 in Miami and New York
    result = staff.broadcast(desk, "Kitchen", "Tomorrow at 9", actor="U1")
    assert (result.queued, result.waiting) == (2, 0)
    assert result.held == {"Florida (08:00-20:00 window)": 1}
    clock.at = datetime(2026, 7, 2, 16, 0, tzinfo=UTC)  # noon
    for n in range(2):
        staff.broadcast(desk, "Kitchen", f"more {n}", actor="U1")
    result = staff.broadcast(desk, "Kitchen", "the fourth", actor="U1")
    assert result.held == {"Florida (3 in 24 hours)": 1}
