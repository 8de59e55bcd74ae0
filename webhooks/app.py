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
from webhooks.headers import nonce_of, security_headers
from webhooks.limits import BODY_IDLE_TIMEOUT_S
from webhooks.local_only import is_local_url
from webhooks.local_phone import LocalPhone
from webhooks.pages import Pages
from webhooks.perimeter import Perimeter
from webhooks.questionnaire import Questionnaire
from webhooks.twilio_hooks import TwilioHooks

log = logging.getLogger("optdesk.webhooks")

Health = Callable[[], dict[str, Any]]
UNAVAILABLE = "database unavailable"
OUTDATED = "database schema is not current"


def create_app(
    desk: Desk,
    *,
    twilio_auth_token: str | None,
    csrf_secret: bytes,
    local_mode: bool,
    health: Health,
    extra_routes: Sequence[BaseRoute] = (),
    local_routes: Sequence[BaseRoute] = (),
    lifespan: Lifespan[Starlette] | None = None,
    trust_proxy: bool = False,
    body_idle_timeout: float = BODY_IDLE_TIMEOUT_S,
) -> Starlette:
    """Build the sidecar.

    `twilio_auth_token` checks X-Twilio-Signature (None: every Twilio webhook gets 403).
    `local_mode` mounts /local/phone, and only while no Twilio token is configured and
    the public URL is on localhost; it answers only this machine (webhooks.local_only).
    `local_routes` (the staff desk, /local/desk) are mounted on the same condition.
    `health()` reports the database (`{"ok": bool, ...}`); 503 when not ok, with a
    generic reason (the detail goes to the log).
    Every request body is limited (webhooks.limits): `body_idle_timeout` for tests.
    `trust_proxy`: take the client IP from X-Forwarded-For (right-most hop); only set it
    when a reverse proxy you run sets that header.
    """
    pages = Pages(desk.config.business_name)
    csrf = Csrf(csrf_secret, secure=desk.config.public_url.startswith("https://"))
    routes: list[BaseRoute] = [Route("/healthz", _healthz(health), methods=["GET"])]
    routes += Questionnaire(desk, pages, csrf, trust_proxy=trust_proxy).routes()
    routes += TwilioHooks(desk, twilio_auth_token).routes()
    local_pages = local_mode and not twilio_auth_token and is_local_url(desk.config.public_url)
    if local_pages:
        routes += LocalPhone(desk, pages, csrf).routes()
        routes += list(local_routes)
    elif local_mode:
        log.warning(
            "local mode with a Twilio token set or a public URL that is not localhost: "
            "the /local pages stay off"
        )
    routes += list(extra_routes)

    def not_found(request: Request) -> Response:
        return pages.problem(request, 404, "not_found")

    return Starlette(
        routes=routes,
        middleware=[  # one layer: local pages, body limit, security headers
            Middleware(
                Perimeter,
                local_pages=local_pages,
                not_found=not_found,
                idle_timeout=body_idle_timeout,
            )
        ],
        exception_handlers=_handlers(pages),
        lifespan=lifespan,
    )


def _healthz(health: Health) -> Callable[[Request], Any]:
    async def healthz(_request: Request) -> Response:
        try:
            database = await run_in_threadpool(health)
        except Exception:  # a health check reports; it never raises
            log.exception("health check failed")
            database = {"ok": False, "error": "health check failed"}
        ok = bool(database.get("ok"))
        if not ok:
            # Anyone may ask: a database error can name its host or user, so the
            # answer gives a generic reason and the detail goes to the log.
            log.warning("health check: database not ok: %s", database.get("error", "?"))
            reason = OUTDATED if database.get("outdated") else UNAVAILABLE
            database = {"ok": False, "error": reason}
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
