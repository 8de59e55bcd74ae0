"""Local mode's pages (everything under /local) answer only this machine (SPEC §5).

They exist for trying optdesk without Twilio: anyone who reaches them can read every
conversation and text as any client. So they answer only while they are switched on
(Twilio local mode, with `OPTDESK_PUBLIC_URL` on localhost), only a client on a loopback
address, and only a request that did not come through a proxy (no `Forwarded`,
`X-Forwarded-For` or `X-Real-IP`: behind a proxy on the same host every request looks
like loopback). Anything else is 404, as if the pages did not exist.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/local"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
PROXY_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-real-ip"})


def is_local_url(url: str) -> bool:
    """Whether a public URL's host is localhost, 127.0.0.1 or [::1]."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return (host or "").lower() in LOCAL_HOSTS


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def from_this_machine(scope: Scope) -> bool:
    client = scope.get("client")
    if not client or not is_loopback(str(client[0])):
        return False
    return not any(name in PROXY_HEADERS for name, _ in scope.get("headers", ()))


class LocalOnly:
    """404 for any /local path unless `enabled` and the request is from this machine."""

    def __init__(
        self, app: ASGIApp, *, enabled: bool, not_found: Callable[[Request], Response]
    ) -> None:
        self.app, self.enabled, self.not_found = app, enabled, not_found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        under = path == PREFIX or path.startswith(PREFIX + "/")
        if scope["type"] == "http" and under and not (self.enabled and from_this_machine(scope)):
            await self.not_found(Request(scope, receive))(scope, receive, send)
            return
        await self.app(scope, receive, send)
