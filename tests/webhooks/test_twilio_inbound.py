"""POST /twilio/sms: signed like Twilio signs, answered in TwiML, acted on once."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import httpx
import pytest

from bot.notes import note_text
from consent import messages
from consent.keywords import (
    SPANISH_OPT_OUT_KEYWORDS,
    TWILIO_CUSTOM_OPT_OUT_KEYWORDS,
    TWILIO_OPT_OUT_KEYWORDS,
)
from consent.language import Language
from consent.model import Source, Status
from consent.notes import InboundNote
from tests.webhooks.conftest import BUSINESS, SiteFactory
from tests.webhooks.helpers import Site, inbound_form, new_sid, sign
from webhooks.twilio_hooks import BadForm, to_inbound_sms, twiml

PHONE = "+14155550100"


def replies(response: httpx.Response) -> list[str]:
    """The <Message> texts of a TwiML answer (checks it is well-formed XML)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.text.split("?>", 1)[1])  # noqa: S314 - our own answer
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def ledger_length(site: Site) -> int:
    return site.snapshot()["consent_event"]


def test_stop_in_twilio_mode_answers_nothing_and_opts_out(site: Site) -> None:
    assert replies(site.text_in(PHONE, "STOP")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    assert state.source is Source.SMS_KEYWORD and state.awaiting_start


def test_stop_in_app_mode_answers_one_escaped_confirmation(app_site: Site) -> None:
    response = app_site.text_in(PHONE, "Stop")
    assert replies(response) == [messages.opt_out_confirmation(BUSINESS)]
    assert "&amp; &lt;Branch&gt;" in response.text
    state = app_site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    assert app_site.dispatch() >= 0 and app_site.twilio.sent == []  # no second confirmation


def test_stop_with_punctuation_twilio_misses_is_confirmed_once_by_text(app_site: Site) -> None:
    # Twilio only matches the bare keyword: the app owes the confirmation, sent once by text.
    assert replies(app_site.text_in(PHONE, "stop.")) == []
    app_site.dispatch()
    (sent,) = app_site.twilio.wait_for_sent(1)
    assert sent["body"] == messages.opt_out_confirmation(BUSINESS)


def test_stop_carrying_opt_out_type_gets_no_reply_even_in_app_mode(app_site: Site) -> None:
    assert replies(app_site.text_in(PHONE, "STOP", OptOutType="STOP")) == []
    state = app_site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT


def test_start_in_app_mode_answers_the_resubscribe_confirmation(app_site: Site) -> None:
    app_site.text_in(PHONE, "STOP")
    assert replies(app_site.text_in(PHONE, "START")) == [
        messages.resubscribe_confirmation(BUSINESS)
    ]


def test_help_in_app_mode_names_the_business_and_how_to_reach_it(app_site: Site) -> None:
    (answer,) = replies(app_site.text_in(PHONE, "HELP"))
    assert answer == messages.help_answer(BUSINESS, "hello@bloom.example")
    assert "hello@bloom.example" in answer and "STOP" in answer


def test_help_in_twilio_mode_is_left_to_twilio(site: Site) -> None:
    assert replies(site.text_in(PHONE, "HELP")) == []


def test_a_revocation_in_words_opts_out_and_one_confirmation_reaches_twilio(site: Site) -> None:
    assert replies(site.text_in(PHONE, "please stop texting me")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    site.dispatch()
    site.dispatch()
    sent = site.twilio.wait_for_sent(1)
    assert len(sent) == 1
    assert sent[0]["to"] == PHONE and sent[0]["body"] == messages.opt_out_confirmation(BUSINESS)


def test_a_retried_message_sid_acts_once(app_site: Site) -> None:
    form = inbound_form(PHONE, "STOP", new_sid())
    first = app_site.post_signed("/twilio/sms", form)
    after_first = app_site.snapshot()
    second = app_site.post_signed("/twilio/sms", form)
    assert len(replies(first)) == 1
    assert replies(second) == []  # the retry is answered, but nothing happens twice
    assert app_site.snapshot() == after_first


def test_concurrent_deliveries_of_one_message_sid_act_once(app_site: Site) -> None:
    form = inbound_form(PHONE, "STOP", new_sid())
    signature = sign(app_site.auth_token, app_site.public_url + "/twilio/sms", form)
    results: list[httpx.Response] = []
    lock = threading.Lock()
    gate = threading.Barrier(8)

    def deliver() -> None:
        with httpx.Client(base_url=app_site.server.url, trust_env=False, timeout=30) as client:
            gate.wait()
            response = client.post(
                "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
            )
        with lock:
            results.append(response)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8
    answered = [replies(r) for r in results]
    assert sum(1 for r in answered if r) == 1
    counts = app_site.snapshot()
    assert counts["consent_event"] == 1
    assert counts["idempotency_key"] == 1
    assert [m.direction for m in app_site.messages_to(PHONE)] == ["in"]


def test_forged_missing_and_misaddressed_signatures_are_refused(site: Site) -> None:
    form = inbound_form(PHONE, "STOP", new_sid())
    before = site.snapshot()
    attempts = [
        site.http.post("/twilio/sms", data=form),
        site.http.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": ""}),
        site.http.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": "Zm9yZ2Vk"}),
        site.post_signed("/twilio/sms", form, token="not-the-auth-token"),
        # signed for the address the app sees, not the public URL Twilio was given
        site.post_signed("/twilio/sms", form, signed_url=site.server.url + "/twilio/sms"),
        site.post_signed("/twilio/sms", form, signed_url=site.public_url + "/twilio/status"),
    ]
    tampered = dict(form, Body="START")
    signature = sign(site.auth_token, site.public_url + "/twilio/sms", form)
    attempts.append(
        site.http.post("/twilio/sms", data=tampered, headers={"X-Twilio-Signature": signature})
    )
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert site.snapshot() == before
    assert site.number(PHONE) is None


def test_blank_fields_are_part_of_the_signed_string(site: Site) -> None:
    form = inbound_form(PHONE, "hello there", new_sid())
    assert form["FromZip"] == "" and form["ToCity"] == ""
    without_blanks = {k: v for k, v in form.items() if v != ""}
    wrong = sign(site.auth_token, site.public_url + "/twilio/sms", without_blanks)
    refused = site.http.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": wrong})
    assert refused.status_code == 403
    assert replies(site.post_signed("/twilio/sms", form)) == []
    assert [m.body for m in site.messages_to(PHONE)] == ["hello there"]


def test_the_query_string_is_part_of_the_signed_url(site: Site) -> None:
    form = inbound_form(PHONE, "hi", new_sid())
    path = "/twilio/sms?source=main&x=a%20b"
    signature = sign(site.auth_token, site.public_url + path, form)
    ok = site.http.post(path, data=form, headers={"X-Twilio-Signature": signature})
    assert ok.status_code == 200
    bare = sign(site.auth_token, site.public_url + "/twilio/sms", form)
    form2 = inbound_form(PHONE, "hi again", new_sid())
    bare = sign(site.auth_token, site.public_url + "/twilio/sms", form2)
    refused = site.http.post(path, data=form2, headers={"X-Twilio-Signature": bare})
    assert refused.status_code == 403


def test_a_signature_over_the_default_port_is_accepted(site: Site) -> None:
    form = inbound_form(PHONE, "port test", new_sid())
    ok = site.post_signed(
        "/twilio/sms", form, signed_url="https://optdesk.example.com:443/twilio/sms"
    )
    assert ok.status_code == 200


def test_no_auth_token_configured_means_every_webhook_is_refused(make_site: SiteFactory) -> None:
    site = make_site(with_token=False)
    before = site.snapshot()
    assert site.text_in(PHONE, "STOP").status_code == 403
    assert site.status("SM" + "a" * 32, "delivered").status_code == 403
    assert site.snapshot() == before


def test_missing_message_sid_or_from_is_a_clean_400(site: Site) -> None:
    before = site.snapshot()
    no_sid = inbound_form(PHONE, "STOP", "")
    no_from = inbound_form("", "STOP", new_sid())
    for form in (no_sid, no_from):
        response = site.post_signed("/twilio/sms", form)
        assert response.status_code == 400
        assert "Traceback" not in response.text
    assert site.snapshot() == before


def test_mms_media_is_kept_with_the_message(site: Site) -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    site.text_in(PHONE, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    (message,) = site.messages_to(PHONE)
    assert url in message.media


def test_an_unknown_number_texting_stop_is_created_opted_out(site: Site) -> None:
    site.text_in("+447700900123", "Stop")
    state = site.number("+447700900123")
    assert state is not None and state.status is Status.OPTED_OUT


# to_inbound_sms and twiml, as functions ---------------------------------------------------


def test_to_inbound_sms_translates_twilio_fields() -> None:
    form = inbound_form(
        "+14155550100",
        "Hi 👋",
        "MM" + "b" * 32,
        NumMedia="2",
        MediaUrl0="https://m/0",
        MediaContentType0="image/png",
        MediaUrl1="https://m/1",
        MediaContentType1="video/mp4",
        OptOutType="stop",
    )
    sms = to_inbound_sms(form)
    assert sms.sid == "MM" + "b" * 32 and sms.from_ == "+14155550100" and sms.body == "Hi 👋"
    assert sms.media == (("https://m/0", "image/png"), ("https://m/1", "video/mp4"))
    assert sms.opt_out_type == "STOP"
    assert sms.to == "+14155550199"
    assert sms.extra["FromZip"] == "" and "Body" not in sms.extra


def test_to_inbound_sms_normalises_a_national_from_number() -> None:
    sms = to_inbound_sms(inbound_form(" (415) 555-0100 ", "x", new_sid()), "US")
    assert sms.from_ == "+14155550100"


@pytest.mark.parametrize(
    "changes",
    [
        {"MessageSid": "", "SmsMessageSid": ""},
        {"MessageSid": "SM123", "SmsMessageSid": ""},
        {"From": ""},
        {"From": "whatsapp:+14155550100"},
        {"From": "Bloom"},
    ],
)
def test_to_inbound_sms_refuses_forms_it_cannot_use(changes: dict[str, str]) -> None:
    form = {**inbound_form(PHONE, "x", new_sid()), **changes}
    with pytest.raises(BadForm):
        to_inbound_sms(form)


def test_twiml_escapes_the_reply() -> None:
    body = bytes(twiml('Tom & Jerry\'s <"shop">').body).decode()
    root = ET.fromstring(body.split("?>", 1)[1])  # noqa: S314 - our own answer
    assert root.find("Message").text == 'Tom & Jerry\'s <"shop">'  # type: ignore[union-attr]
    assert bytes(twiml(None).body).decode().endswith("<Response />")


def _inbound_note(site: Site, body: str) -> InboundNote:
    site.dispatch()
    notes = [note for _, _, note in site.notifier.posts if isinstance(note, InboundNote)]
    [note] = [note for note in notes if note.body == body]
    return note


def test_a_wrong_number_reply_opts_out_and_the_slack_note_says_why(site: Site) -> None:
    assert replies(site.text_in(PHONE, "Sorry, you have the wrong person")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is Status.OPTED_OUT
    text = note_text(_inbound_note(site, "Sorry, you have the wrong person"), plain_text=True)
    assert "wrong-number reply" in text
    assert "“wrong person”" in text
    assert "the number is opted out" in text


def test_a_flagged_text_names_the_words_that_triggered_it(site: Site) -> None:
    assert replies(site.text_in(PHONE, "I need to cancel my appointment")) == []
    state = site.number(PHONE)
    assert state is not None and state.status is not Status.OPTED_OUT
    text = note_text(_inbound_note(site, "I need to cancel my appointment"), plain_text=True)
    assert "might be a request to stop texting" in text
    assert "“cancel” (opt-out word)" in text


def test_a_revocation_in_words_names_its_rule_in_the_note(site: Site) -> None:
    site.text_in(PHONE, "stop all these f***ing texts")
    note = _inbound_note(site, "stop all these f***ing texts")
    text = note_text(note, plain_text=True)
    assert "“stop all these f***ing texts” (stop + the texts)" in text
    assert note.rule == "stop + the texts"


def test_twilio_own_keywords_get_no_second_confirmation_and_the_others_get_one(site: Site) -> None:
    # Without OptOutType (a plain number), Twilio still answers its own keywords; REMOVE,
    # ARRET and the Spanish words it does not know, so the app confirms those, once each.
    own = sorted(TWILIO_OPT_OUT_KEYWORDS)
    custom = list(TWILIO_CUSTOM_OPT_OUT_KEYWORDS)
    phones = {word: f"+1415555{index:04d}" for index, word in enumerate(own + custom, 200)}
    for word, phone in phones.items():
        assert replies(site.text_in(phone, word.upper())) == []
        state = site.number(phone)
        assert state is not None and state.status is Status.OPTED_OUT, word
    site.dispatch()
    site.dispatch()
    sent = site.twilio.wait_for_sent(len(custom))
    assert sorted(text["to"] for text in sent) == sorted(phones[word] for word in custom)
    # A number never seen before is answered in its keyword's language (SPEC §1).
    spanish = messages.opt_out_confirmation(BUSINESS, Language.ES)
    english = messages.opt_out_confirmation(BUSINESS)
    by_phone = {text["to"]: text["body"] for text in sent}
    for word in custom:
        wanted = spanish if word in SPANISH_OPT_OUT_KEYWORDS else english
        assert by_phone[phones[word]] == wanted, word
