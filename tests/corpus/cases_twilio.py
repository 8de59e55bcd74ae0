"""Bad input for `POST /twilio/sms` and `POST /twilio/status`, as a table of cases.

Forgeries and replays must get 403 and change nothing (Ann stays opted in: a forged STOP
from her number is the attack that matters). Signed but unusable forms get 400, wrong
content types 415, oversized bodies 413. Signed odd-but-valid texts (emoji, markup, odd
sender formats Twilio never sends but phonenumbers reads) are accepted: they come from
Twilio, so they change state, and what Slack later shows of them is checked for escaping.
"""

from __future__ import annotations

import gzip
import json
from urllib.parse import urlencode

from tests.corpus.check import Case, Send, case, unique
from tests.corpus.world import (
    ANN,
    EVE,
    FORM,
    PUBLIC_URL,
    STRANGER,
    TWILIO_TOKEN,
    World,
    fresh_phone,
    sign_multi,
    sms_form,
)
from tests.webhooks.helpers import new_sid

SMS = "/twilio/sms"
STATUS = "/twilio/status"


# ------------------------------------------------------------------ builders


def sms(
    from_: str = STRANGER, body: str = "hello", *, drop: tuple[str, ...] = (), **extra: str
) -> Send:
    """A correctly signed inbound form (a fresh sid each time), some fields changed/dropped."""

    def send(w: World) -> object:
        form = sms_form(from_, body, **extra)
        for name in drop:
            form.pop(name, None)
        return w.twilio(SMS, form)

    return send  # type: ignore[return-value]


def sms_pairs(*extra: tuple[str, str], drop: tuple[str, ...] = (), from_: str = STRANGER) -> Send:
    """A signed inbound form with repeated fields (signed as Twilio signs repeats)."""

    def send(w: World) -> object:
        form = sms_form(from_, "hello")
        pairs = [(k, v) for k, v in form.items() if k not in drop]
        return w.twilio(SMS, [*pairs, *extra])

    return send  # type: ignore[return-value]


def forged_body(**sent: str) -> Send:
    """Signed for one form ("hello" from Ann), sent with some fields changed."""

    def send(w: World) -> object:
        signed = sms_form(ANN, "hello")
        return w.twilio(SMS, {**signed, **sent}, sign_params=signed)

    return send  # type: ignore[return-value]


def forged_drop(name: str) -> Send:
    def send(w: World) -> object:
        signed = sms_form(ANN, "STOP")
        sent = {k: v for k, v in signed.items() if k != name}
        return w.twilio(SMS, sent, sign_params=signed)

    return send  # type: ignore[return-value]


def replayed_sid(*fields: str) -> Send:
    """A genuine signed STOP from Ann, replayed with other sid(s): the signature no longer fits."""

    def send(w: World) -> object:
        signed = sms_form(ANN, "STOP")
        sid = new_sid()
        return w.twilio(SMS, {**signed, **dict.fromkeys(fields, sid)}, sign_params=signed)

    return send  # type: ignore[return-value]


def signed_for_url(url: str, path: str = SMS, query: str = "") -> Send:
    def send(w: World) -> object:
        return w.twilio(path, sms_form(ANN, "STOP"), signed_url=url, query=query)

    return send  # type: ignore[return-value]


def signature(make: str) -> Send:
    """A STOP from Ann whose signature header is the right one, mangled by `make`."""

    def send(w: World) -> object:
        form = sms_form(ANN, "STOP")
        good = sign_multi(TWILIO_TOKEN, PUBLIC_URL + SMS, list(form.items()))
        bad = {
            "lower": good.lower(),
            "upper": good.upper(),
            "spaces": good[:8] + " " + good[8:],
            "truncated": good[:-2],
            "doubled": good + good,
            "no-padding": good.rstrip("="),
            "hex": good.encode().hex(),
            "prefixed": "sha1=" + good,
        }[make]
        return w.twilio(SMS, form, signature=bad)

    return send  # type: ignore[return-value]


