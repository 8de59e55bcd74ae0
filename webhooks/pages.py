"""HTML pages: one autoescaping Jinja2 environment and the friendly error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from consent.language import Language
from webhooks import page_copy
from webhooks.accept_language import preferred
from webhooks.headers import nonce_of

TEMPLATES = Path(__file__).parent / "templates"

# Which friendly page answers which HTTP status when nothing more specific is known.
_PROBLEM_BY_STATUS = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "bad_request",
    410: "link_expired",
    413: "too_large",
    415: "bad_request",
    422: "bad_request",
}


class Pages:
    """Renders the templates; everything is autoescaped (`.html` and strings alike)."""

    def __init__(self, business: str) -> None:
        self.business = business
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            auto_reload=False,
        )

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        context.setdefault("lang", "en")
        page = self.env.get_template(template).render(
            business=self.business, nonce=nonce_of(request), **context
        )
        return HTMLResponse(page, status_code=status)

    def problem(
        self,
        request: Request,
        status: int,
        cause: str | None = None,
        *,
        retry_url: str | None = None,
        lang: Language | None = None,
    ) -> Response:
        """A friendly page for an error (plain text for Twilio, which reads no HTML); on a
        questionnaire link, in the language the client reads (`lang`, else the browser's)."""
        cause = cause or _PROBLEM_BY_STATUS.get(status, "error")
        if request.url.path.startswith("/twilio/"):
            title, text = page_copy.PROBLEM_PAGES[cause]
            text = text.format(business=self.business)
            return PlainTextResponse(f"{title}. {text}", status_code=status)
        if lang is None and request.url.path.startswith("/q/"):
            lang = preferred(request.headers.get("accept-language"))
        problems, reload = page_copy.PROBLEMS[lang or Language.EN]
        title, text = problems[cause]
        return self.render(
            request,
            "problem.html",
            status=status,
            lang=str(lang or Language.EN),
            title=title,
            text=text.format(business=self.business),
            retry_url=retry_url,
            reload=reload,
        )
