"""Bad input for the pages: `GET/POST /q/{token}`, `GET /healthz`, local mode's `/local/phone`.

Guessed, truncated, traversing and oversized tokens get 404; the expired link 410; a
POST without a valid double-submit CSRF token 403; a malformed form 400/415/413; a bad
number or answer re-renders the form (422) with the input escaped. Valid answers from
odd-but-readable input (fullwidth digits, invisible format characters) are accepted.
"""

from __future__ import annotations

import gzip
import json
import secrets
import time
from urllib.parse import quote, urlencode

from consent.services.links import issue_link, token_hash
from tests.corpus.check import Case, Send, case, unique
from tests.corpus.world import ADA, ANN, CSRF_SECRET, FORM, World, fresh_phone
from webhooks.csrf import Csrf
from webhooks.local_phone import SCOPE as LOCAL_SCOPE

# ------------------------------------------------------------------ builders


def get(path: str) -> Send:
    return lambda w: w.http.get(path)


def get_raw(target: str) -> Send:
    return lambda w: w.raw_http("GET", target)


def token_of(w: World, how: str) -> str:
    real = w.links["live"]
    return {
        "minus-one": real[:-1],
        "first-20": real[:20],
        "first-16": real[:16],
        "plus-one": real + "A",
        "upper": real.upper(),
        "lower": real.lower(),
        "reversed": real[::-1],
        "space-encoded": real + "%20",
        "nul-encoded": real + "%00",
        "slash-split": real[:10] + "%2F" + real[10:],
        "dot-dot": real + "%2F..",
        "expired-plus-one": w.links["expired"] + "A",
        "hash-of-real": token_hash(real),
    }[how]


def get_mangled(how: str) -> Send:
    return lambda w: w.http.get(f"/q/{token_of(w, how)}")


def post_mangled(how: str) -> Send:
    def send(w: World) -> object:
        body = urlencode({"csrf": w.page_csrf(), "answer": "yes", "phone": fresh_phone()})
        return w.page_post(f"/q/{token_of(w, how)}", body, cookie=w.page_csrf())

    return send  # type: ignore[return-value]


def post_token(token: str) -> Send:
    def send(w: World) -> object:
        scope_csrf = Csrf(CSRF_SECRET, secure=True).issue(token_hash(token))
        body = urlencode({"csrf": scope_csrf, "answer": "no"})
        return w.page_post(f"/q/{token}", body, cookie=scope_csrf)

    return send  # type: ignore[return-value]


def answer(link: str = "live", **fields: str) -> Send:
    """The link's form with a valid CSRF token (field and cookie) and these fields.

    `link="fresh"`: a new link of its own, issued just before (a link that opted a number
    in refuses any other number, so each Yes that opts a new number in needs its own)."""

    def send(w: World) -> object:
        if link == "fresh":
            w.links["fresh"] = issue_link(w.desk, ADA, actor="USEED").url.rsplit("/", 1)[1]
        token = w.page_csrf(link)
        return w.page_post(w.path(link), urlencode({"csrf": token, **fields}), cookie=token)

    return send  # type: ignore[return-value]


def answer_pairs(*pairs: tuple[str, str], link: str = "live") -> Send:
    """Field pairs as given (repeats kept); "CSRF" stands for a valid token."""

    def send(w: World) -> object:
        token = w.page_csrf(link)
        filled = [(k, token if v == "CSRF" else v) for k, v in pairs]
        return w.page_post(w.path(link), urlencode(filled), cookie=token)

    return send  # type: ignore[return-value]


def answer_raw(body: bytes, content_type: str | None = FORM, link: str = "live") -> Send:
    def send(w: World) -> object:
        token = w.page_csrf(link)
        data = body.replace(b"CSRF", token.encode())
        return w.page_post(w.path(link), data, cookie=token, content_type=content_type)

    return send  # type: ignore[return-value]


def with_csrf(field: str | None, cookie: str | None, **fields: str) -> Send:
    """A yes for a fresh number with the given CSRF field and cookie ("OK" = a valid token)."""

    def send(w: World) -> object:
        good = w.page_csrf()
        data = {"answer": "yes", "phone": fresh_phone(), **fields}
        if field is not None:
            data["csrf"] = good if field == "OK" else field
        return w.page_post(
            w.path("live"), urlencode(data), cookie=good if cookie == "OK" else cookie
        )

    return send  # type: ignore[return-value]