def two_signature_headers(w: World) -> object:
    form = sms_form(ANN, "STOP")
    good = sign_multi(TWILIO_TOKEN, PUBLIC_URL + SMS, list(form.items()))
    headers = [
        ("Content-Type", FORM),
        ("X-Twilio-Signature", "Zm9yZ2Vk"),
        ("X-Twilio-Signature", good),
    ]
    return w.http.post(SMS, content=urlencode(form).encode(), headers=headers)


def replay_twice(first: dict[str, str], second: dict[str, str] | None = None) -> tuple[Send, Send]:
    """(setup, send): the setup posts a signed form once; the case posts it (or a variant
    with the same MessageSid) again, which must change nothing."""
    sent: dict[str, dict[str, str]] = {}

    def setup(w: World) -> None:
        form = {**first, "MessageSid": new_sid()}
        form["SmsSid"] = form["SmsMessageSid"] = form["MessageSid"]
        sent["form"] = form
        assert w.twilio(SMS, form).status_code == 200

    def send(w: World) -> object:
        again = dict(sent["form"])
        for key, value in (second or {}).items():
            again[key] = value
        return w.twilio(SMS, again)

    return setup, send  # type: ignore[return-value]


def raw(
    body: bytes | str, content_type: str | None = FORM, path: str = SMS, **headers: str
) -> Send:
    """Bytes as they are, with a random signature (the body must get read before the check)."""
    data = body.encode() if isinstance(body, str) else body
    return lambda w: w.twilio_raw(path, data, content_type, headers=headers)


def raw_signed(body: str, pairs: list[tuple[str, str]], path: str = SMS) -> Send:
    """Odd bytes, correctly signed over what they parse to: only the parser stands in the way."""
    return lambda w: w.twilio_raw(path, body.encode(), FORM, sign_params=pairs)


def typed(content_type: str | None, path: str = SMS) -> Send:
    """A correctly signed form under another content type."""

    def send(w: World) -> object:
        form = sms_form(ANN, "STOP")
        headers = {"Content-Type": content_type} if content_type else {}
        if content_type is None:
            return w.twilio_raw(
                path, urlencode(form).encode(), None, sign_params=list(form.items())
            )
        return w.twilio(path, form, headers=headers)

    return send  # type: ignore[return-value]


def as_json(path: str = SMS) -> Send:
    def send(w: World) -> object:
        form = sms_form(ANN, "STOP")
        return w.twilio_raw(path, json.dumps(form).encode(), "application/json", sign_params=[])

    return send  # type: ignore[return-value]


def multipart(path: str = SMS) -> Send:
    def send(w: World) -> object:
        form = sms_form(ANN, "STOP")
        sig = sign_multi(TWILIO_TOKEN, PUBLIC_URL + path, list(form.items()))
        return w.http.post(
            path, files={k: (None, v) for k, v in form.items()}, headers={"X-Twilio-Signature": sig}
        )

    return send  # type: ignore[return-value]


def gzipped(w: World) -> object:
    form = sms_form(ANN, "STOP")
    body = gzip.compress(urlencode(form).encode())
    return w.twilio_raw(
        SMS, body, FORM, sign_params=list(form.items()), headers={"Content-Encoding": "gzip"}
    )


def status_form(sid: str = "", status: str = "delivered", **extra: str) -> dict[str, str]:
    sid = sid or new_sid()
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": "AC" + "0" * 32,
        "From": "+14155550199",
        "To": ANN,
        "ApiVersion": "2010-04-01",
    }
    form.update(extra)
    return form


def status(status: str = "delivered", **extra: str) -> Send:
    """A signed status callback for an unknown sid."""
    return lambda w: w.twilio(STATUS, status_form("", status, **extra))


def ann_status(status: str = "undelivered", **extra: str) -> Send:
    """A signed status callback about the confirmation texted to Ann (a real sid)."""
    return lambda w: w.twilio(STATUS, status_form(w.ann_sid, status, **extra))


def ann_status_pairs(*extra: tuple[str, str]) -> Send:
    return lambda w: w.twilio(STATUS, [*status_form(w.ann_sid, "delivered").items(), *extra])


def forged_status(**sent: str) -> Send:
    """Signed for "delivered" on Ann's text, sent as a carrier opt-out (21610)."""

    def send(w: World) -> object:
        signed = status_form(w.ann_sid, "delivered")
        return w.twilio(STATUS, {**signed, **sent}, sign_params=signed)

    return send  # type: ignore[return-value]


