"""CSRF protection for the HTML forms: a signed double-submit token.

The token is `<unix time>.<random>.<mac>`, the MAC an HMAC-SHA256 over the form's scope
(the questionnaire link's token hash, or "local-phone"), the time and the random part.
It goes both in a hidden field and in an HttpOnly, SameSite=Strict cookie scoped to the
form's path (Secure when the public URL is https). A POST is accepted only when both are
present, equal, signed by us for this scope, and younger than `max_age`. A page opened in
two tabs reuses the still-valid cookie, so neither tab's form goes stale.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "optdesk_csrf"
FIELD = "csrf"
MAX_AGE = 12 * 3600


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _same(a: str, b: str) -> bool:
    # compare_digest refuses non-ASCII str: compare bytes, so odd input is just "no".
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class Csrf:
    def __init__(
        self,
        secret: bytes,
        *,
        secure: bool,
        max_age: int = MAX_AGE,
        now: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the CSRF secret must be at least 16 bytes")
        # A key of our own, so the secret given (maybe the Twilio token) signs nothing else here.
        self._key = hmac.new(secret, b"optdesk csrf v1", hashlib.sha256).digest()
        self.secure = secure
        self.max_age = max_age
        self._now = now

    def _mac(self, scope: str, stamp: str, nonce: str) -> str:
        msg = f"{scope}|{stamp}|{nonce}".encode()
        return _b64(hmac.new(self._key, msg, hashlib.sha256).digest())

    def issue(self, scope: str) -> str:
        stamp, nonce = str(int(self._now())), secrets.token_urlsafe(16)
        return f"{stamp}.{nonce}.{self._mac(scope, stamp, nonce)}"

    def signed(self, scope: str, token: str | None) -> bool:
        """Whether `token` is ours, for this scope, and not too old."""
        if not token or len(token) > 200:
            return False
        parts = token.split(".")
        if len(parts) != 3 or not (parts[0].isascii() and parts[0].isdigit()):
            return False
        stamp, nonce, mac = parts
        if not _same(mac, self._mac(scope, stamp, nonce)):
            return False
        age = self._now() - int(stamp)
        return -60 <= age <= self.max_age

    def for_page(self, request: Request, scope: str) -> str:
        """The token to put in the form: the visitor's still-valid cookie, else a fresh one."""
        current = request.cookies.get(COOKIE)
        if current and self.signed(scope, current):
            age = self._now() - int(current.split(".")[0])
            if age < self.max_age / 2:
                return current
        return self.issue(scope)

    def check(self, request: Request, scope: str, field: str | None) -> bool:
        """Double submit: the field equals the cookie and both carry our signature."""
        cookie = request.cookies.get(COOKIE)
        if not field or not cookie or not _same(field, cookie):
            return False
        return self.signed(scope, field)

    def set_cookie(self, response: Response, token: str, path: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=self.max_age,
            path=path,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )
