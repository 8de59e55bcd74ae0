"""`/local/desk`: the staff side in a browser, for trying optdesk without Slack (SPEC §5).

Mounted only with local mode's other pages (webhooks/app.py's `local_routes`), so the
same rule guards it: 404 unless Twilio is in local mode with a localhost public URL, and
only for this machine with no proxy headers (webhooks/local_only.py). bot/ never imports
webhooks/: the composition root hands in the CSRF guard, the form reader and the CSP
nonce (`PageKit`).

Every form carries a CSRF token (double submit, scope "local-desk"). Forms post as
usual and get the whole page back; the page's script posts them with fetch instead
(`Accept: application/json`) and polls `/live` for anything new, so texts, consent
changes and delivery results show up without a reload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.desk_actions import Answer, run_action, run_command, thread_reply
from bot.desk_channel import DeskChannel
from bot.desk_views import ACT, LIVE, PATH, REPLY, SMS, DeskViews, Looking
from bot.home_view import clean_search
from consent.services.context import Desk
from consent.services.home import HomeFilter, HomePage, home_page

SCOPE = "local-desk"
MAX_COMMAND = 4000


class CsrfGuard(Protocol):
    def for_page(self, request: Request, scope: str) -> str: ...
    def check(self, request: Request, scope: str, field: str | None) -> bool: ...
    def set_cookie(self, response: Response, token: str, path: str) -> None: ...


@dataclass(frozen=True)
class PageKit:
    """What the desk borrows from the web side: CSRF, form reading, the CSP nonce."""

    csrf: CsrfGuard
    read_form: Callable[[Request], Awaitable[Mapping[str, str]]]
    nonce: Callable[[Request], str]


def _status_page(desk: Desk, looking: Looking) -> HomePage:
    """App Home's page: the same filters, and the search box's rule of `/sms`."""
    project = int(looking.project) if looking.project else None
    wanted = HomeFilter(looking.status or None, project, looking.page, clean_search(looking.q))
    page = home_page(desk, wanted)
    if not page.rows and looking.page:
        page = home_page(desk, HomeFilter(wanted.status, project, 0, wanted.search))
    return page


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


class LocalDesk:
    def __init__(self, desk: Desk, channel: DeskChannel, kit: PageKit) -> None:
        self.desk, self.channel, self.kit = desk, channel, kit
        self.views = DeskViews()

    def routes(self) -> list[Route]:
        return [
            Route(PATH, self.show, methods=["GET"]),
            Route(LIVE, self.live, methods=["GET"]),
            Route(SMS, self.command, methods=["POST"]),
            Route(ACT, self.act, methods=["POST"]),
            Route(REPLY, self.reply, methods=["POST"]),
        ]

    async def _panels(self, looking: Looking, csrf: str) -> dict[str, str]:
        page = await run_in_threadpool(_status_page, self.desk, looking)
        return {
            "channel": self.views.channel(self.channel.threads(), csrf),
            "status": self.views.status(page, looking, csrf),
        }

    async def _page(self, request: Request, token: str, **extra: Any) -> Response:
        looking = Looking.from_query(request.query_params)
        panels = await self._panels(looking, token)
        html = self.views.page(
            nonce=self.kit.nonce(request),
            csrf=token,
            version=self.channel.version,
            command=extra.pop("command", ""),
            answer=extra.pop("answer", ""),
            **panels,
        )
        response = HTMLResponse(html, status_code=extra.pop("status", 200))
        self.kit.csrf.set_cookie(response, token, PATH)
        return response

    async def show(self, request: Request) -> Response:
        return await self._page(request, self.kit.csrf.for_page(request, SCOPE))

    async def live(self, request: Request) -> Response:
        """204 while nothing changed since version `v`; else both panels as JSON."""
        seen = request.query_params.get("v", "")
        if seen == str(self.channel.version):
            return Response(status_code=204)
        token = self.kit.csrf.for_page(request, SCOPE)
        version = self.channel.version  # read before drawing: a change meanwhile shows next time
        panels = await self._panels(Looking.from_query(request.query_params), token)
        response = JSONResponse({"v": version, **panels})
        self.kit.csrf.set_cookie(response, token, PATH)  # the panels' forms carry this token
        return response

    async def _form(self, request: Request) -> tuple[Mapping[str, str], str] | Response:
        form = await self.kit.read_form(request)
        token = form.get("csrf")
        if not self.kit.csrf.check(request, SCOPE, token):
            text = "This form expired or did not come from the desk: reload the page."
            if _wants_json(request):
                return JSONResponse({"ok": False, "error": text}, status_code=403)
            return HTMLResponse(text, status_code=403)
        assert token is not None
        return form, token

    async def _answer(
        self, request: Request, token: str, answer: Answer, command: str = ""
    ) -> Response:
        self.channel.touch()  # the status page may have changed (a link, a move)
        html = self.views.answer(answer, token)
        if _wants_json(request):
            return JSONResponse({"ok": answer.ok, "answer": html})
        return await self._page(request, token, answer=html, command=command)

    async def command(self, request: Request) -> Response:
        read = await self._form(request)
        if isinstance(read, Response):
            return read
        form, token = read
        text = form.get("text", "")[:MAX_COMMAND]
        result = await run_in_threadpool(run_command, self.desk, text)
        return await self._answer(request, token, Answer(result.blocks, result.ok), text)

    async def act(self, request: Request) -> Response:
        read = await self._form(request)
        if isinstance(read, Response):
            return read
        form, token = read
        answer = await run_in_threadpool(run_action, self.desk, form)
        return await self._answer(request, token, answer)

    async def reply(self, request: Request) -> Response:
        read = await self._form(request)
        if isinstance(read, Response):
            return read
        form, token = read
        answer = await run_in_threadpool(thread_reply, self.desk, self.channel, form)
        return await self._answer(request, token, answer)
