"""TwilioGateway on the real twilio SDK against FakeTwilio, alone and under the dispatcher."""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from consent.model import Source, Status
from consent.senders import SmsError
from consent.services.staff import send_text
from tests.fakes import FakeTwilio
from tests.webhooks.conftest import SENDER, SiteFactory
from tests.webhooks.helpers import Site
from webhooks.local_gateway import LocalGateway
from webhooks.twilio_gateway import RateLimiter, TwilioGateway

TO = "+14155550100"
CALLBACK = "https://optdesk.example.com/twilio/status"


def _gateway(tw: FakeTwilio, **kwargs: object) -> TwilioGateway:
    options: dict[str, object] = {
        "from_number": SENDER,
        "status_callback": CALLBACK,
        "api_url": tw.base_url,
        "timeout": 2.0,
        "per_second": 1000,
    }
    options.update(kwargs)
    return TwilioGateway(tw.account_sid, tw.auth_token, **options)  # type: ignore[arg-type]


def test_send_uses_the_from_number_and_asks_for_status_callbacks(fake_twilio: FakeTwilio) -> None:
    result = _gateway(fake_twilio).send(TO, "Hello & welcome", 7)
    (sent,) = fake_twilio.sent
    assert result.sid == sent["sid"] and result.status == "queued"
    assert sent["to"] == TO and sent["from_"] == SENDER and sent["body"] == "Hello & welcome"
    assert sent["status_callback"] == CALLBACK


def test_a_messaging_service_is_used_when_given(fake_twilio: FakeTwilio) -> None:
    service = "MG" + "1" * 32
    result = _gateway(fake_twilio, from_number=None, messaging_service_sid=service).send(TO, "x", 1)
    (sent,) = fake_twilio.sent
    assert sent["messaging_service_sid"] == service and sent["from_"] is None
    assert result.status == "accepted"


def test_a_loopback_status_callback_is_left_out(fake_twilio: FakeTwilio) -> None:
    _gateway(fake_twilio, status_callback="http://localhost:8000/twilio/status").send(TO, "x", 1)
    assert fake_twilio.sent[0]["status_callback"] is None


def test_a_gateway_needs_a_sender(fake_twilio: FakeTwilio) -> None:
    with pytest.raises(ValueError):
        _gateway(fake_twilio, from_number=None)


def test_21610_is_permanent_and_means_unsubscribed(fake_twilio: FakeTwilio) -> None:
    fake_twilio.block_number(TO)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).send(TO, "x", 1)
    assert caught.value.unsubscribed and caught.value.permanent and caught.value.code == 21610
    assert "unsubscribed" in caught.value.reason


def test_an_invalid_number_is_permanent(fake_twilio: FakeTwilio) -> None:
    fake_twilio.invalid_number(TO)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).send(TO, "x", 1)
    assert caught.value.permanent and not caught.value.unsubscribed and caught.value.code == 21211
    assert "not a valid phone number" in caught.value.reason


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 21614, True),
        (400, 21612, True),
        (400, 21408, True),
        (400, 21606, True),
        (404, 20404, True),
        (401, 20003, False),
        (429, 20429, False),
        (500, 20500, False),
        (502, 20502, False),
        (503, 20503, False),
    ],
)
def test_twilio_errors_map_to_permanent_or_transient(
    fake_twilio: FakeTwilio, status: int, code: int, permanent: bool
) -> None:
    fake_twilio.fail_with(status, code, times=1)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).send(TO, "x", 1)
    assert caught.value.permanent is permanent
    assert not caught.value.unsubscribed


def test_a_non_json_error_page_is_transient(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_with(502, body="<html>Bad gateway</html>", times=1)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).send(TO, "x", 1)
    assert not caught.value.permanent


def test_a_timeout_is_transient(fake_twilio: FakeTwilio) -> None:
    fake_twilio.hang(10, times=1)
    started = time.monotonic()
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio, timeout=0.3).send(TO, "x", 1)
    assert not caught.value.permanent
    assert time.monotonic() - started < 5