def minted(how: str) -> Send:
    """A CSRF token that is signed, but wrong for this form: another scope, age or key."""

    def send(w: World) -> object:
        scope = token_hash(w.links["live"])
        now = time.time()
        token = {
            "other-link": w.page_csrf("required"),
            "local-phone-scope": w.csrf.issue(LOCAL_SCOPE),
            "13-hours-old": Csrf(CSRF_SECRET, secure=True, now=lambda: now - 13 * 3600).issue(
                scope
            ),
            "from-the-future": Csrf(CSRF_SECRET, secure=True, now=lambda: now + 3600).issue(scope),
            "other-secret": Csrf(b"another-secret-0123456789abcdef", secure=True).issue(scope),
        }[how]
        body = urlencode({"csrf": token, "answer": "yes", "phone": fresh_phone()})
        return w.page_post(w.path("live"), body, cookie=token)

    return send  # type: ignore[return-value]


def tampered(how: str) -> Send:
    def send(w: World) -> object:
        stamp, nonce, mac = w.page_csrf().split(".")
        token = {
            "mac-last-char": f"{stamp}.{nonce}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
            "stamp-plus-one": f"{int(stamp) + 1}.{nonce}.{mac}",
            "nonce-changed": f"{stamp}.{nonce[::-1]}.{mac}",
            "two-parts": f"{stamp}.{mac}",
            "four-parts": f"{stamp}.{nonce}.{mac}.x",
            "arabic-stamp": f"{''.join(chr(0x660 + int(d)) for d in stamp)}.{nonce}.{mac}",
            "negative-stamp": f"-{stamp}.{nonce}.{mac}",
            "empty-mac": f"{stamp}.{nonce}.",
        }[how]
        body = urlencode({"csrf": token, "answer": "yes", "phone": fresh_phone()})
        return w.page_post(w.path("live"), body, cookie=token)

    return send  # type: ignore[return-value]


def expired_post(**fields: str) -> Send:
    def send(w: World) -> object:
        token = Csrf(CSRF_SECRET, secure=True).issue(token_hash(w.links["expired"]))
        body = urlencode({"csrf": token, **fields})
        return w.page_post(w.path("expired"), body, cookie=token)

    return send  # type: ignore[return-value]


def local_csrf(w: World) -> str:
    return w.csrf.issue(LOCAL_SCOPE)


def local(
    fields: dict[str, str] | list[tuple[str, str]],
    *,
    csrf: str | None = "OK",
    headers: dict[str, str] | None = None,
) -> Send:
    """A post to the local phone ("OK": a valid CSRF token in field and cookie)."""

    def send(w: World) -> object:
        token = local_csrf(w)
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf is not None:
            pairs.insert(0, ("csrf", token if csrf == "OK" else csrf))
        return w.page_post(
            "/local/phone", urlencode(pairs), cookie=token, client=w.local, headers=headers
        )

    return send  # type: ignore[return-value]


PROXY_HEADERS = (
    ("X-Forwarded-For", "127.0.0.1"),
    ("X-Real-IP", "127.0.0.1"),
    ("Forwarded", "for=127.0.0.1"),
)
FWD = {"X-Forwarded-For": "203.0.113.9"}


def local_get(**headers: str) -> Send:
    return lambda w: w.local.get("/local/phone", headers=headers)


def get_raw_local(target: str, headers: dict[str, str]) -> Send:
    lines = [f"{k}: {v}" for k, v in headers.items()]
    return lambda w: w.raw_http("GET", target, headers=lines, client=w.local)


def local_raw(body: bytes, content_type: str | None = FORM) -> Send:
    def send(w: World) -> object:
        token = local_csrf(w)
        data = body.replace(b"CSRF", token.encode())
        return w.page_post(
            "/local/phone", data, cookie=token, content_type=content_type, client=w.local
        )

    return send  # type: ignore[return-value]


def fullwidth(phone: str) -> str:
    return phone.translate({ord(c): ord(c) + 0xFEE0 for c in "+0123456789"})


GUESSED = {
    "random-43-a": secrets.token_urlsafe(32),
    "random-43-b": secrets.token_urlsafe(32),
    "random-43-c": secrets.token_urlsafe(32),
    "all-a-43": "A" * 43,
    "length-16": "a" * 16,
    "length-100": "b" * 100,
    "length-2000": "c" * 2000,
    "emoji": quote("🙂" * 11),
    "rtl-override": quote("\u202e" + "a" * 42),
    "zero-width": quote("\u200b" * 20 + "a" * 23),
    "html": quote("<script>alert(1)</script>"),
    "sql": quote("' OR '1'='1' -- " + "a" * 20),
    "dot-dot-encoded": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "double-encoded": "%252e%252e%252fetc%252fpasswd",
    "backslashes": "..%5c..%5cwindows%5cwin.ini",
    "invalid-utf8-escape": "%ff%fe" + "a" * 40,
}

