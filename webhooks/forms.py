"""Reading form posts safely: size limit before parsing, strict content type, blank fields kept.

Every form this sidecar accepts (Twilio webhooks, the questionnaire, the local phone) is
`application/x-www-form-urlencoded`. The body is read with a byte limit first (413), then
parsed with the standard library, keeping blank values (`FromZip=`): they are part of the
string Twilio signs. Anything else answers 415 or 400 before any state is touched.
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

FORM_TYPE = "application/x-www-form-urlencoded"
TWILIO_BODY_LIMIT = 64 * 1024
PAGE_BODY_LIMIT = 16 * 1024
MAX_FIELDS = 200


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, or 413 as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "bad Content-Length")
        if int(declared) > limit:
            raise HTTPException(413, "body too large")
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:  # the ASGI messages themselves: Request.stream's generator costs more
        message = await request.receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        more = bool(message.get("more_body", False))
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, "body too large")
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def check_form_type(request: Request) -> None:
    """415 unless the body says it is a urlencoded form (any charset parameter but UTF-8: 415)."""
    raw = request.headers.get("content-type", "")
    media, _, params = raw.partition(";")
    if media.strip().lower() != FORM_TYPE:
        raise HTTPException(415, "expected application/x-www-form-urlencoded")
    charset = params.strip().lower()
    if charset and charset.replace(" ", "") not in ("charset=utf-8", 'charset="utf-8"'):
        raise HTTPException(415, "expected UTF-8")


def parse_pairs(body: bytes) -> list[tuple[str, str]]:
    """A urlencoded body's (name, value) pairs, blank values kept; 400 for bytes that are
    not UTF-8 text, a NUL, or more than MAX_FIELDS fields.

    What `parse_qsl(keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)`
    returns, without its per-field calls for the names and values that need no decoding
    (Twilio's, mostly).
    """
    try:
        text = body.decode("utf-8")
        if text.count("&") >= MAX_FIELDS:
            raise ValueError("too many fields")
        pairs = []
        for field in text.split("&") if text else ():
            if not field:
                continue
            name, _, value = field.partition("=")
            pairs.append((_unquote(name), _unquote(value)))
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "malformed form") from None
    nul = "\x00" in text or "%00" in text  # the only ways to a NUL
    if nul and any("\x00" in key or "\x00" in value for key, value in pairs):
        raise HTTPException(400, "malformed form")
    return pairs


def _unquote(part: str) -> str:
    if "+" in part:
        part = part.replace("+", " ")
    if "%" not in part:
        return part
    if part.count("%") == part.count("%2B"):  # only a phone number's "+" (From, To)
        return part.replace("%2B", "+")
    return unquote(part, errors="strict")


def parse_form(body: bytes) -> FormData:
    """Parse a urlencoded body, blank values kept; 400 for bytes that are not UTF-8 text."""
    fields: list[tuple[str, str | UploadFile]] = list(parse_pairs(body))
    return FormData(fields)


async def read_form(request: Request, limit: int) -> FormData:
    """Content type, size limit, then parse: the one way endpoints here read a form."""
    check_form_type(request)
    return parse_form(await read_body(request, limit))


def single(form: FormData, name: str, *, max_len: int | None = None) -> str | None:
    """One value of a field (None when absent); 400 when it is repeated or too long."""
    values = form.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPException(400, f"{name} given more than once")
    value = str(values[0])
    if max_len is not None and len(value) > max_len:
        raise HTTPException(400, f"{name} is too long")
    return value


def client_ip(request: Request, *, trust_proxy: bool) -> str:
    """The client's address for the consent evidence.

    Behind one reverse proxy (`trust_proxy=True`), the proxy appends the address it saw
    to X-Forwarded-For, so the right-most entry is the one nobody else could forge.
    Without a proxy, X-Forwarded-For is ignored: any client can send one.
    """
    if trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return request.client.host if request.client else "unknown"


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")[:300]
