"""The send gate is checked at the moment of sending: after the rate-limit wait, right before
the Twilio call, so a STOP that lands while a text waits for its slot wins."""

from __future__ import annotations

from consent.model import Status
from consent.records import Delivery
from consent.services import staff
from tests.webhooks.helpers import Site
from webhooks.twilio_gateway import RateLimiter, TwilioGateway

PHONE = "+14155550100"


def _opted_in(site: Site) -> None:
    site.answer(site.issue("Ann Lee"), "yes", "(415) 555-0100")
    site.dispatch()
    site.twilio.wait_for_sent(1)  # the opt-in confirmation


def test_a_stop_that_lands_during_the_rate_limit_wait_wins(site: Site) -> None:
    _opted_in(site)
    staff.send_text(site.desk, "Ann Lee", "Your photos are ready", actor="U1")
    now = [100.0]
    stops: list[int] = []

    def stop_lands_while_waiting(seconds: float) -> None:
        stops.append(site.text_in(PHONE, "STOP").status_code)
        now[0] += seconds

    gateway = site.dispatcher.gateway
    assert isinstance(gateway, TwilioGateway)
    gateway.limiter = RateLimiter(1, clock=lambda: now[0], sleep=stop_lands_while_waiting)
    gateway.limiter.wait()  # another text just took this second: the next one waits for its slot
    site.dispatch()
    assert stops == [200]  # the STOP arrived during the wait, before the Twilio call
    assert [m["body"] for m in site.twilio.sent][1:] == []  # nothing after the confirmation
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    (text,) = [m for m in site.messages_to(PHONE) if m.body == "Your photos are ready"]
    assert text.status == Delivery.REFUSED and "opted out" in (text.error or "")


def test_a_text_that_waited_for_its_slot_still_goes_out(site: Site) -> None:
    _opted_in(site)
    staff.send_text(site.desk, "Ann Lee", "Your photos are ready", actor="U1")
    now, slept = [100.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    gateway = site.dispatcher.gateway
    assert isinstance(gateway, TwilioGateway)
    gateway.limiter = RateLimiter(1, clock=lambda: now[0], sleep=sleep)
    gateway.limiter.wait()
    site.dispatch()
    assert slept == [1.0]
    assert site.twilio.wait_for_sent(2)[1]["body"] == "Your photos are ready"