Q_CASES: list[Case] = [
    *[case(f"get-guessed-{n}", get(f"/q/{t}"), 404) for n, t in GUESSED.items()],
    *[case(f"post-guessed-{n}", post_token(t), 404) for n, t in list(GUESSED.items())[:8]],
    *[
        case(f"get-real-token-{how}", get_mangled(how), 404)
        for how in (
            "minus-one",
            "first-20",
            "first-16",
            "plus-one",
            "upper",
            "lower",
            "reversed",
            "space-encoded",
            "nul-encoded",
            "slash-split",
            "dot-dot",
            "expired-plus-one",
            "hash-of-real",
        )
    ],
    *[
        case(f"post-real-token-{how}", post_mangled(how), 404)
        for how in ("minus-one", "upper", "slash-split")
    ],
    case("traversal-raw-dot-dot", get_raw("/q/../../etc/passwd"), 404),
    case("traversal-raw-to-healthz", get_raw("/q/../healthz"), 404),
    case("traversal-raw-backslash", get_raw("/q/..\\..\\etc\\passwd"), 404),
    case("path-60kb-token", get("/q/" + "d" * 60_000), 404),
    case("path-empty-token", get("/q/"), 404),
    case("path-no-token", get("/q"), 404),
    case("expired-get-real", lambda w: w.http.get(w.path("expired")), 410),
    case("expired-post-yes", expired_post(answer="yes", phone="+14155550190"), 410),
    case("expired-post-no", expired_post(answer="no"), 410),
    case(
        "expired-post-no-csrf",
        lambda w: w.page_post(w.path("expired"), "answer=no", cookie=None),
        410,
    ),
    # CSRF
    case("csrf-missing-yes", with_csrf(None, None), 403),
    case("csrf-field-only", with_csrf("OK", None), 403),
    case("csrf-cookie-only", with_csrf(None, "OK"), 403),
    case(
        "csrf-field-differs-from-cookie",
        lambda w: w.page_post(
            w.path("live"), urlencode({"csrf": w.page_csrf(), "answer": "no"}), cookie=w.page_csrf()
        ),
        403,
    ),
    case("csrf-empty-both", with_csrf("", ""), 403),
    case("csrf-201-chars", with_csrf("1" * 201, "1" * 201), 400),
    *[
        case(f"csrf-minted-{how}", minted(how), 403)
        for how in (
            "other-link",
            "local-phone-scope",
            "13-hours-old",
            "from-the-future",
            "other-secret",
        )
    ],
    *[
        case(f"csrf-tampered-{how}", tampered(how), 403)
        for how in (
            "mac-last-char",
            "stamp-plus-one",
            "nonce-changed",
            "two-parts",
            "four-parts",
            "arabic-stamp",
            "negative-stamp",
            "empty-mac",
        )
    ],
    case(
        "csrf-twice-different",
        answer_pairs(("csrf", "CSRF"), ("csrf", "x.y.z"), ("answer", "no")),
        400,
    ),
    # answers and numbers (the form again, 422, input kept and escaped)
    case("answer-zero-width", answer(answer="yes\u200b", phone="+14155550191"), 422),
    case("answer-fullwidth", answer(answer="ｙｅｓ", phone="+14155550191"), 422),
    case("answer-oui", answer(answer="oui", phone="+14155550191"), 422),
    case("answer-script", answer(answer="<script>", phone="+14155550191"), 422),
    case("answer-21-chars", answer(answer="y" * 21), 400),
    case("answer-nul", answer(answer="yes\x00"), 400),
    case(
        "answer-three-times",
        answer_pairs(("csrf", "CSRF"), ("answer", "yes"), ("answer", "yes"), ("answer", "no")),
        400,
    ),
    case(
        "phone-twice",
        answer_pairs(
            ("csrf", "CSRF"),
            ("answer", "yes"),
            ("phone", "+14155550191"),
            ("phone", "+14155550192"),
        ),
        400,
    ),
    case("required-missing-answer", answer("required", phone="+14155550191"), 422),
    case("required-empty-answer", answer("required", answer="   "), 422),
    case("phone-missing-for-yes", answer(answer="yes"), 422),
    case("phone-letters", answer(answer="yes", phone="CALL-ME-NOW"), 422),
    case("phone-extension-dot", answer(answer="yes", phone="+1 415 555 0191 ext. 9"), 422),
    case("phone-extension-hash", answer(answer="yes", phone="+14155550191#12"), 422),
    case("phone-30-digits", answer(answer="yes", phone="1" * 30), 422),
    case(
        "phone-41-chars", answer(answer="yes", phone="+1 415 555 0191" + " " * 10 + "0" * 16), 422
    ),
    case("phone-plus-zero", answer(answer="yes", phone="+0"), 422),
    case("phone-double-zero", answer(answer="yes", phone="00"), 422),
    case("phone-all-zeros", answer(answer="yes", phone="0000000000"), 422),
    case("phone-only-tabs", answer(answer="yes", phone="\t\t\t"), 422),
    case(
        "phone-newlines",
        answer("fresh", answer="yes", phone="415\n555\n0191"),
        200,
        changes=True,
    ),
    case("phone-combining-marks", answer(answer="yes", phone="4̶1̶5̶5̶5̶5̶0̶1̶9̶1̶"), 422),
    case("phone-keycap-emoji", answer(answer="yes", phone="4️⃣1️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣1️⃣"), 422),
    case("phone-echo-script", answer(answer="yes", phone='"><script>alert(1)</script>'), 422),
    case("phone-echo-svg", answer(answer="yes", phone="<svg onload=alert(1)>"), 422),
    case("phone-echo-img", answer(answer="yes", phone="<img src=x onerror=alert(1)>"), 422),
    case("phone-sql", answer(answer="yes", phone="'; DROP TABLE contact; --"), 422),
    case("phone-201-chars", answer(answer="yes", phone="2" * 201), 400),
    case(
        "phone-rtl-inside-digits",
        answer("fresh", answer="yes", phone="+1 415\u202e555 0191"),
        200,
        changes=True,
    ),
    case(
        "phone-fullwidth-digits",
        answer("fresh", answer="yes", phone=fullwidth(fresh_phone())),
        200,
        changes=True,
    ),
    case(
        "phone-zero-width-joiners",
        answer("fresh", answer="yes", phone="\u200d".join(fresh_phone())),
        200,
        changes=True,
    ),
    case(
        "phone-arabic-indic-digits",
        answer("fresh", answer="yes", phone="+١٤١٥٥٥٥٠" + fresh_phone()[-3:]),
        200,
        changes=True,
    ),
    case(
        "answer-yes-shouting",
        answer("fresh", answer=" YES ", phone=fresh_phone()),
        200,
        changes=True,
    ),
    # bodies and content types
    case("page-text-plain", answer_raw(b"csrf=CSRF&answer=no", "text/plain"), 415),
    case("page-no-content-type", answer_raw(b"csrf=CSRF&answer=no", None), 415),
    case(
        "page-charset-latin1", answer_raw(b"csrf=CSRF&answer=no", FORM + "; charset=latin-1"), 415
    ),
    case("page-json-list", answer_raw(b'[["csrf", "CSRF"]]', "application/json"), 415),
    case("page-over-limit-by-one", answer_raw(b"csrf=CSRF&answer=no&pad=" + b"x" * 16 * 1024), 413),
    case("page-truncated-escape", answer_raw(b"csrf=CSRF&answer=no&phone=%E2%9C"), 400),
    case("page-overlong-utf8", answer_raw(b"csrf=CSRF&answer=no&phone=%C0%AF"), 400),
    case(
        "page-raw-latin1-bytes",
        answer_raw("csrf=CSRF&answer=no&phone=caf\xe9".encode("latin-1")),
        400,
    ),
    case("page-nul-in-key", answer_raw(b"csrf=CSRF&answer=no&a%00=1"), 400),
    case(
        "page-201-fields",
        answer_raw(b"csrf=CSRF&" + b"&".join(b"f%d=1" % n for n in range(200))),
        400,
    ),
    case("page-gzip", answer_raw(gzip.compress(b"csrf=CSRF&answer=no")), 400),
    case("page-put", lambda w: w.http.put(w.path("live"), content=b"answer=no"), 405),
    case("page-delete", lambda w: w.http.delete(w.path("live")), 405),
    case("page-patch", lambda w: w.http.patch(w.path("live"), content=b"answer=no"), 405),
]

