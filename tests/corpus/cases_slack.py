"""Bad input for `POST /slack/events`: signatures, malformed bodies, odd payloads and events.

Every forged signature (stale or future timestamps, another version prefix, another body,
secret or timestamp) gets 401 before anything is read, for each kind of body: a slash
command that would opt Ann out, the Opt out button, and a thread reply. Signed bodies
that are not what their content type says get 400; oversized ones 413. Signed but odd
interactivity payloads and events are acknowledged and refused in words (or ignored):
they change nothing unless a staff member really did something.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from bot import ids
from bot.modals import NO_PROJECT
from tests.bot.harness import SECRET, STAFF, signed_headers
from tests.corpus.check import Case, Send, case, unique
from tests.corpus.world import ANN, FORM, GUEST, NOTIFY, THREAD_TS, World

JSON = "application/json"
EVENTS = "/slack/events"

# ------------------------------------------------------------------ bodies


def command_body(w: World) -> tuple[str, str]:
    return urlencode(w.command_fields('optout "Ann Lee" forged')), FORM


def action_payload(
    w: World,
    action_id: str,
    value: str | None = None,
    *,
    user: str = STAFF,
    selected: str | None = None,
    response: str = "",
    home_metadata: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    act: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "action_ts": "1.2"}
    if selected is not None:
        act.update(type="static_select", selected_option={"value": selected})
    else:
        act.update(type="button", value=value if value is not None else "")
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001"},
        "token": "legacy",
        "trigger_id": "1.2.trigger",
        "actions": [act],
    }
    if home_metadata is not None:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "private_metadata": home_metadata}
    else:
        payload["container"] = {"type": "message", "message_ts": THREAD_TS, "channel_id": NOTIFY}
        payload["channel"] = {"id": NOTIFY}
        payload["message"] = {"ts": THREAD_TS, "text": "note"}
        payload["response_url"] = w.slack.response_url(response or w.response_name())
    payload.update(extra)
    return payload


def action_body(w: World) -> tuple[str, str]:
    payload = action_payload(w, ids.OPT_OUT, str(w.contacts["ann"]))
    return urlencode({"payload": json.dumps(payload)}), FORM


def event_envelope(event: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "token": "legacy",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event": event,
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
    }
    body.update(extra)
    return body


def thread_reply(text: str = "on my way", **changes: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": NOTIFY,
        "user": STAFF,
        "text": text,
        "ts": f"1700000001.{time.monotonic_ns() % 1_000_000:06d}",
        "thread_ts": THREAD_TS,
    }
    event.update(changes)
    return event


def event_body(w: World) -> tuple[str, str]:
    return json.dumps(event_envelope(thread_reply())), JSON


BODIES = {"command": command_body, "action": action_body, "event": event_body}

# ------------------------------------------------------------------ forged signatures


def v0(secret: str, stamp: str, body: str, digest: Any = hashlib.sha256) -> str:
    base = f"v0:{stamp}:{body}".encode()
    return hmac.new(secret.encode(), base, digest).hexdigest()


def forged(kind: str, how: str) -> Send:
    """One body of `kind` with the signature headers mangled by `how`."""

    def send(w: World) -> object:
        body, content_type = BODIES[kind](w)
        now = int(time.time())
        stamp = str(now)
        good = v0(SECRET, stamp, body)
        headers: dict[str, str | bytes] = {"content-type": content_type}
        sig, ts = f"v0={good}", stamp
        if how == "stale-301s":
            ts = str(now - 301)
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "stale-1-day":
            ts = str(now - 86_400)
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "future-301s":
            ts = str(now + 301)
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "future-1-year":
            ts = str(now + 365 * 86_400)
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "version-v1":
            sig = (
                "v1="
                + hmac.new(
                    SECRET.encode(), f"v1:{stamp}:{body}".encode(), hashlib.sha256
                ).hexdigest()
            )
        elif how == "version-uppercase":
            sig = f"V0={good}"
        elif how == "no-version":
            sig = good
        elif how == "other-body":
            sig = "v0=" + v0(SECRET, stamp, body + "&x=1")
        elif how == "other-timestamp":
            ts = str(now - 1)
        elif how == "other-secret":
            sig = "v0=" + v0("not-the-secret", stamp, body)
        elif how == "empty-secret":
            sig = "v0=" + v0("", stamp, body)
        elif how == "truncated":
            sig = sig[:-1]
        elif how == "uppercase-hex":
            sig = "v0=" + good.upper()
        elif how == "sha1":
            sig = "v0=" + v0(SECRET, stamp, body, hashlib.sha1)
        elif how == "missing-signature":
            sig = ""
        elif how == "missing-timestamp":
            ts = ""
        elif how == "arabic-digit-timestamp":
            ts = "".join(chr(0x660 + int(d)) for d in stamp)
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "timestamp-plus-sign":
            ts = "+" + stamp
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "timestamp-float":
            ts = stamp + ".0"
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "timestamp-5000-digits":  # past Python's int() digit limit
            ts = "1" * 5000
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "timestamp-20-digits":
            ts = "9" * 20
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "timestamp-leading-zeros":
            ts = "0" * 4990 + stamp
            sig = "v0=" + v0(SECRET, ts, body)
        elif how == "signature-latin-1":
            sig = "v0=" + "\xff" * 64
        elif how == "signature-8kb":
            sig = "v0=" + "a" * 8192
        else:
            raise AssertionError(how)
        if sig:
            headers["x-slack-signature"] = sig.encode("latin-1")
        if ts:
            headers["x-slack-request-timestamp"] = ts.encode()
        return w.http.post(EVENTS, content=body, headers=headers)

    return send  # type: ignore[return-value]


FORGERIES = (
    "stale-301s",
    "stale-1-day",
    "future-301s",
    "future-1-year",
    "version-v1",
    "version-uppercase",
    "no-version",
    "other-body",
    "other-timestamp",
    "other-secret",
    "empty-secret",
    "truncated",
    "uppercase-hex",
    "sha1",
    "missing-signature",
    "missing-timestamp",
    "arabic-digit-timestamp",
    "timestamp-plus-sign",
    "timestamp-float",
    "timestamp-5000-digits",
    "timestamp-20-digits",
    "timestamp-leading-zeros",
    "signature-latin-1",
    "signature-8kb",
)

# ------------------------------------------------------------------ signed, malformed


def signed(body: str | bytes, content_type: str | None = FORM, **headers: str) -> Send:
    """A correctly signed body under this content type (None: no Content-Type header)."""

    def send(w: World) -> object:
        sent = signed_headers(body, content_type or "")
        if content_type is None:
            del sent["content-type"]
        sent.update(headers)
        return w.http.post(EVENTS, content=body, headers=sent)

    return send  # type: ignore[return-value]


def chunked(size: int, *, signed: bool = False) -> Send:
    """A form body of `size` bytes sent in 64 KB chunks, without a Content-Length."""
    body = b"text=" + b"x" * (size - 5)
    headers = signed_headers(body, FORM) if signed else {"content-type": FORM}

    def send(w: World) -> object:
        def pieces() -> Any:
            for start in range(0, len(body), 65_536):
                yield body[start : start + 65_536]

        return w.http.post(EVENTS, content=pieces(), headers=headers)

    return send  # type: ignore[return-value]


def payload(text: str) -> str:
    return "payload=" + quote(text)


def deep(n: int) -> str:
    return "[" * n + "]" * n


def deep_event(n: int) -> str:
    return json.dumps(event_envelope({"type": "reaction_added", "x": 1})).replace(
        '"x": 1', f'"x": {deep(n)}'
    )


def command_form(
    text: str,
    *,
    drop: str = "",
    also: tuple[str, str] | None = None,
    raw: tuple[str, str] | None = None,
    **fields: str,
) -> Send:
    """A signed slash-command form with fields dropped, repeated or changed; waits for the
    follow-up answer when the ack is empty, so its effects (none) are in the snapshot."""

    def send(w: World) -> object:
        since = w.mark()
        pairs = [(k, v) for k, v in w.command_fields(text).items() if k != drop]
        pairs = [(k, fields.get(k, v)) for k, v in pairs] + ([also] if also else [])
        body = urlencode(pairs)
        if raw is not None:
            body = body.replace(*raw)
        response = w.slack_post(body)
        if response.status_code == 200 and not response.content and drop != "response_url":
            w.wait_for_slack(since, "response")
        return response

    return send  # type: ignore[return-value]


# ------------------------------------------------------------------ interactivity


def act(
    action_id: str,
    value: Any = None,
    *,
    user: str = STAFF,
    selected: str | None = None,
    home_metadata: Any = None,
    wait: str | None = "response",
    **extra: Any,
) -> Send:
    """A signed button click; waits for the app's follow-up (`wait`: "response" or a method)."""

    def send(w: World) -> object:
        since = w.mark()
        val = value(w) if callable(value) else value
        sel = selected
        if sel is not None and "{" in sel:
            sel = sel.format(**w.contacts)
        data = action_payload(
            w, action_id, val, user=user, selected=sel, home_metadata=home_metadata, **extra
        )
        response = w.slack_post(urlencode({"payload": json.dumps(data)}))
        if response.status_code == 200 and wait:
            w.wait_for_slack(since, wait)
        return response

    return send  # type: ignore[return-value]


