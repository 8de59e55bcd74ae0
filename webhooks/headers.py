"""Security headers on every response, and the per-request CSP nonce for inline CSS/JS.

The questionnaire URL carries its token, so `Referrer-Policy: no-referrer` keeps it out
of any other site's logs, and `Cache-Control: no-store` keeps it (and the answers) out
of shared caches. Pages may only run the inline script and style carrying this
request's nonce.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_KEY = "csp_nonce"


def csp(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src 'nonce-{nonce}'",
            f"script-src 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",  # the local desk's live updates (fetch)
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


def security_headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp(nonce),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


def nonce_of(request: Request) -> str:
    """The nonce the security headers promise for this request's inline style and script."""
    return str(request.scope.get("state", {}).get(NONCE_KEY, ""))


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer and break streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[NONCE_KEY] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(security_headers(nonce))
            await send(message)

        await self.app(scope, receive, send_with_headers)