HEALTH_CASES: list[Case] = [
    case("healthz-post", lambda w: w.http.post("/healthz", content=b"x"), 405),
    case("healthz-put", lambda w: w.http.put("/healthz"), 405),
    case("healthz-delete", lambda w: w.http.delete("/healthz"), 405),
    case("healthz-query-script", get("/healthz?x=%3Cscript%3Ealert(1)%3C/script%3E"), 200),
    case("healthz-8kb-query", get("/healthz?" + "q=" + "x" * 8000), 200),
    case("healthz-trailing-slash", get("/healthz/"), 307),
    case("healthz-uppercase", get("/HEALTHZ"), 404),
    case(
        "healthz-html-accept",
        lambda w: w.http.get("/healthz", headers={"Accept": "text/html"}),
        200,
    ),
    case(
        "healthz-odd-host",
        lambda w: w.http.get("/healthz", headers={"Host": "<script>.example"}),
        200,
    ),
    case("healthz-head", lambda w: w.http.head("/healthz"), 200),
    case("unknown-path-nul", get_raw("/%00"), 404),
    case("unknown-path-invalid-utf8", get_raw("/q%ff"), 404),
    case("unknown-twilio-root", get("/twilio"), 404),
    case("local-phone-on-twilio-server", lambda w: w.http.get("/local/phone"), 404),
]

