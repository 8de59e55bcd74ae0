"""The Starlette sidecar: questionnaire, Twilio webhooks, health, and (local mode) the phone.

`create_app` is the one factory; nothing is built at import time. Consent errors are
mapped to answers once, here; anything unexpected becomes a friendly 500 page that
never shows a stack trace (the traceback goes to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Lifespan

from consent.errors import (
    ConsentError,
    Forbidden,
    InvalidInput,
    InvalidPhone,
    LinkExpired,
    NotFound,
    Unavailable,
)
from consent.services.context import Desk
from webhooks.csrf import Csrf
from webhooks.headers import SecurityHeaders, nonce_of, security_headers
from webhooks.local_phone import LocalPhone
from webhooks.pages import Pages
from webhooks.questionnaire import Questionnaire
from webhooks.twilio_hooks import TwilioHooks

log = logging.getLogger("optdesk.webhooks")

Health = Callable[[], dict[str, Any]]


def create_app(
    desk: Desk,
    *,
    twilio_auth_token: str | None,
    csrf_secret: bytes,
    local_mode: bool,
    health: Health,
    extra_routes: Sequence[BaseRoute] = (),
    lifespan: Lifespan[Starlette] | None = None,
    trust_proxy: bool = False,
) -> Starlette:
    """Build the sidecar.

    `twilio_auth_token` checks X-Twilio-Signature (None: every Twilio webhook gets 403).
    `local_mode` mounts /local/phone, and only while no Twilio token is configured.
    `health()` reports the database (`{"ok": bool, ...}`); 503 when not ok.
    `trust_proxy`: take the client IP from X-Forwarded-For (right-most hop); only set it
    when a reverse proxy you run sets that header.
    """
    pages = Pages(desk.config.business_name)
    csrf = Csrf(csrf_secret, secure=desk.config.public_url.startswith("https://"))
    routes: list[BaseRoute] = [Route("/healthz", _healthz(health), methods=["GET"])]
    routes += Questionnaire(desk, pages, csrf, trust_proxy=trust_proxy).routes()
    routes += TwilioHooks(desk, twilio_auth_token).routes()
    if local_mode and not twilio_auth_token:
        routes += LocalPhone(desk, pages, csrf).routes()
    elif local_mode:
        log.warning("local mode asked for with a Twilio token set: /local/phone stays off")
    routes += list(extra_routes)
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers=_handlers(pages),
        lifespan=lifespan,
    )


def _healthz(health: Health) -> Callable[[Request], Any]:
    async def healthz(_request: Request) -> Response:
        try:
            database = await run_in_threadpool(health)
        except Exception as exc:  # a health check reports; it never raises
            database = {"ok": False, "error": type(exc).__name__}
        ok = bool(database.get("ok"))
        return JSONResponse({"ok": ok, "database": database}, status_code=200 if ok else 503)

    return healthz


def _handlers(pages: Pages) -> dict[Any, Callable[[Request, Exception], Any]]:
    def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        response = pages.problem(request, exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    def on_consent(request: Request, exc: Exception) -> Response:
        on_link_page = request.url.path.startswith("/q/")
        if isinstance(exc, Unavailable):  # Twilio retries a 503; a browser may reload
            response = pages.problem(request, 503, "unavailable")
            response.headers["Retry-After"] = "5"
            return response
        if isinstance(exc, NotFound):
            return pages.problem(request, 404, "link_not_found" if on_link_page else "not_found")
        if isinstance(exc, LinkExpired):
            return pages.problem(request, 410, "link_expired")
        if isinstance(exc, Forbidden):
            return pages.problem(request, 403, "forbidden")
        status = 422 if isinstance(exc, InvalidPhone | InvalidInput) else 400
        return pages.problem(request, status, "bad_request")

    def on_error(request: Request, _exc: Exception) -> Response:
        # Runs outside the middleware stack (Starlette re-raises, so the server logs the
        # traceback): the security headers are added here by hand.
        response = pages.problem(request, 500, "error")
        response.headers.update(security_headers(nonce_of(request)))
        return response

    return {HTTPException: on_http, ConsentError: on_consent, Exception: on_error}
