"""The opt-out confirmation goes out within five minutes of the revocation it answers, or never:
a later consent event on the number does not revive a confirmation that is already late.
(Found by the consent state machine.)"""

from __future__ import annotations

import asyncio

from consent.records import InboundSms
from consent.services import inbound, links
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from tests.support import FixedClock, RecordingGateway, RecordingNotifier

ANN = "+14155550100"


def _dispatch(desk: Desk) -> list[tuple[str, str, int]]:
    gateway = RecordingGateway()
    asyncio.run(Dispatcher(desk, gateway, RecordingNotifier()).run_once())
    return gateway.sent


def test_a_late_opt_out_confirmation_is_not_revived_by_a_later_event(
    desk: Desk, clock: FixedClock
) -> None:
    token = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "(415) 555-0100", "203.0.113.9", "Mobile Safari")
    assert len(_dispatch(desk)) == 1  # the opt-in confirmation
    sms = InboundSms("SM" + "1" * 32, ANN, "+15005550006", "remove me from your list")
    inbound.handle_inbound(desk, sms)  # its confirmation is queued; the dispatcher is down
    clock.advance(minutes=90)
    links.submit_answer(desk, token, "no", None, "203.0.113.9", "Mobile Safari")  # a new event
    assert _dispatch(desk) == []  # 90 minutes late: it is dropped, not sent