def test_a_refused_connection_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gateway = TwilioGateway(
        "AC" + "0" * 32, "token", from_number=SENDER, api_url=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(SmsError) as caught:
        gateway.send(TO, "x", 1)
    assert not caught.value.permanent


def test_the_rate_limiter_spaces_calls_evenly() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    limiter = RateLimiter(2, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.5, 0.5]


def test_the_rate_limiter_holds_across_threads() -> None:
    limiter = RateLimiter(50)
    started = time.monotonic()
    threads = [threading.Thread(target=limiter.wait) for _ in range(11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert time.monotonic() - started >= 0.19  # 11 calls at 50/s: the last waits 10 slots


def test_the_gateway_honours_its_rate(fake_twilio: FakeTwilio) -> None:
    gateway = _gateway(fake_twilio, per_second=20)
    started = time.monotonic()
    for n in range(5):
        gateway.pace()
        gateway.send(TO, f"text {n}", n)
    assert time.monotonic() - started >= 0.19
    assert len(fake_twilio.sent) == 5


def test_local_gateway_logs_loudly_and_sends_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="optdesk.local"):
        result = LocalGateway().send(TO, "Hi there", 3)
    assert result.sid.startswith("LOCAL") and len(result.sid) == 35
    assert "LOCAL MODE: text to +14155550100 : Hi there" in caplog.text


# Under the dispatcher --------------------------------------------------------------------


def _opted_in(site: Site) -> None:
    assert site.answer(site.issue(), "yes", TO).status_code == 200


def test_twilio_down_then_back_sends_the_text_once(site: Site) -> None:
    site.twilio.fail_with(500, times=2)
    _opted_in(site)
    site.dispatch()
    assert site.twilio.sent == []
    site.clock.advance(seconds=3)
    site.dispatch()
    assert site.twilio.sent == []
    site.clock.advance(seconds=5)
    site.dispatch()
    site.clock.advance(seconds=60)
    site.dispatch()
    assert len(site.twilio.sent) == 1
    (message,) = site.messages_to(TO)
    assert message.twilio_sid == site.twilio.sent[0]["sid"]


def test_a_timed_out_send_is_retried_and_sent_once(make_site: SiteFactory) -> None:
    # The hung request outlives the test (FakeTwilio drops it unprocessed at stop): see the
    # gateway's docstring on why a real read timeout can't be told apart from a lost request.
    site = make_site(timeout=0.3)
    site.twilio.hang(60, times=1)
    _opted_in(site)
    site.dispatch()
    assert site.twilio.sent == []
    site.clock.advance(seconds=3)
    site.dispatch()
    site.clock.advance(seconds=60)
    site.dispatch()
    assert len(site.twilio.sent) == 1
    (message,) = site.messages_to(TO)
    assert message.twilio_sid == site.twilio.sent[0]["sid"]


def test_21610_on_send_opts_the_number_out_by_carrier(site: Site) -> None:
    site.twilio.block_number(TO)
    _opted_in(site)
    site.dispatch()
    state = site.number(TO)
    assert state is not None and state.status is Status.OPTED_OUT
    assert state.source is Source.CARRIER and state.awaiting_start
    (message,) = site.messages_to(TO)
    assert message.status == "failed" and "unsubscribed" in (message.error or "")


def test_a_stop_between_queueing_and_sending_wins(site: Site) -> None:
    _opted_in(site)  # the confirmation is queued ...
    site.text_in(TO, "STOP")  # ... and the client says STOP before it goes out
    site.dispatch()
    assert site.twilio.sent == []
    (message, _stop) = site.messages_to(TO)
    assert message.status == "refused"


def test_a_staff_text_reaches_twilio_only_while_opted_in(site: Site) -> None:
    _opted_in(site)
    send_text(site.desk, TO, "Your order is ready", actor="U1")
    site.dispatch()
    bodies = [s["body"] for s in site.twilio.wait_for_sent(2)]
    assert "Your order is ready" in bodies


# Lost answers: uncertain failures and looking before sending again -----------------------


def test_a_read_timeout_is_uncertain(fake_twilio: FakeTwilio) -> None:
    fake_twilio.hang(10, times=1)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio, timeout=0.3).send(TO, "x", 1)
    assert caught.value.uncertain and not caught.value.permanent


def test_a_refused_connection_is_certain_nothing_was_sent() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gateway = TwilioGateway(
        "AC" + "0" * 32, "token", from_number=SENDER, api_url=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(SmsError) as caught:
        gateway.send(TO, "x", 1)
    assert not caught.value.uncertain


@pytest.mark.parametrize(("status", "uncertain"), [(500, False), (503, False), (504, True)])
def test_only_a_gateway_timeout_answer_is_uncertain(
    fake_twilio: FakeTwilio, status: int, uncertain: bool
) -> None:
    fake_twilio.fail_with(status, times=1)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).send(TO, "x", 1)
    assert caught.value.uncertain is uncertain


def test_find_sent_finds_a_text_twilio_took_after_the_client_gave_up(
    fake_twilio: FakeTwilio,
) -> None:
    gateway = _gateway(fake_twilio, timeout=0.3)
    since = datetime.now(UTC) - timedelta(seconds=5)
    fake_twilio.hang(30, times=1)
    with pytest.raises(SmsError):
        gateway.send(TO, "Your table is ready", 1)
    assert gateway.find_sent(TO, "Your table is ready", since) == []  # still hanging
    fake_twilio.clear_faults()  # Twilio takes it after all
    (sent,) = fake_twilio.wait_for_sent(1)
    (found,) = gateway.find_sent(TO, "Your table is ready", since)
    assert found.sid == sent["sid"] and found.status == "sent"


def test_find_sent_matches_number_body_sender_and_time(fake_twilio: FakeTwilio) -> None:
    gateway = _gateway(fake_twilio)
    before = datetime.now(UTC) - timedelta(seconds=5)
    ours = gateway.send(TO, "See you at 5", 1)
    gateway.send("+14155550101", "See you at 5", 2)  # another number
    gateway.send(TO, "See you at 6", 3)  # another body
    fake_twilio.client().messages.create(to=TO, from_="+15550009999", body="See you at 5")
    assert [r.sid for r in gateway.find_sent(TO, "See you at 5", before)] == [ours.sid]
    assert gateway.find_sent(TO, "See you at 5", datetime.now(UTC) + timedelta(minutes=1)) == []


def test_find_sent_sees_a_text_still_queued_at_twilio(fake_twilio: FakeTwilio) -> None:
    service = "MG" + "2" * 32
    gateway = _gateway(fake_twilio, from_number=None, messaging_service_sid=service)
    fake_twilio.hold_queue()  # no date_sent yet: a DateSent filter would miss it
    sent = gateway.send(TO, "Queued", 1)
    (found,) = gateway.find_sent(TO, "Queued", datetime.now(UTC) - timedelta(minutes=1))
    assert (found.sid, found.status) == (sent.sid, "accepted")


def test_find_sent_failing_says_so(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_with(500, times=1)
    with pytest.raises(SmsError) as caught:
        _gateway(fake_twilio).find_sent(TO, "x", datetime.now(UTC))
    assert not caught.value.permanent


def test_a_timed_out_text_that_twilio_took_is_adopted_not_sent_again(
    make_site: SiteFactory,
) -> None:
    site = make_site(timeout=0.3)
    site.twilio.hang(1, times=1)
    _opted_in(site)  # the confirmation's send times out, but Twilio takes it a moment later
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1, timeout=10)
    site.clock.advance(seconds=30)
    site.dispatch()  # too soon after an uncertain failure: nothing happens
    assert [r.method for r in site.twilio.requests] == ["POST"]
    site.clock.advance(minutes=2)
    site.dispatch()
    assert len(site.twilio.sent) == 1
    (message,) = site.messages_to(TO)
    assert message.twilio_sid == sent["sid"] and message.status == "sent"
