"""One opt-out gets at most one confirmation (SPEC §1): a confirmation queued for an opt-out
that a START has since ended is never sent, not even for the next opt-out, which has its own.
(Found by the consent state machine's long run.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from consent.records import InboundSms
from consent.services import inbound
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from tests.consent.services.consent_machine import ConsentMachine
from tests.support import FixedClock, RecordingGateway, RecordingNotifier

CY = "+13055550103"
SENDER = "+15005550006"


def _text_in(desk: Desk, body: str, n: int) -> None:
    inbound.handle_inbound(desk, InboundSms(f"SM{n:032x}", CY, SENDER, body))


def test_a_confirmation_of_an_opt_out_ended_by_start_is_not_sent_for_the_next_opt_out(
    desk: Desk, clock: FixedClock
) -> None:
    gateway = RecordingGateway()
    _text_in(desk, "stop.", 1)  # a revocation in words: the app owes its one confirmation
    Dispatcher(desk, gateway, RecordingNotifier()).claim()  # leased, then the dispatcher dies
    clock.advance(minutes=1)
    _text_in(desk, "START", 2)  # that opt-out is over
    _text_in(desk, "ARRET", 3)  # a new opt-out, with its own confirmation
    dispatcher = Dispatcher(desk, gateway, RecordingNotifier())
    asyncio.run(dispatcher.run_once())
    assert [to for to, _body, _id in gateway.sent] == [CY]  # the new opt-out's confirmation
    clock.advance(minutes=4)  # the dead dispatcher's lease has run out
    asyncio.run(dispatcher.run_once())
    assert [to for to, _body, _id in gateway.sent] == [CY]  # the old one is not a second


def _in_order(*steps: Callable[[ConsentMachine], object]) -> None:
    """Run a machine sequence in order, checking the machine's invariants after each step."""
    state = ConsentMachine()
    try:
        for step in steps:
            step(state)
            state.every_status_equals_the_replay_of_its_events()
            state.ledger_verify_passes()
            state.no_text_reached_a_number_that_had_not_opted_in()
    finally:
        state.teardown()


def test_start_then_a_new_revocation_get_one_confirmation_in_the_consent_machine() -> None:
    """The machine's failing sequence, shortened by hand, run in order with its invariants."""
    _in_order(
        lambda m: m.start(keywords_by="twilio"),
        lambda m: m.client_texts(body="stop.", flagged=False, phone=CY),
        lambda m: m.dispatcher_dies_mid_pass(),
        lambda m: m.time_passes(minutes=1),
        lambda m: m.client_texts(body="START", flagged=False, phone=CY),
        lambda m: m.client_texts(body="ARRET", flagged=False, phone=CY),
        lambda m: m.dispatcher_runs(passes=1),
        lambda m: m.time_passes(minutes=4),
        lambda m: m.dispatcher_runs(passes=1),
    )


def test_a_confirmation_queued_before_yes_and_a_staff_opt_out_is_never_sent() -> None:
    """The drill's find (2026-11-29): a revocation in words queues a confirmation; YES
    ends that opt-out; staff then opt the number out in the same instant. The old
    confirmation must not go: the owner texted no opt-out since."""
    bo = "+12125550101"
    _in_order(
        lambda m: m.start(keywords_by="twilio"),
        lambda m: m.client_changes_number(name="Bo Chen", phone=bo),
        lambda m: m.client_texts(body="please stop texting me", flagged=False, phone=bo),
        lambda m: m.client_texts(body="YES", flagged=False, phone=bo),
        lambda m: m.staff_opts_out(name="Bo Chen"),
        lambda m: m.dispatcher_runs(passes=1),
    )
