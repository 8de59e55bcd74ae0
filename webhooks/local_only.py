"""Local mode's pages (everything under /local) answer only this machine (SPEC §5).

They exist for trying optdesk without Twilio: anyone who reaches them can read every
conversation and text as any client. So they answer only while they are switched on
(Twilio local mode, with `OPTDESK_PUBLIC_URL` on localhost), only a client on a loopback
address, and only a request that did not come through a proxy (no `Forwarded`,
`X-Forwarded-For` or `X-Real-IP`: behind a proxy on the same host every request looks
like loopback). Anything else is 404, as if the pages did not exist (webhooks.perimeter).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.types import Scope

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


def under_local(scope: Scope) -> bool:
    """Whether the request is for a local page (/local or anything under it)."""
    path = str(scope.get("path", ""))
    return path == PREFIX or path.startswith(PREFIX + "/")