def cid(name: str, suffix: str = "") -> Any:
    return lambda w: f"{w.contacts[name]}{suffix}"


def thread_value(**changes: Any) -> Any:
    def make(w: World) -> str:
        value = {"c": w.contacts["ann"], "ch": NOTIFY, "ts": f"17.{time.monotonic_ns()}", "x": "hi"}
        value.update(changes)
        return json.dumps(value)

    return make


def submit(
    callback_id: str,
    values: Any,
    metadata: Any,
    *,
    user: str = STAFF,
    view_extra: dict[str, Any] | None = None,
) -> Send:
    """A signed view submission; its answer is the HTTP response (response_action)."""

    def send(w: World) -> object:
        meta = metadata(w) if callable(metadata) else metadata
        view = {
            "id": "VMODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": meta,
            "state": {"values": values} if not callable(values) else values(w),
        }
        view.update(view_extra or {})
        body = {
            "type": "view_submission",
            "user": {"id": user, "team_id": "T0001"},
            "team": {"id": "T0001"},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": "1.3.trigger",
            "view": view,
        }
        return w.slack_post(urlencode({"payload": json.dumps(body)}))

    return send  # type: ignore[return-value]


def text_value(text: str) -> dict[str, Any]:
    return {ids.SEND_BLOCK: {ids.SEND_INPUT: {"type": "plain_text_input", "value": text}}}