LOCAL_CASES: list[Case] = [
    case("local-get", lambda w: w.local.get("/local/phone"), 200),
    case("local-no-csrf", local({"from": "+14155550193", "body": "STOP"}, csrf=None), 403),
    case("local-wrong-csrf", local({"from": "+14155550193", "body": "STOP"}, csrf="1.2.3"), 403),
    case(
        "local-questionnaire-csrf",
        lambda w: w.page_post(
            "/local/phone",
            urlencode({"csrf": w.page_csrf(), "from": ANN, "body": "STOP"}),
            cookie=w.page_csrf(),
            client=w.local,
        ),
        403,
    ),
    case("local-from-letters", local({"from": "CALL ME", "body": "hi"}), 422),
    case("local-from-empty", local({"from": "", "body": "hi"}), 422),
    case("local-from-101", local({"from": "1" * 101, "body": "hi"}), 400),
    case(
        "local-from-twice",
        local([("from", "+14155550193"), ("from", "+14155550194"), ("body", "hi")]),
        400,
    ),
    case("local-body-empty", local({"from": "+14155550193", "body": "   "}), 422),
    case("local-body-1601", local({"from": "+14155550193", "body": "z" * 1601}), 422),
    case("local-body-10kb", local({"from": "+14155550193", "body": "z" * 10_240}), 400),
    case("local-body-nul", local({"from": "+14155550193", "body": "a\x00b"}), 400),
    case(
        "local-json",
        local_raw(
            json.dumps({"csrf": "CSRF", "from": "+14155550193"}).encode(), "application/json"
        ),
        415,
    ),
    case("local-huge", local_raw(b"csrf=CSRF&body=" + b"z" * 20_000), 413),
    case("local-put", lambda w: w.local.put("/local/phone"), 405),
    case(
        "local-twilio-signed-still-403",
        lambda w: w.local.post(
            "/twilio/sms", data={"From": "+14155550193"}, headers={"X-Twilio-Signature": "abc"}
        ),
        403,
    ),
    case("local-slack-absent", lambda w: w.local.post("/slack/events", content=b"x"), 404),
    # only this machine, never through a proxy (SPEC §5): behind one, all looks like loopback
    *[
        case(f"local-get-via-{name.lower()}", local_get(**{name: value}), 404)
        for name, value in PROXY_HEADERS
    ],
    *[
        case(
            f"local-stop-via-{name.lower()}",
            local({"from": ANN, "body": "STOP"}, headers={name: value}),
            404,
        )
        for name, value in PROXY_HEADERS
    ],
    case("local-get-via-empty-x-real-ip", local_get(**{"X-Real-IP": ""}), 404),
    case("local-root-via-proxy", lambda w: w.local.get("/local", headers=FWD), 404),
    case("local-other-page-via-proxy", lambda w: w.local.get("/local/desk", headers=FWD), 404),
    case("local-encoded-path-via-proxy", get_raw_local("/%6cocal/phone", FWD), 404),
    case("local-public-url-get", lambda w: w.local_public.get("/local/phone"), 404),
    case(
        "local-public-url-stop",
        lambda w: w.page_post(
            "/local/phone",
            urlencode({"csrf": local_csrf(w), "from": ANN, "body": "STOP"}),
            cookie=local_csrf(w),
            client=w.local_public,
        ),
        404,
    ),
    case(
        "local-script-text",
        local({"from": fresh_phone(), "body": "<script>alert(1)</script> <img src=x>"}),
        200,
        changes=True,
    ),
    case(
        "local-emoji-text",
        local({"from": fresh_phone(), "body": "🌷\u200d🪴 \u202eevil"}),
        200,
        changes=True,
    ),
]

CASES = unique(Q_CASES + HEALTH_CASES + LOCAL_CASES)
