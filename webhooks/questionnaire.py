"""The hosted questionnaire: `GET/POST /q/{token}` (SPEC §2).

The page works without JavaScript (the phone field is then always shown and only
needed for Yes); a small nonce'd script hides it until Yes is chosen. Every POST
is checked for its CSRF token before anything is recorded; a bad number or a
missing required answer shows the form again (422) with what was typed.

The page is in English or Spanish: the language the link was issued in, else the one the
browser prefers (`Accept-Language`). Its language switch is a submit button of the form
itself (`switch=es`), so the answer typed so far comes along, with JavaScript or without,
and the page comes back in the other language with nothing recorded. It sits after the
form's own button, so Enter in the phone field still sends the answer.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from consent.errors import InvalidInput, InvalidPhone
from consent.language import LANGUAGES, Language, language_named
from consent.phones import display_phone
from consent.services.context import Desk
from consent.services.links import Answered, OpenLink, Outcome, open_link, submit_answer, token_hash
from webhooks.accept_language import preferred
from webhooks.csrf import FIELD, Csrf
from webhooks.forms import PAGE_BODY_LIMIT, client_ip, read_form, single, user_agent
from webhooks.page_copy import COPY
from webhooks.pages import Pages

_MAX_PHONE_ECHO = 200


def _unbroken(phone: str) -> str:
    """A phone number that never wraps across lines (no-break spaces and hyphens)."""
    return phone.replace(" ", "\u00a0").replace("-", "\u2011")


def page_language(request: Request, link: OpenLink, chosen: str | None = None) -> Language:
    """The client's own choice (the switch, `?lang=`), else the link's, else Spanish for a
    contact known to speak it, else the browser's (English is also everyone's default)."""
    choice = language_named(chosen or request.query_params.get("lang"))
    known = link.contact.language if link.contact.language is not Language.EN else None
    return (
        choice or link.link.language or known or preferred(request.headers.get("accept-language"))
    )


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
        response = self._form(request, link, csrf, page_language(request, link))
        self.csrf.set_cookie(response, csrf, f"/q/{token}")
        return response

    async def answer(self, request: Request) -> Response:
        token = request.path_params["token"]
        link = await run_in_threadpool(open_link, self.desk, token)
        form = await read_form(request, PAGE_BODY_LIMIT)
        csrf = single(form, FIELD, max_len=200)
        lang = page_language(request, link, single(form, "lang", max_len=10))
        if not self.csrf.check(request, token_hash(token), csrf):
            return self.pages.problem(request, 403, "csrf", retry_url=f"/q/{token}", lang=lang)
        assert csrf is not None
        answer = (single(form, "answer", max_len=20) or "").strip().lower() or None
        phone = (single(form, "phone", max_len=_MAX_PHONE_ECHO) or "").strip()
        if "switch" in form:  # the language switch: the same form, nothing recorded
            switch = language_named(single(form, "switch", max_len=10)) or lang
            return self._form(request, link, csrf, switch, answer, phone)
        ip, agent = client_ip(request, trust_proxy=self.trust_proxy), user_agent(request)
        try:
            result = await run_in_threadpool(
                submit_answer, self.desk, token, answer, phone or None, ip, agent, lang
            )
        except InvalidPhone as err:
            reason = COPY[lang].reasons.get(err.key, err.reason).format(number=err.number)
            return self._form(request, link, csrf, lang, answer, phone, reason, phone_error=True)
        except InvalidInput as err:
            return self._form(request, link, csrf, lang, answer, phone, err.reason)
        if result.outcome is Outcome.NUMBER_TAKEN:
            taken = COPY[lang].number_taken.format(business=link.business)
            return self._form(request, link, csrf, lang, answer, phone, taken, phone_error=True)
        return self._thanks(request, link, result, lang)

    def _form(
        self,
        request: Request,
        link: OpenLink,
        csrf: str,
        lang: Language,
        answer: str | None = None,
        phone: str = "",
        error: str = "",
        *,
        phone_error: bool = False,
    ) -> Response:
        copy = COPY[lang]
        return self.pages.render(
            request,
            "questionnaire.html",
            status=422 if error else 200,
            lang=str(lang),
            copy=copy,
            greeting=copy.greeting.format(name=link.contact.name),
            question=link.question(lang),
            disclaimer=link.disclaimer(lang),
            required=link.link.required,
            empty_phone=copy.reasons["empty"],
            languages=[(str(other), other.label) for other in LANGUAGES],
            action=f"/q/{request.path_params['token']}",
            csrf=csrf,
            answer=answer if answer in ("yes", "no") else None,
            phone=phone[:_MAX_PHONE_ECHO],
            error=error,
            phone_error=phone_error,
        )

    def _thanks(
        self, request: Request, link: OpenLink, result: Answered, lang: Language
    ) -> Response:
        copy, business = COPY[lang], link.business
        sender = result.sender or self.desk.config.sender
        key = str(result.outcome)
        if result.outcome is Outcome.AWAITING_START and not sender:
            key = "awaiting_start_no_sender"
        elif result.outcome in (Outcome.OPTED_IN, Outcome.CONFIRM_BY_TEXT) and not result.texted:
            key = "opted_in_no_text" if result.outcome is Outcome.OPTED_IN else key + "_no_text"
        expires = link.link.expires_at
        month = copy.months[expires.month - 1]
        title, text = copy.thanks[key]
        text = text.format(
            business=business,
            phone=_unbroken(display_phone(result.phone or "")),
            sender=_unbroken(display_phone(sender or "")),
            expires=copy.date.format(month=month, day=expires.day, year=expires.year),
        )
        start_to = sender if result.outcome is Outcome.AWAITING_START else None
        start_label = copy.text_start.format(number=_unbroken(display_phone(start_to or "")))
        return self.pages.render(
            request,
            "thanks.html",
            lang=str(lang),
            outcome=str(result.outcome),
            title=title,
            text=text,
            start_to=start_to,
            start_label=start_label,
            close=copy.close,
        )