def ann_carrier_opt_out(*, signed_url: str | None = None, token: str = TWILIO_TOKEN) -> Send:
    def send(w: World) -> object:
        form = status_form(w.ann_sid, "undelivered", ErrorCode="21610")
        return w.twilio(STATUS, form, signed_url=signed_url, token=token)

    return send  # type: ignore[return-value]


def status_replay(w: World) -> object:
    return w.twilio(STATUS, status_form(w.ann_sid, "sent"))


def status_replay_setup(w: World) -> None:
    assert w.twilio(STATUS, status_form(w.ann_sid, "sent")).status_code == 200


def long_sender(n: int) -> str:
    return "+1" + "4" * (n - 1)


# ------------------------------------------------------------------ the table

_dup_setup, _dup_send = replay_twice(sms_form(fresh_phone(), "STOP"))
_alt_setup, _alt_send = replay_twice(sms_form(fresh_phone(), "hello"), {"Body": "STOP"})
_from_setup, _from_send = replay_twice(
    sms_form(fresh_phone(), "hello"), {"From": ANN, "Body": "STOP"}
)
_smssid_setup, _smssid_send = replay_twice(sms_form(fresh_phone(), "hi"), {"SmsSid": new_sid()})

SMS_CASES: list[Case] = [
    # forged and replayed signatures: 403, Ann stays opted in
    case("forged-other-body", forged_body(Body="STOP"), 403),
    case("forged-other-from", forged_body(From=EVE, Body="STOP"), 403),
    case("forged-added-field", forged_body(OptOutType="STOP"), 403),
    case("forged-blank-field-filled", forged_body(FromZip="94103"), 403),
    case("forged-body-whitespace", forged_body(Body="hello "), 403),
    case("forged-dropped-blank-field", forged_drop("FromZip"), 403),
    case("forged-dropped-body", forged_drop("Body"), 403),
    case("replayed-other-messagesid", replayed_sid("MessageSid"), 403),
    case("replayed-other-smssid", replayed_sid("SmsSid"), 403),
    case("replayed-other-all-sids", replayed_sid("MessageSid", "SmsSid", "SmsMessageSid"), 403),
    case("signed-for-status-url", signed_for_url(PUBLIC_URL + STATUS), 403),
    case("signed-for-http-scheme", signed_for_url("http://optdesk.example.com" + SMS), 403),
    case("signed-for-other-host", signed_for_url("https://evil.example.com" + SMS), 403),
    case("signed-for-local-url", signed_for_url("http://127.0.0.1:8000" + SMS), 403),
    case("signed-trailing-slash", signed_for_url(PUBLIC_URL + SMS + "/"), 403),
    case("signed-with-query-sent-without", signed_for_url(PUBLIC_URL + SMS + "?a=1"), 403),
    case("signed-without-query-sent-with", signed_for_url(PUBLIC_URL + SMS, query="a=1"), 403),
    case("signed-other-query", signed_for_url(PUBLIC_URL + SMS + "?a=1", query="a=2"), 403),
    case("signed-uppercase-path", signed_for_url(PUBLIC_URL + "/TWILIO/SMS"), 403),
    case("signed-other-token", lambda w: w.twilio(SMS, sms_form(ANN, "STOP"), token="x" * 32), 403),
    case("signed-empty-token", lambda w: w.twilio(SMS, sms_form(ANN, "STOP"), token=""), 403),
    case("signature-lowercased", signature("lower"), 403),
    case("signature-uppercased", signature("upper"), 403),
    case("signature-with-inner-space", signature("spaces"), 403),
    case("signature-truncated", signature("truncated"), 403),
    case("signature-doubled", signature("doubled"), 403),
    case("signature-no-padding", signature("no-padding"), 403),
    case("signature-hex", signature("hex"), 403),
    case("signature-prefixed", signature("prefixed"), 403),
    case("signature-two-headers-forged-first", two_signature_headers, 403),
    case("replay-same-sid-twice", _dup_send, 200, setup=_dup_setup),
    case("replay-same-sid-other-body", _alt_send, 200, setup=_alt_setup),
    case("replay-same-sid-other-from", _from_send, 200, setup=_from_setup),
    case("replay-same-messagesid-other-smssid", _smssid_send, 200, setup=_smssid_setup),
    # duplicated and missing fields, signed
    case("dup-body", sms_pairs(("Body", "STOP")), 400),
    case("dup-from", sms_pairs(("From", ANN)), 400),
    case("dup-from-same-value", sms_pairs(("From", STRANGER)), 400),
    case("dup-messagesid", sms_pairs(("MessageSid", new_sid())), 400),
    case("dup-to", sms_pairs(("To", "+14155550198")), 400),
    case("dup-optouttype", sms_pairs(("OptOutType", "STOP"), ("OptOutType", "START")), 400),
    case("missing-from", sms(drop=("From",)), 400),
    case("missing-every-sid", sms(drop=("MessageSid", "SmsSid", "SmsMessageSid")), 400),
    case("sid-lowercase-prefix", sms(MessageSid="sm" + "a" * 32, SmsMessageSid=""), 400),
    case("sid-33-hex", sms(MessageSid="SM" + "a" * 33, SmsMessageSid=""), 400),
    case("sid-non-hex", sms(MessageSid="SM" + "g" * 32, SmsMessageSid=""), 400),
    case(
        "sid-with-newline",
        sms(fresh_phone(), MessageSid="SM" + "a" * 32 + "\n", SmsMessageSid=""),
        200,
        changes=True,
    ),
    case("sid-fullwidth", sms(MessageSid="ＳＭ" + "a" * 32, SmsMessageSid=""), 400),
    case("from-letters", sms("+1415555CALL"), 400),
    case("from-extension", sms("+1 415 555 0134 x12"), 400),
    case("from-30-digits", sms(long_sender(30)), 400),
    case("from-plus-zero", sms("+0"), 400),
    case("from-double-zero", sms("00"), 400),
    case("from-only-spaces", sms("     "), 400),
    case("from-short-code", sms("12345"), 400),
    case("from-sql", sms("+1415'; DROP TABLE contact; --"), 400),
    case("from-nul", sms("+1415555\x000100"), 400),
    case("body-5001", sms(body="x" * 5001), 400),
    case("nul-in-body", raw_signed("Body=a%00b&From=%2B14155550109", [("Body", "a\x00b")]), 400),
    # accepted: signed by Twilio, odd but usable (each from its own number)
    case(
        "missing-messagesid-smsmessagesid-kept",
        sms(fresh_phone(), drop=("MessageSid",)),
        200,
        changes=True,
    ),
    case("missing-body", sms(fresh_phone(), drop=("Body",)), 200, changes=True),
    case("missing-to", sms(fresh_phone(), drop=("To",)), 200, changes=True),
    case(
        "dup-unmapped-field",
        sms_pairs(("FromCity", "x"), ("FromCity", "y"), from_=fresh_phone()),
        200,
        changes=True,
    ),
    case("body-5000", sms(fresh_phone(), "y" * 5000), 200, changes=True),
    case("from-fullwidth-digits", sms("＋１４１５５５５０１３３"), 200, changes=True),
    case("from-plus-then-fullwidth-digits", sms("+1４１５５５５０１３８"), 200, changes=True),
    case("from-arabic-indic-digits", sms("+1٤١٥٥٥٥٠١٣٩"), 200, changes=True),
    case("from-spaces-and-dashes", sms("+1 415-555-0136"), 200, changes=True),
    case("from-00-prefix", sms("0014155550135"), 200, changes=True),
    case("from-rtl-override", sms("\u202e+14155550137"), 200, changes=True),
    case("body-rtl-override", sms(fresh_phone(), "\u202eSTOP \u202dhello"), 200, changes=True),
    case(
        "body-zwj-family",
        sms(fresh_phone(), "👨\u200d👩\u200d👧\u200d👦 on our way"),
        200,
        changes=True,
    ),
    case("body-combining-marks", sms(fresh_phone(), "S̶T̶O̶P̶ Z̷̢͈a̴l̵g̶o̷"), 200, changes=True),
    case("body-4-byte-emoji", sms(fresh_phone(), "🛑🌷🪴𝕊𝕋𝕆ℙ"), 200, changes=True),
    case("body-script", sms(fresh_phone(), "<script>alert(1)</script>"), 200, changes=True),
    case(
        "body-mentions",
        sms(fresh_phone(), "<!channel> <!here> <@U123EVIL> @channel @here"),
        200,
        changes=True,
    ),
    case(
        "body-mrkdwn",
        sms(fresh_phone(), "*bold* _it_ ~strike~ `code` ```block```"),
        200,
        changes=True,
    ),
    case("body-sql", sms(fresh_phone(), "'; DROP TABLE contact; --"), 200, changes=True),
    case(
        "body-link-and-quote",
        sms(fresh_phone(), "hi\n>fake quote\n<https://evil.example|click me>"),
        200,
        changes=True,
    ),
    case(
        "body-pre-escaped",
        sms(fresh_phone(), "&lt;script&gt; &amp; &lt;!channel&gt;"),
        200,
        changes=True,
    ),
    case(
        "media-javascript-url",
        sms(fresh_phone(), NumMedia="1", MediaUrl0="javascript:alert(1)"),
        200,
        changes=True,
    ),
    case(
        "media-hostile-type",
        sms(
            fresh_phone(),
            NumMedia="1",
            MediaUrl0="https://evil.example/<img src=x>",
            MediaContentType0='text/html"><script>',
        ),
        200,
        changes=True,
    ),
    case("num-media-garbage", sms(fresh_phone(), NumMedia="-1e9"), 200, changes=True),
    case("optouttype-garbage", sms(fresh_phone(), OptOutType="<script>"), 200, changes=True),
    case("to-garbage", sms(fresh_phone(), To="<script>alert(1)</script>"), 200, changes=True),
    case("long-unknown-field-name", sms(fresh_phone(), **{"X" * 2000: "y"}), 200, changes=True),
    case(
        "content-type-uppercase",
        lambda w: w.twilio(
            SMS, sms_form(fresh_phone(), "hi"), headers={"Content-Type": FORM.upper()}
        ),
        200,
        changes=True,
    ),
    case(
        "content-type-charset-upper",
        lambda w: w.twilio(
            SMS, sms_form(fresh_phone(), "hi"), headers={"Content-Type": FORM + "; charset=UTF-8"}
        ),
        200,
        changes=True,
    ),
    # malformed bodies
    case("over-limit-by-one", raw("Body=" + "x" * (64 * 1024 - 4)), 413),
    case("at-limit-unsigned", raw("Body=" + "x" * (64 * 1024 - 5)), 403),
    case("huge-1mb", raw(b"Body=" + b"x" * 1_000_000), 413),
    case(
        "content-length-garbage",
        lambda w: w.raw_http("POST", SMS, headers=["Content-Length: abc", "X-Twilio-Signature: x"]),
        400,
    ),
    case("truncated-escape-2-byte", raw("Body=%C3"), 400),
    case("truncated-escape-emoji", raw("Body=%F0%9F%98"), 400),
    case("truncated-escape-in-key", raw("%E2%9C=1"), 400),
    case("overlong-utf8", raw("Body=%C0%AF"), 400),
    case("surrogate-utf8", raw("Body=%ED%A0%80"), 400),
    case("raw-invalid-utf8-key", raw(b"\xc3(=1&Body=x"), 400),
    case("nul-in-key", raw("a%00=1"), 400),
    case(
        "bare-percent-signed", raw_signed("Body=%25&Body2=%", [("Body", "%"), ("Body2", "%")]), 400
    ),
    case("only-ampersands-signed", raw_signed("&&&&", []), 400),
    case(
        "semicolon-separators-signed",
        raw_signed("MessageSid=SMx;From=x", [("MessageSid", "SMx;From=x")]),
        400,
    ),
    case(
        "201-fields-signed",
        raw_signed("&".join(f"f{n}=1" for n in range(201)), [(f"f{n}", "1") for n in range(201)]),
        400,
    ),
    case("gzip-encoded", gzipped, 400),
    # wrong content types (a good signature does not help)
    case("json-signed", as_json(), 415),
    case("multipart-signed", multipart(), 415),
    case("text-plain-signed", typed("text/plain"), 415),
    case("xml-signed", typed("application/xml"), 415),
    case("no-content-type-signed", typed(None), 415),
    case("charset-utf16", typed(FORM + "; charset=utf-16"), 415),
    case("charset-iso-8859-1", typed(FORM + "; charset=iso-8859-1"), 415),
    case("form-with-boundary-param", typed(FORM + "; boundary=x"), 415),
    case("lookalike-content-type", typed("application/x-www-form-urlencoded-evil"), 415),
    case("form-subtype-suffix", typed("application/x-www-form-urlencoded+json"), 415),
    # other methods
    case("put-sms", lambda w: w.http.put(SMS, content=b"a=b"), 405),
    case("delete-sms", lambda w: w.http.delete(SMS), 405),
    case("patch-sms", lambda w: w.http.patch(SMS, content=b"a=b"), 405),
]

