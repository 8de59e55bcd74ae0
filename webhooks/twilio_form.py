"""A Twilio webhook's form, read once, and its X-Twilio-Signature, checked once.

`TwilioForm` holds each field's last value (as Starlette's FormData reads a form) and
every value of every field (as the signature covers them), built in one pass over the
parsed pairs. `SignatureCheck` computes the signature the way the twilio SDK's
`RequestValidator.compute_signature` does (tests/webhooks/test_twilio_form.py holds it
to the SDK's answer), with the key encoded once and one join instead of a string built
field by field; only when that fails does the SDK's own full check run (it also tries
the URL with and without its default port).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable

from twilio.request_validator import HMAC_SHA1, HMAC_SHA256, RequestValidator

_DIGESTS = {HMAC_SHA1: "sha1", HMAC_SHA256: "sha256"}


class TwilioForm(dict[str, str]):
    """Field name -> its last value; `getlist`/`getall` give every value of a name."""

    __slots__ = ("values_of",)

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        values_of: dict[str, list[str]] = {}
        for name, value in pairs:
            values = values_of.get(name)
            if values is None:
                values_of[name] = [value]
            else:
                values.append(value)
        super().__init__((name, values[-1]) for name, values in values_of.items())
        self.values_of = values_of

    def getlist(self, name: str) -> list[str]:
        return self.values_of.get(name, [])

    def getall(self, name: str) -> list[str]:  # what the SDK's validator reads
        return self.values_of[name]


class SignatureCheck:
    def __init__(self, auth_token: str) -> None:
        self.key = auth_token.encode("utf-8")
        self.validator = RequestValidator(auth_token)

    def signature(self, url: str, form: TwilioForm, algorithm: str = HMAC_SHA1) -> str:
        """What Twilio signs: the URL, then each name and value, names sorted and each
        name's distinct values sorted; HMAC with the auth token, base64."""
        digest = _DIGESTS.get(algorithm.upper())
        if digest is None:
            raise ValueError(f"Unsupported webhook signature algorithm: {algorithm}")
        parts = [url]
        values_of = form.values_of
        for name in sorted(values_of):
            values = values_of[name]
            for value in sorted(set(values)) if len(values) > 1 else values:
                parts.append(name)
                parts.append(value)
        mac = hmac.digest(self.key, "".join(parts).encode("utf-8"), digest)
        return base64.b64encode(mac).decode("ascii")

    def ok(self, url: str, form: TwilioForm, signature: str, algorithm: str) -> bool:
        """One HMAC over the exact URL we configured (what Twilio signs in practice);
        only when that fails, the SDK's full check with and without the port."""
        try:
            expected = self.signature(url, form, algorithm)
        except ValueError:  # an algorithm we do not know: not a request we can trust
            return False
        if hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return True
        return bool(self.validator.validate(url, form, signature, algorithm))