def meta(name: str) -> Any:
    return lambda w: json.dumps({"c": w.contacts[name]})


def event(
    evt: Any, *, wait: str | None = None, headers: dict[str, str] | None = None, **extra: Any
) -> Send:
    def send(w: World) -> object:
        since, before = w.mark(), w.state()
        body = json.dumps(event_envelope(evt, **extra))
        response = w.slack_post(body, JSON, headers=headers)
        if response.status_code != 200:
            return response
        if wait == "state":
            w.wait_for_change(before)
        elif wait:
            w.wait_for_slack(since, wait)
        else:
            time.sleep(0.1)  # an ignored event is done by now; a late write would show
        return response

    return send  # type: ignore[return-value]


def replayed_event(text: str) -> tuple[Any, Send]:
    """(setup, send): a thread reply delivered once, then Slack's retry of the same event."""
    sent: dict[str, str] = {}

    def setup(w: World) -> None:
        since = w.mark()
        envelope = event_envelope(thread_reply(text))
        sent["body"] = json.dumps(envelope)
        assert w.slack_post(sent["body"], JSON).status_code == 200
        w.wait_for_slack(since, "chat.postEphemeral")

    def send(w: World) -> object:
        retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
        response = w.slack_post(sent["body"], JSON, headers=retry)
        time.sleep(0.2)  # anything it wrongly did would show by now
        return response

    return setup, send


_replay_setup, _replay_send = replayed_event("retry me <!channel>")

# ------------------------------------------------------------------ the table

FORGED_CASES: list[Case] = [
    case(f"forged-{kind}-{how}", forged(kind, how), 401) for kind in BODIES for how in FORGERIES
]

