"""Local mode's pretend phone: `GET/POST /local/phone` (mounted only without Twilio).

It lists every number with the texts the desk "sent" it (kept in the database and
logged by LocalGateway) and lets you text back as the client: the form builds an
InboundSms with a fresh `SMLOCAL...` sid and calls the same `handle_inbound` as
Twilio's webhook, then shows the reply Twilio would have carried.
"""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consent.errors import InvalidPhone
from consent.phones import parse_phone
from consent.records import InboundSms
from consent.services.context import Desk
from consent.services.inbound import InboundResult, handle_inbound
from consent.services.queries import phone_book
from consent.services.staff import MAX_TEXT
from webhooks.csrf import FIELD, Csrf
from webhooks.forms import PAGE_BODY_LIMIT, read_form, single
from webhooks.pages import Pages

PATH = "/local/phone"
SCOPE = "local-phone"


def local_sid() -> str:
    return "SMLOCAL" + secrets.token_hex(14)[:27]


class LocalPhone:
    def __init__(self, desk: Desk, pages: Pages, csrf: Csrf) -> None:
        self.desk, self.pages, self.csrf = desk, pages, csrf

    def routes(self) -> list[Route]:
        return [
            Route(PATH, self.show, methods=["GET"]),
            Route(PATH, self.text_back, methods=["POST"]),
        ]

    async def show(self, request: Request) -> Response:
        token = self.csrf.for_page(request, SCOPE)
        response = await self._page(request, token)
        self.csrf.set_cookie(response, token, PATH)
        return response

    async def text_back(self, request: Request) -> Response:
        form = await read_form(request, PAGE_BODY_LIMIT)
        token = single(form, FIELD, max_len=200)
        if not self.csrf.check(request, SCOPE, token):
            return self.pages.problem(request, 403, "csrf", retry_url=PATH)
        assert token is not None
        typed = (single(form, "from", max_len=100) or "").strip()
        body = (single(form, "body", max_len=MAX_TEXT * 4) or "").strip()
        try:
            e164 = parse_phone(typed, self.desk.config.default_region)
        except InvalidPhone as err:
            return await self._page(request, token, typed, body, error=err.reason)
        if not body or len(body) > MAX_TEXT:
            error = f"Type a text of 1 to {MAX_TEXT} characters."
            return await self._page(request, token, typed, body, error=error)
        sms = InboundSms(local_sid(), e164, self.desk.config.sender or "local", body)
        result = await run_in_threadpool(handle_inbound, self.desk, sms)
        return await self._page(request, token, typed, "", result=result, sent=body)

    async def _page(
        self,
        request: Request,
        token: str,
        typed: str = "",
        body: str = "",
        *,
        error: str = "",
        result: InboundResult | None = None,
        sent: str = "",
    ) -> Response:
        phones = await run_in_threadpool(phone_book, self.desk)
        return self.pages.render(
            request,
            "local_phone.html",
            status=422 if error else 200,
            phones=phones,
            csrf=token,
            typed=typed,
            body=body,
            error=error,
            result=result,
            sent=sent,
            action=PATH,
        )
