"""The Twilio form as read once: the same pairs as parse_qsl, the same signature as the SDK."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.exceptions import HTTPException
from twilio.request_validator import HMAC_SHA1, HMAC_SHA256, RequestValidator

from webhooks.forms import MAX_FIELDS, parse_pairs
from webhooks.twilio_form import SignatureCheck, TwilioForm

TOKEN = "12345678901234567890123456789012"
URL = "https://optdesk.example.com/twilio/sms?x=a%20b"
# Pieces that exercise decoding: escapes good and bad, plus signs, separators, NULs.
PIECES = ["a", "B", "=", "&", "+", "%", "%2", "%20", "%2B", "%C3%A9", "%FF", "%00", "\x00"]
PIECES += ["é", " ", "%zz", "%26", "%3D", ";", "%e2%82", "%AC", "😀", "%2b", "%2B%2B", "2B"]
names = st.sampled_from(["Body", "From", "MediaUrl0", "é", "", "a b", "Zed", "body"])
values = st.text(max_size=12)


def reference(body: bytes) -> list[tuple[str, str]] | None:
    """What the standard library reads (None: the 400 answer)."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return None if any("\x00" in k + v for k, v in pairs) else pairs


def parsed(body: bytes) -> list[tuple[str, str]] | None:
    try:
        return parse_pairs(body)
    except HTTPException as err:
        assert err.status_code == 400
        return None


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.binary(max_size=3))
def test_a_body_is_read_as_parse_qsl_reads_it(pieces: list[str], tail: bytes) -> None:
    body = "".join(pieces).encode() + tail
    assert parsed(body) == reference(body)


@pytest.mark.parametrize("fields", [MAX_FIELDS - 1, MAX_FIELDS, MAX_FIELDS + 1])
def test_the_field_limit_is_parse_qsls(fields: int) -> None:
    for body in ("&".join(["a=1"] * fields).encode(), b"&" * fields, b"&" * (fields - 1)):
        assert parsed(body) == reference(body)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(names, values), max_size=8),
    st.sampled_from([HMAC_SHA1, HMAC_SHA256, "hmac_sha256"]),
)
def test_the_signature_is_the_sdks(pairs: list[tuple[str, str]], algorithm: str) -> None:
    """Repeated names, blank and unicode values, either algorithm."""
    form = TwilioForm(pairs)
    sdk = RequestValidator(TOKEN).compute_signature(URL, form, algorithm)
    check = SignatureCheck(TOKEN)
    assert check.signature(URL, form, algorithm) == sdk
    assert check.ok(URL, form, sdk, algorithm)
    assert not check.ok(URL, form, sdk[:-2] + "AA", algorithm)


def test_an_unknown_algorithm_is_never_trusted() -> None:
    form = TwilioForm([("Body", "STOP")])
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    assert not SignatureCheck(TOKEN).ok(URL, form, signature, "HMAC_MD5")


def test_a_form_keeps_the_last_value_of_a_name_and_every_value_for_the_signature() -> None:
    form = TwilioForm([("Body", "a"), ("To", "x"), ("Body", "b")])
    assert dict(form) == {"Body": "b", "To": "x"}
    assert form.getlist("Body") == ["a", "b"] and form.getlist("From") == []
