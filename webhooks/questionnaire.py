"""The hosted questionnaire: `GET/POST /q/{token}` (SPEC §2).

The page works without JavaScript (the phone field is then always shown and only
needed for Yes); a small nonce'd script hides it until Yes is chosen. Every POST
is checked for its CSRF token before anything is recorded; a bad number or a
missing required answer shows the form again (422) with what was typed.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consent.errors import InvalidInput, InvalidPhone
from consent.phones import REASONS, display_phone
from consent.services.context import Desk
from consent.services.links import Answered, OpenLink, Outcome, open_link, submit_answer, token_hash
from webhooks import page_copy
from webhooks.csrf import FIELD, Csrf
from webhooks.forms import PAGE_BODY_LIMIT, client_ip, read_form, single, user_agent
from webhooks.pages import Pages

_MAX_PHONE_ECHO = 200


def _unbroken(phone: str) -> str:
    """A phone number that never wraps across lines (no-break spaces and hyphens)."""
    return phone.replace(" ", "\u00a0").replace("-", "\u2011")


class Questionnaire:
    def __init__(self, desk: Desk, pages: Pages, csrf: Csrf, *, trust_proxy: bool) -> None:
        self.desk, self.pages, self.csrf, self.trust_proxy = desk, pages, csrf, trust_proxy

    def routes(self) -> list[Route]:
        return [
            Route("/q/{token}", self.show, methods=["GET"]),
            Route("/q/{token}", self.answer, methods=["POST"]),
        ]

    async def show(self, request: Request) -> Response:
        token = request.path_params["token"]
        link = await run_in_threadpool(open_link, self.desk, token)
        csrf = self.csrf.for_page(request, token_hash(token))
        response = self._form(request, link, csrf)
        self.csrf.set_cookie(response, csrf, f"/q/{token}")
        return response

    async def answer(self, request: Request) -> Response:
        token = request.path_params["token"]
        link = await run_in_threadpool(open_link, self.desk, token)
        form = await read_form(request, PAGE_BODY_LIMIT)
        csrf = single(form, FIELD, max_len=200)
        if not self.csrf.check(request, token_hash(token), csrf):
            return self.pages.problem(request, 403, "csrf", retry_url=f"/q/{token}")
        assert csrf is not None
        answer = (single(form, "answer", max_len=20) or "").strip().lower() or None
        phone = (single(form, "phone", max_len=_MAX_PHONE_ECHO) or "").strip()
        ip, agent = client_ip(request, trust_proxy=self.trust_proxy), user_agent(request)
        try:
            result = await run_in_threadpool(
                submit_answer, self.desk, token, answer, phone or None, ip, agent
            )
        except InvalidPhone as err:
            return self._form(request, link, csrf, answer, phone, err.reason, phone_error=True)
        except InvalidInput as err:
            return self._form(request, link, csrf, answer, phone, err.reason)
        if result.outcome is Outcome.NUMBER_TAKEN:
            taken = page_copy.NUMBER_TAKEN.format(business=link.business)
            return self._form(request, link, csrf, answer, phone, taken, phone_error=True)
        return self._thanks(request, link, result)

    def _form(
        self,
        request: Request,
        link: OpenLink,
        csrf: str,
        answer: str | None = None,
        phone: str = "",
        error: str = "",
        *,
        phone_error: bool = False,
    ) -> Response:
        return self.pages.render(
            request,
            "questionnaire.html",
            status=422 if error else 200,
            heading=page_copy.PAGE_HEADING,
            greeting=page_copy.PAGE_GREETING.format(name=link.contact.name),
            question=link.question,
            disclaimer=link.disclaimer,
            required=link.link.required,
            optional_note=page_copy.PAGE_OPTIONAL,
            phone_hint=page_copy.PAGE_PHONE_HINT,
            no_js_hint=page_copy.PAGE_PHONE_NO_JS_HINT,
            choose_message=page_copy.PAGE_CHOOSE,
            empty_phone=REASONS["empty"],
            action=f"/q/{request.path_params['token']}",
            csrf=csrf,
            answer=answer if answer in ("yes", "no") else None,
            phone=phone[:_MAX_PHONE_ECHO],
            error=error,
            phone_error=phone_error,
        )

    def _thanks(self, request: Request, link: OpenLink, result: Answered) -> Response:
        business = link.business
        sender = result.sender or self.desk.config.sender
        key = str(result.outcome)
        if result.outcome is Outcome.AWAITING_START and not sender:
            key = "awaiting_start_no_sender"
        elif result.outcome in (Outcome.OPTED_IN, Outcome.CONFIRM_BY_TEXT) and not result.texted:
            key = "opted_in_no_text" if result.outcome is Outcome.OPTED_IN else key + "_no_text"
        expires = link.link.expires_at
        title, text = page_copy.THANKS[key]
        text = text.format(
            business=business,
            phone=_unbroken(display_phone(result.phone or "")),
            sender=_unbroken(display_phone(sender or "")),
            expires=f"{expires:%B} {expires.day}, {expires.year}",
        )
        start_to = sender if result.outcome is Outcome.AWAITING_START else None
        return self.pages.render(
            request,
            "thanks.html",
            outcome=str(result.outcome),
            title=title,
            text=text,
            start_to=start_to,
            start_to_display=_unbroken(display_phone(start_to or "")),
        )