MALFORMED_CASES: list[Case] = [
    case("deep-json-event-100k", signed(deep(100_000), JSON), 400),
    case("deep-json-event-field", signed(deep_event(50_000), JSON), 400),
    case("deep-payload-100k", signed(payload(deep(100_000))), 400),
    case(
        "deep-payload-object",
        signed(payload('{"type":"block_actions","a":' + deep(50_000) + "}")),
        400,
    ),
    case("moderately-deep-event", signed(deep_event(200), JSON), 404),
    case("payload-null", signed(payload("null")), 400),
    case("payload-number", signed(payload("123")), 400),
    case("payload-true", signed(payload("true")), 400),
    case("payload-string", signed(payload('"block_actions"')), 400),
    case("payload-nan", signed(payload("NaN")), 400),
    case("payload-empty", signed("payload="), 400),
    case("payload-truncated-json", signed(payload('{"type": "block_actions", "actions": [')), 400),
    case("payload-single-quotes", signed(payload("{'type': 'block_actions'}")), 400),
    case("payload-bom", signed(payload('\ufeff{"type": "block_actions"}')), 400),
    case(
        "payload-5000-digit-number",
        signed(payload('{"type": "block_actions", "n": ' + "9" * 5000 + "}")),
        400,
    ),
    case(
        "payload-twice-bad-last",
        signed(payload('{"type": "block_actions"}') + "&" + payload("[1]")),
        400,
    ),
    case(
        "payload-twice-bad-first",
        signed(payload("[1]") + "&" + payload('{"type": "shortcut"}')),
        400,
    ),
    case("payload-empty-object", signed(payload("{}")), 404),
    case(
        "payload-unknown-type",
        signed(payload('{"type": "<script>", "user": {"id": "U1"}}')),
        404,
    ),
    case("json-null", signed("null", JSON), 400),
    case("json-number", signed("1e999", JSON), 400),
    case("json-true", signed("true", JSON), 400),
    case("json-bom", signed('\ufeff{"type": "event_callback"}', JSON), 400),
    case("json-utf16", signed('{"type": "event_callback"}'.encode("utf-16"), JSON), 400),
    case(
        "json-5000-digit-number",
        signed('{"type": "event_callback", "n": ' + "1" * 5000 + "}", JSON),
        400,
    ),
    case("json-trailing-garbage", signed('{"type": "event_callback"} {}', JSON), 400),
    case("json-as-text-json", signed('{"type": "event_callback"}', "text/json"), 400),
    case("json-multipart", signed("--b\r\n\r\n--b--", "multipart/form-data; boundary=b"), 400),
    case("json-xml", signed("<xml/>", "application/xml"), 400),
    case("form-no-content-type", signed("command=%2Fsms&text=status", None), 400),
    case("form-bare-word", signed("justaword"), 400),
    case("form-lone-equals-and-ampersands", signed("&&=&&"), 400),
    case("form-invalid-utf8", signed(b"text=\xc3\x28", FORM), 400),
    case("form-json-array", signed('[{"type": "event_callback"}]'), {400}),
    case("over-1mb", signed("text=" + "x" * 1_000_001), 413),
    # no Content-Length: the limit holds while reading, before the signature (SPEC §3)
    case("chunked-over-1mb-unsigned", chunked(1_200_000), 413),
    case("chunked-over-1mb-signed", chunked(1_200_000, signed=True), 413),
    case("chunked-under-1mb-unsigned", chunked(900_000), 401),
    case(
        "declared-99mb",
        lambda w: w.raw_http(
            "POST", EVENTS, headers=["Content-Length: 99999999", "Content-Type: application/json"]
        ),
        413,
    ),
    case(
        "url-verification-no-challenge",
        signed(json.dumps({"type": "url_verification", "token": "x"}), JSON),
        200,
    ),
    case(
        "url-verification-object-challenge",
        signed(json.dumps({"type": "url_verification", "challenge": {"<script>": 1}}), JSON),
        200,
    ),
    case(
        "url-verification-script-challenge",
        signed(
            json.dumps({"type": "url_verification", "challenge": "<script>alert(1)</script>"}), JSON
        ),
        200,
    ),
    case("ssl-check", signed("ssl_check=1&token=x"), 200),
    case("get-events", lambda w: w.http.get(EVENTS), 405),
    case("put-events", lambda w: w.http.put(EVENTS, content=b"x"), 405),
]

