"""Security headers on every response, and the per-request CSP nonce for inline CSS/JS.

The questionnaire URL carries its token, so `Referrer-Policy: no-referrer` keeps it out
of any other site's logs, and `Cache-Control: no-store` keeps it (and the answers) out
of shared caches. Pages may only run the inline script and style carrying this
request's nonce.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.requests import Request

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


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


# The headers as raw ASGI pairs, built once: per request only the nonce is filled in.
_NAMES = frozenset(name.lower().encode("latin-1") for name in security_headers("-"))
_CSP_PARTS = [part.encode("latin-1") for part in csp("\0").split("\0")]
_STATIC = [
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in security_headers("-").items()
    if name != "Content-Security-Policy"
]


def with_security_headers(
    headers: Iterable[tuple[bytes, bytes]], nonce: str
) -> list[tuple[bytes, bytes]]:
    """A response's raw headers with the security headers set (replacing any the app set)."""
    kept = [pair for pair in headers if pair[0].lower() not in _NAMES]
    kept.append((b"content-security-policy", nonce.encode("latin-1").join(_CSP_PARTS)))
    kept.extend(_STATIC)
    return kept
