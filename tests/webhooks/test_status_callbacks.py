"""POST /twilio/status: signed, idempotent, never lowering a message's status."""

from __future__ import annotations

from consent.model import Source, Status
from tests.webhooks.helpers import Site

PHONE = "+14155550100"


def _confirmation_sent(site: Site) -> str:
    """Opt PHONE in by questionnaire and deliver the confirmation; returns its Twilio sid."""
    site.answer(site.issue(), "yes", PHONE)
    site.dispatch()
    (sent,) = site.twilio.wait_for_sent(1)
    assert sent["status_callback"] == site.public_url + "/twilio/status"
    return str(sent["sid"])


def _status_of(site: Site) -> str:
    (message,) = site.messages_to(PHONE)
    return message.status


def test_status_callbacks_move_the_status_up(site: Site) -> None:
    sid = _confirmation_sent(site)
    assert _status_of(site) == "queued"
    for status in ("sent", "delivered"):
        response = site.status(sid, status)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text.endswith("<Response />")
    assert _status_of(site) == "delivered"


def test_a_late_sent_after_delivered_does_not_lower_the_status(site: Site) -> None:
    sid = _confirmation_sent(site)
    site.status(sid, "delivered")
    assert site.status(sid, "sent").status_code == 200
    assert _status_of(site) == "delivered"


def test_a_repeated_callback_changes_nothing_twice(site: Site) -> None:
    sid = _confirmation_sent(site)
    site.status(sid, "delivered")
    after_first = site.snapshot()  # outbox (Slack delivery note) included
    assert site.status(sid, "delivered").status_code == 200
    assert site.snapshot() == after_first


def test_error_21610_in_a_callback_opts_the_number_out_by_carrier(site: Site) -> None:
    sid = _confirmation_sent(site)
    assert site.status(sid, "undelivered", "21610").status_code == 200
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    assert state.source is Source.CARRIER and state.awaiting_start
    (message,) = site.messages_to(PHONE)
    assert message.status == "undelivered" and message.error == "Twilio error 21610"


def test_a_callback_for_an_unknown_message_is_answered_and_changes_nothing(site: Site) -> None:
    before = site.snapshot()
    assert site.status("SM" + "f" * 32, "delivered").status_code == 200
    assert site.snapshot() == before


def test_unsigned_or_incomplete_callbacks_are_refused(site: Site) -> None:
    sid = _confirmation_sent(site)
    before = site.snapshot()
    unsigned = site.http.post("/twilio/status", data={"MessageSid": sid, "MessageStatus": "failed"})
    assert unsigned.status_code == 403
    no_status = site.post_signed("/twilio/status", {"MessageSid": sid})
    assert no_status.status_code == 400
    bad_code = site.post_signed(
        "/twilio/status", {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "x1"}
    )
    assert bad_code.status_code == 400
    assert site.snapshot() == before
    assert _status_of(site) == "queued"