COMMAND_FORM_CASES: list[Case] = [
    case("command-missing-command-field", command_form("status", drop="command"), 404),
    case("command-other-command", command_form('optout "Ann Lee"', command="/other"), 404),
    case("command-twice-text", command_form("help", also=("text", 'optout "Ann Lee"')), 400),
    case("command-twice-user", command_form('optout "Ann Lee"', also=("user_id", GUEST)), 400),
    case("command-no-user", command_form('optout "Ann Lee"', drop="user_id"), 200),
    case("command-empty-user", command_form('optout "Ann Lee"', user_id=""), 200),
    case("command-no-response-url", command_form('optout "Ann Lee"', drop="response_url"), 400),
    case("command-relative-response-url", command_form("status", response_url="/r/1"), 400),
    case("command-nul-in-text", command_form("status\x00"), 200),
    case("command-invalid-escape", command_form("x", raw=("text=x", "text=%E2%9C")), 200),
    case("command-no-text-field", command_form("x", drop="text"), 200),
]

ACTION_CASES: list[Case] = [
    case("opt-out-by-guest", act(ids.OPT_OUT, cid("ann"), user=GUEST), 200),
    case(
        "opt-out-number-by-guest",
        act(ids.OPT_OUT_NUMBER, lambda w: f"{w.contacts['ann']}:{ANN}", user=GUEST),
        200,
    ),
    case("opt-out-empty-value", act(ids.OPT_OUT, ""), 200),
    case("opt-out-fullwidth-id", act(ids.OPT_OUT, "１"), 200),
    case("opt-out-negative-id", act(ids.OPT_OUT, "-1"), 200),
    case("opt-out-exponent-id", act(ids.OPT_OUT, "1e3"), 200),
    case("opt-out-20-digit-id", act(ids.OPT_OUT, "9" * 20), 200),
    case("opt-out-unknown-id", act(ids.OPT_OUT, "999999"), 200),
    case("opt-out-sql-id", act(ids.OPT_OUT, "1 OR 1=1"), 200),
    case("opt-out-number-bad-phone", act(ids.OPT_OUT_NUMBER, cid("ann", ":+1415555CALL")), 200),
    case("opt-out-number-no-phone", act(ids.OPT_OUT_NUMBER, cid("ann", ":")), 200),
    case("opt-out-number-unknown-phone", act(ids.OPT_OUT_NUMBER, cid("ann", ":+14155550188")), 200),
    case(
        "opt-out-number-script",
        act(ids.OPT_OUT_NUMBER, cid("ann", ":<script>alert(1)</script>")),
        200,
    ),
    case("opt-out-value-object", act(ids.OPT_OUT, {"id": 1}), 200),
    case("view-2000-char-value", act(ids.VIEW, "7" * 2000), 200),
    case("view-unknown-contact", act(ids.VIEW, "424242"), 200),
    case("send-button-by-guest", act(ids.SEND, cid("ann"), user=GUEST), 200),
    # moving a contact to a project (its texts then go to that channel) is staff's (SPEC §4)
    case("move-by-guest", act(ids.MOVE, selected="{ann}:", user=GUEST), 200),
    case("move-pick-by-guest", act(ids.MOVE_PICK, cid("ann"), user=GUEST), 200),
    case("send-button-unknown-contact", act(ids.SEND, "424242"), 200),
    case("move-pick-unknown-contact", act(ids.MOVE_PICK, "424242"), 200),
    case("move-garbage", act(ids.MOVE, selected="abc:def"), 200),
    case("move-unknown-project", act(ids.MOVE, selected="{ann}:99999"), 200),
    case("move-unknown-contact", act(ids.MOVE, selected="424242:"), 200),
    case("move-no-option", act(ids.MOVE, None, selected=None), 200),
    case("thread-send-broken-value", act(ids.THREAD_SEND, "not json"), 200),
    case("thread-send-string-contact", act(ids.THREAD_SEND, thread_value(c="1")), 200),
    case("thread-send-list-value", act(ids.THREAD_SEND, "[1, 2]"), 200),
    case(
        "thread-send-by-guest",
        act(ids.THREAD_SEND, thread_value(x="<!channel> hi"), user=GUEST),
        200,
    ),
    case(
        "thread-send-to-opted-out",
        act(
            ids.THREAD_SEND,
            lambda w: json.dumps({"c": w.contacts["bob"], "ch": NOTIFY, "ts": "17.1", "x": "hi"}),
        ),
        200,
    ),
    case("thread-send-too-long", act(ids.THREAD_SEND, thread_value(x="z" * 1601)), 200),
    case("thread-send-empty-text", act(ids.THREAD_SEND, thread_value(x="   ")), 200),
    case(
        "thread-send-hostile-text",
        act(ids.THREAD_SEND, thread_value(x="<!channel> <@U123EVIL> <script>alert(1)</script>")),
        200,
        changes=True,
    ),
    case(
        "home-page-huge-number",
        act(ids.HOME_PAGE, "9" * 30, home_metadata="{}", wait="views.publish"),
        200,
    ),
    case(
        "home-page-huge-metadata-page",
        act(ids.HOME_PAGE, "1", home_metadata=json.dumps({"n": 10**30}), wait="views.publish"),
        200,
    ),
    case(
        "home-page-huge-metadata-project",
        act(ids.HOME_PAGE, "0", home_metadata=json.dumps({"p": 10**30}), wait="views.publish"),
        200,
    ),
    case(
        "home-page-negative-metadata",
        act(
            ids.HOME_PAGE,
            "0",
            home_metadata=json.dumps({"p": -5, "n": -5, "s": "<script>"}),
            wait="views.publish",
        ),
        200,
    ),
    case(
        "home-page-metadata-not-json",
        act(ids.HOME_PAGE, "0", home_metadata="{not json", wait="views.publish"),
        200,
    ),
    case(
        "home-page-metadata-number",
        act(ids.HOME_PAGE, "0", home_metadata=12345, wait="views.publish"),
        200,
    ),
    case(
        "home-page-metadata-list",
        act(ids.HOME_PAGE, "0", home_metadata="[1, 2]", wait="views.publish"),
        200,
    ),
    case(
        "home-status-unknown",
        act(ids.HOME_STATUS, selected="<script>", home_metadata="{}", wait="views.publish"),
        200,
    ),
    case(
        "home-project-garbage",
        act(ids.HOME_PROJECT, selected="１２", home_metadata="{}", wait="views.publish"),
        200,
    ),
    case(
        "home-opt-out-by-guest",
        act(ids.OPT_OUT, cid("ann"), user=GUEST, home_metadata="{}", wait="views.publish"),
        200,
    ),
    case(
        "action-empty-actions",
        lambda w: w.slack_post(
            urlencode({"payload": json.dumps({**action_payload(w, ids.VIEW, "1"), "actions": []})})
        ),
        400,
    ),
    case(
        "action-actions-not-list",
        lambda w: w.slack_post(
            urlencode({"payload": json.dumps({**action_payload(w, ids.VIEW, "1"), "actions": "x"})})
        ),
        400,
    ),
    case(
        "action-unknown-id",
        lambda w: w.slack_post(
            urlencode({"payload": json.dumps(action_payload(w, "<script>", "1"))})
        ),
        404,
    ),
    case(
        "action-user-not-object",
        lambda w: w.slack_post(
            urlencode(
                {
                    "payload": json.dumps(
                        {**action_payload(w, ids.OPT_OUT, str(w.contacts["ann"])), "user": "USTAFF"}
                    )
                }
            )
        ),
        400,
    ),
    case(
        "submit-send-by-guest",
        submit(ids.SEND_MODAL, text_value("hi"), meta("ann"), user=GUEST),
        200,
    ),
    case("submit-send-no-contact", submit(ids.SEND_MODAL, text_value("hi"), "{}"), 200),
    case(
        "submit-move-by-guest",
        submit(
            ids.MOVE_MODAL,
            {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": NO_PROJECT}}}},
            meta("ann"),
            user=GUEST,
        ),
        200,
        says="Only optdesk staff",
    ),
    case("submit-send-metadata-not-json", submit(ids.SEND_MODAL, text_value("hi"), "{oops"), 200),
    case("submit-send-metadata-number", submit(ids.SEND_MODAL, text_value("hi"), 42), 200),
    case("submit-send-metadata-list", submit(ids.SEND_MODAL, text_value("hi"), "[42]"), 200),
    case("submit-send-to-opted-out", submit(ids.SEND_MODAL, text_value("hi"), meta("bob")), 200),
    case("submit-send-to-pending", submit(ids.SEND_MODAL, text_value("hi"), meta("pat")), 200),
    case("submit-send-10kb", submit(ids.SEND_MODAL, text_value("x" * 10_240), meta("ann")), 200),
    case("submit-send-empty", submit(ids.SEND_MODAL, text_value("   "), meta("ann")), 200),
    case("submit-send-no-values", submit(ids.SEND_MODAL, {}, meta("ann")), 200),
    case(
        "submit-send-values-list",
        submit(ids.SEND_MODAL, lambda w: {"values": [1, 2]}, meta("ann")),
        200,
    ),
    case("submit-send-state-list", submit(ids.SEND_MODAL, lambda w: [1, 2], meta("ann")), 200),
    case(
        "submit-send-hostile",
        submit(ids.SEND_MODAL, text_value("<!channel> <script>alert(1)</script>"), meta("ann")),
        200,
        changes=True,
    ),
    case(
        "submit-move-garbage",
        submit(
            ids.MOVE_MODAL,
            {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": "abc"}}}},
            meta("ann"),
        ),
        200,
    ),
    case(
        "submit-move-unknown-project",
        submit(
            ids.MOVE_MODAL,
            {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": "99999"}}}},
            meta("ann"),
        ),
        200,
    ),
    case(
        "submit-move-unknown-contact",
        submit(
            ids.MOVE_MODAL,
            {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": "1"}}}},
            json.dumps({"c": 424242}),
        ),
        200,
    ),
    case("submit-unknown-callback", submit("<script>", {}, "{}"), 404),
]

EVENT_CASES: list[Case] = [
    case(
        "event-thread-reply-hostile",
        event(
            thread_reply("<!channel> <@U123EVIL> &lt;script&gt;alert(1)&lt;/script&gt;"),
            wait="chat.postEphemeral",
        ),
        200,
        changes=True,
    ),
    case("event-retry-of-handled-reply", _replay_send, 200, setup=_replay_setup),
    case("event-top-level-message", event(thread_reply(thread_ts=None)), 200),
    case("event-bot-message", event(thread_reply(bot_id="B1")), 200),
    case("event-edited-message", event(thread_reply(subtype="message_changed")), 200),
    case("event-unknown-thread", event(thread_reply(thread_ts="1.999")), 200),
    case("event-other-channel", event(thread_reply(channel="C0OTHER")), 200),
    case("event-no-user", event(thread_reply(user=None)), 200),
    case("event-thread-ts-number", event(thread_reply(thread_ts=1.5)), 200),
    case(
        "event-empty-text",
        event(thread_reply(text="   "), event_id="EvEmptyText", wait="state"),
        200,
        changes=True,
    ),
    case("event-home-opened-no-user", event({"type": "app_home_opened", "tab": "home"}), 200),
    case(
        "event-home-opened-messages-tab",
        event({"type": "app_home_opened", "user": GUEST, "tab": "messages"}),
        200,
    ),
    case(
        "event-home-opened-guest",
        event({"type": "app_home_opened", "user": GUEST, "tab": "home"}, wait="views.publish"),
        200,
    ),
    case("event-unknown-type", event({"type": "reaction_added", "user": STAFF}), 404),
    case("event-is-list", event([1, 2]), 400),
    case("event-is-null", event(None), 400),
    case(
        "event-missing",
        lambda w: w.slack_post(json.dumps({"type": "event_callback", "team_id": "T0001"}), JSON),
        404,
    ),
    case(
        "event-garbage-retry-header",
        event(thread_reply(), headers={"x-slack-retry-num": "abc"}, wait="chat.postEphemeral"),
        200,
        changes=True,
    ),
    case(
        "event-app-rate-limited",
        lambda w: w.slack_post(
            json.dumps({"type": "app_rate_limited", "team_id": "T0001", "minute_rate_limited": 1}),
            JSON,
        ),
        404,
    ),
]

CASES = unique(FORGED_CASES + MALFORMED_CASES + COMMAND_FORM_CASES + ACTION_CASES + EVENT_CASES)
