"""Twilio's webhooks: inbound texts (`POST /twilio/sms`) and status callbacks (`/twilio/status`).

Each request is checked, in this order, before anything is stored: signature header
present (403), body within 64 KiB (413), a urlencoded form (415/400), a valid
X-Twilio-Signature over `public_url` + path (+ query) and every field, blank ones
included (403), the fields we need (400). Only then does the consent core act.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    compare,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse

from consent.errors import InvalidPhone
from consent.phones import parse_phone
from consent.records import InboundSms
from consent.services.context import Desk
from consent.services.delivery import record_delivery
from consent.services.inbound import InboundResult, handle_inbound_many
from webhooks.forms import TWILIO_BODY_LIMIT, read_form
from webhooks.group_commit import GroupCommit
from webhooks.twilio_errors import delivery_report

log = logging.getLogger("optdesk.webhooks")

# ASCII digits only: `\d` would also match fullwidth and Arabic-Indic digits.
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_STATUS = re.compile(r"[a-z_]{1,32}")
_ERROR_CODE = re.compile(r"[0-9]{1,6}")
_MAX_MEDIA = 10
_MAX_BODY_CHARS = 5000
_MAPPED = {"MessageSid", "SmsSid", "SmsMessageSid", "From", "To", "Body", "OptOutType"}
_STATUS_FIELDS = ("MessageSid", "SmsSid", "MessageStatus", "SmsStatus", "ErrorCode")


class _Params(dict[str, list[str]]):
    """Form fields as the twilio SDK's validator reads a multi-dict (every value of a
    name), built in one pass: Starlette's FormData.getlist scans the form per name."""

    def getall(self, name: str) -> list[str]:
        return self[name]


class BadForm(ValueError):
    """A signed form that still lacks what we need (answered 400)."""


def _sender(raw: str, region: str) -> str:
    value = raw.strip()
    if _E164.fullmatch(value):
        return value  # Twilio sends E.164; trust it even for ranges phonenumbers doesn't know
    try:
        return parse_phone(value, region)
    except InvalidPhone:
        raise BadForm("From is not a phone number") from None


def repeated(form: Mapping[str, str] | FormData, names: Iterable[str]) -> str | None:
    """The first of `names` given more than once (Twilio never repeats them), or None."""
    getlist = getattr(form, "getlist", None)
    if getlist is None:
        return None
    return next((name for name in names if len(getlist(name)) > 1), None)


def to_inbound_sms(form: Mapping[str, str] | FormData, region: str = "US") -> InboundSms:
    """Translate Twilio's inbound-message form into the core's InboundSms; BadForm if unusable."""
    twice = repeated(form, sorted(_MAPPED))
    if twice is not None:
        raise BadForm(f"{twice} is given more than once")
    sid = str(form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not _SID.fullmatch(sid):
        raise BadForm("MessageSid is missing or malformed")
    raw_from = str(form.get("From") or "")
    if not raw_from.strip():
        raise BadForm("From is missing")
    body = str(form.get("Body") or "")
    if len(body) > _MAX_BODY_CHARS:
        raise BadForm("Body is too long")
    media = []
    for n in range(_MAX_MEDIA):
        url = str(form.get(f"MediaUrl{n}") or "").strip()
        if url.startswith(("https://", "http://")):
            kind = str(form.get(f"MediaContentType{n}") or "application/octet-stream").strip()
            media.append((url, kind[:100]))
    opt_out = str(form.get("OptOutType") or "").strip().upper()[:20] or None
    extra = {
        str(key): str(value)[:500]
        for key, value in form.items()
        if key not in _MAPPED and not key.startswith(("MediaUrl", "MediaContentType"))
    }
    return InboundSms(
        sid=sid,
        from_=_sender(raw_from, region),
        to=str(form.get("To") or "").strip()[:64],
        body=body,
        media=tuple(media),
        opt_out_type=opt_out,
        extra=extra,
    )


_EMPTY_TWIML = str(MessagingResponse())


def twiml(reply: str | None) -> Response:
    """TwiML for Twilio: one <Message>, or an empty <Response/> (the SDK escapes the text)."""
    if not reply:
        return Response(_EMPTY_TWIML, media_type="text/xml")
    response = MessagingResponse()
    response.message(reply)
    return Response(str(response), media_type="text/xml")


class TwilioHooks:
    def __init__(self, desk: Desk, auth_token: str | None) -> None:
        self.desk = desk
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.inbound_writer: GroupCommit[InboundSms, InboundResult] = GroupCommit(
            partial(handle_inbound_many, desk)
        )

    def routes(self) -> list[Route]:
        return [
            Route("/twilio/sms", self.inbound, methods=["POST"]),
            Route("/twilio/status", self.status, methods=["POST"]),
        ]

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public URL, this path and the raw query."""
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        url = self.desk.config.public_url.rstrip("/") + raw_path.decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        return f"{url}?{query}" if query else url

    async def verified_form(self, request: Request) -> FormData:
        signature = request.headers.get(SIGNATURE_HEADER)
        if self.validator is None or not signature:
            raise HTTPException(403, "missing Twilio signature")
        form = await read_form(request, TWILIO_BODY_LIMIT)
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        if not self.signature_ok(self.signed_url(request), form, signature, algorithm):
            log.warning("rejected a Twilio webhook with a bad signature for %s", request.url.path)
            raise HTTPException(403, "bad Twilio signature")
        return form

    def signature_ok(self, url: str, form: FormData, signature: str, algorithm: str) -> bool:
        """One HMAC over the exact URL we configured (what Twilio signs in practice);
        only when that fails, the SDK's full check with and without the port."""
        assert self.validator is not None
        params = _Params()
        for key, value in form.multi_items():
            params.setdefault(key, []).append(str(value))
        try:
            expected = self.validator.compute_signature(url, params, algorithm)
        except ValueError:  # an algorithm the SDK does not know: not a request we can trust
            return False
        if compare(expected, signature):
            return True
        return bool(self.validator.validate(url, params, signature, algorithm))

    async def inbound(self, request: Request) -> Response:
        form = await self.verified_form(request)
        try:
            sms = to_inbound_sms(form, self.desk.config.default_region)
        except BadForm as err:
            raise HTTPException(400, str(err)) from None
        result = await self.inbound_writer.submit(sms)
        return twiml(result.reply)

    async def status(self, request: Request) -> Response:
        form = await self.verified_form(request)
        twice = repeated(form, _STATUS_FIELDS)
        if twice is not None:
            raise HTTPException(400, f"{twice} is given more than once")
        sid = str(form.get("MessageSid") or form.get("SmsSid") or "").strip()
        status = str(form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
        code = str(form.get("ErrorCode") or "").strip() or None
        if not _SID.fullmatch(sid) or not _STATUS.fullmatch(status):
            raise HTTPException(400, "MessageSid and MessageStatus are required")
        if code is not None and not _ERROR_CODE.fullmatch(code):
            raise HTTPException(400, "ErrorCode is malformed")
        await run_in_threadpool(record_delivery, self.desk, delivery_report(sid, status, code))
        return twiml(None)