STATUS_CASES: list[Case] = [
    case(
        "status-unsigned-carrier-opt-out",
        lambda w: w.http.post(
            STATUS, data=status_form(w.ann_sid, "undelivered", ErrorCode="21610")
        ),
        403,
    ),
    case(
        "status-forged-error-code",
        forged_status(MessageStatus="undelivered", ErrorCode="21610"),
        403,
    ),
    case("status-forged-status", forged_status(MessageStatus="failed"), 403),
    case(
        "status-replayed-other-sid",
        lambda w: w.twilio(
            STATUS,
            {**status_form(w.ann_sid), "MessageSid": new_sid()},
            sign_params=status_form(w.ann_sid),
        ),
        403,
    ),
    case("status-signed-for-sms-url", ann_carrier_opt_out(signed_url=PUBLIC_URL + SMS), 403),
    case(
        "status-signed-other-host",
        ann_carrier_opt_out(signed_url="https://evil.example" + STATUS),
        403,
    ),
    case("status-signed-other-token", ann_carrier_opt_out(token="y" * 32), 403),
    case("status-dup-status", ann_status_pairs(("MessageStatus", "failed")), 400),
    case(
        "status-dup-error-code",
        ann_status_pairs(("ErrorCode", "21610"), ("ErrorCode", "30003")),
        400,
    ),
    case("status-dup-sid", ann_status_pairs(("MessageSid", new_sid())), 400),
    case("status-error-code-arabic-digits", ann_status(ErrorCode="٢١٦١٠"), 400),
    case("status-error-code-fullwidth", ann_status(ErrorCode="２１６１０"), 400),
    case("status-error-code-negative", ann_status(ErrorCode="-21610"), 400),
    case("status-error-code-float", ann_status(ErrorCode="21610.0"), 400),
    case("status-error-code-7-digits", ann_status(ErrorCode="2161000"), 400),
    case("status-error-code-hex", ann_status(ErrorCode="0x5459"), 400),
    case("status-status-unicode", ann_status("délivered"), 400),
    case("status-status-33-chars", ann_status("d" * 33), 400),
    case("status-status-html", ann_status("<b>sent</b>"), 400),
    case("status-sid-lowercase", lambda w: w.twilio(STATUS, status_form("sm" + "a" * 32)), 400),
    case(
        "status-sid-nul",
        lambda w: w.twilio_raw(STATUS, b"MessageSid=SM%00&MessageStatus=sent", sign_params=[]),
        400,
    ),
    case("status-missing-sid", lambda w: w.twilio(STATUS, {"MessageStatus": "delivered"}), 400),
    case("status-empty-status", ann_status(""), 400),
    case("status-uppercase-status-unknown-sid", status("DELIVERED"), 200),
    case("status-unknown-status-ann", ann_status("exploded"), 200),
    case("status-replayed-identical", status_replay, 200, setup=status_replay_setup),
    case("status-huge", raw("MessageStatus=" + "d" * 70_000, path=STATUS), 413),
    case("status-json", as_json(STATUS), 415),
    case("status-multipart", multipart(STATUS), 415),
    case("status-text-plain", typed("text/plain", STATUS), 415),
    case("status-bad-utf8", raw(b"MessageStatus=\xff", path=STATUS), 400),
    case("status-get", lambda w: w.http.get(STATUS), 405),
]

CASES = unique(SMS_CASES + STATUS_CASES)
