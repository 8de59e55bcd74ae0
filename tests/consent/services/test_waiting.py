"""Cancelling a waiting text races the dispatcher: one answer or the other, never both."""

from __future__ import annotations

import asyncio
import threading

import pytest

from consent.errors import NotFound
from consent.services import links, staff, waiting
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from tests.support import FixedClock, RecordingGateway, RecordingNotifier

ROUNDS = 12


def _opted_in(desk: Desk, name: str, phone: str) -> None:
    token = links.issue_link(desk, name, actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", phone, "1.2.3.4", "ua")


def _drain(dispatcher: Dispatcher) -> None:
    while asyncio.run(dispatcher.run_once()):
        pass


def _cancel(desk: Desk, tid: str, start: threading.Barrier, answer: list[object]) -> None:
    start.wait()
    try:
        answer.append(waiting.cancel(desk, tid, actor="U2"))
    except NotFound as err:
        answer.append(err)


def test_a_text_is_either_cancelled_or_sent_never_both(desk: Desk, clock: FixedClock) -> None:
    _opted_in(desk, "Ann Lee", "4155550100")
    gateway = RecordingGateway()
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    _drain(dispatcher)  # the opt-in confirmation
    outcomes = set()
    for n in range(ROUNDS):
        queued = staff.send_text(desk, "Ann Lee", f"round {n}", actor="U1")
        start = threading.Barrier(2)
        answer: list[object] = []
        tid = f"t{queued.message.id}"
        worker = threading.Thread(target=_cancel, args=(desk, tid, start, answer))
        worker.start()
        start.wait()
        asyncio.run(dispatcher.run_once())
        worker.join(10)
        sent = [body for _to, body, _id in gateway.sent if body == f"round {n}"]
        [result] = answer
        if isinstance(result, waiting.Cancelled):
            assert sent == [], "a cancelled text went out"
            outcomes.add("cancelled")
        else:
            assert isinstance(result, NotFound) and "already gone out" in result.reason
            assert sent == [f"round {n}"], "a text refused cancelling was never sent"
            outcomes.add("sent")
        _drain(dispatcher)  # a cancelled text is never sent later either
        assert [b for _to, b, _id in gateway.sent if b == f"round {n}"] == sent
        clock.advance(seconds=1)
    assert outcomes  # at least one side won each round (which, the scheduler decides)


def test_a_cancelled_broadcast_never_sends(desk: Desk, clock: FixedClock) -> None:
    from consent.services.projects import new_project, set_project

    new_project(desk, "Kitchen", None)
    for name, phone in (("Ann", "4155550100"), ("Ben", "4155550123")):
        _opted_in(desk, name, phone)
        set_project(desk, name, "Kitchen")
    gateway = RecordingGateway()
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    _drain(dispatcher)
    staff.broadcast(desk, "Kitchen", "hello all", actor="U1")
    [line] = waiting.scheduled(desk)
    assert line.broadcast and line.count == 2
    result = waiting.cancel(desk, line.id, actor="U1")
    assert (result.cancelled, result.gone) == (2, 0)
    _drain(dispatcher)
    assert "hello all" not in [body for _to, body, _id in gateway.sent]
    with pytest.raises(NotFound, match="already cancelled"):
        waiting.cancel(desk, line.id, actor="U1")


def test_the_answers_the_desk_owes_a_client_are_not_staffs_to_cancel(desk: Desk) -> None:
    _opted_in(desk, "Ann", "4155550100")  # its opt-in confirmation waits in the outbox
    assert waiting.scheduled(desk) == []
    with pytest.raises(NotFound, match="not staff's to cancel"):
        waiting.cancel(desk, "t1", actor="U1")
