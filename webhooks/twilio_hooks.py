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
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse

from consent.errors import InvalidPhone
from consent.phones import parse_phone
from consent.records import InboundSms
from consent.services.context import Desk
from consent.services.delivery import record_delivery
from consent.services.inbound import InboundResult, handle_inbound_many
from webhooks.forms import TWILIO_BODY_LIMIT, check_form_type, parse_pairs, read_body
from webhooks.group_commit import GroupCommit
from webhooks.twilio_errors import delivery_report
from webhooks.twilio_form import SignatureCheck, TwilioForm

log = logging.getLogger("optdesk.webhooks")

# ASCII digits only: `\d` would also match fullwidth and Arabic-Indic digits.
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_STATUS = re.compile(r"[a-z_]{1,32}")
_ERROR_CODE = re.compile(r"[0-9]{1,6}")
_MAX_MEDIA = 10
_MAX_BODY_CHARS = 5000
_MAPPED = frozenset({"MessageSid", "SmsSid", "SmsMessageSid", "From", "To", "Body", "OptOutType"})
_MAPPED_SORTED = tuple(sorted(_MAPPED))
_STATUS_FIELDS = ("MessageSid", "SmsSid", "MessageStatus", "SmsStatus", "ErrorCode")


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
    twice = repeated(form, _MAPPED_SORTED)
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
    media = _media(form) if any(key.startswith("MediaUrl") for key in form) else []
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


def _media(form: Mapping[str, str] | FormData) -> list[tuple[str, str]]:
    media = []
    for n in range(_MAX_MEDIA):
        url = str(form.get(f"MediaUrl{n}") or "").strip()
        if url.startswith(("https://", "http://")):
            kind = str(form.get(f"MediaContentType{n}") or "application/octet-stream").strip()
            media.append((url, kind[:100]))
    return media


_EMPTY_TWIML = str(MessagingResponse()).encode("utf-8")


class _TwiML(Response):
    """A TwiML answer with its headers written out (Response works them out each time)."""

    def __init__(self, body: bytes) -> None:
        self.status_code, self.background, self.body = 200, None, body
        self.raw_headers = [
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", b"text/xml; charset=utf-8"),
        ]


def twiml(reply: str | None) -> Response:
    """TwiML for Twilio: one <Message>, or an empty <Response/> (the SDK escapes the text)."""
    if not reply:
        return _TwiML(_EMPTY_TWIML)
    response = MessagingResponse()
    response.message(reply)
    return _TwiML(str(response).encode("utf-8"))


class TwilioHooks:
    def __init__(self, desk: Desk, auth_token: str | None) -> None:
        self.desk = desk
        self.check = SignatureCheck(auth_token) if auth_token else None
        self.public_url = desk.config.public_url.rstrip("/")
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
        scope = request.scope
        raw_path = scope.get("raw_path") or request.url.path.encode()
        url = self.public_url + raw_path.decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        return f"{url}?{query}" if query else url

    async def verified_form(self, request: Request) -> TwilioForm:
        signature = request.headers.get(SIGNATURE_HEADER)
        if self.check is None or not signature:
            raise HTTPException(403, "missing Twilio signature")
        check_form_type(request)
        form = TwilioForm(parse_pairs(await read_body(request, TWILIO_BODY_LIMIT)))
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        if not self.check.ok(self.signed_url(request), form, signature, algorithm):
            log.warning("rejected a Twilio webhook with a bad signature for %s", request.url.path)
            raise HTTPException(403, "bad Twilio signature")
        return form

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
