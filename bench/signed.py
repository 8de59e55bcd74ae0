"""Signed request bodies, made before the load starts (the load generator only replays them).

Twilio: inbound-message webhooks form-encoded the way Twilio sends them (its field
order, `+` for spaces, the blank geographic fields kept), each with a new MessageSid
and a new From number, signed with twilio's RequestValidator over OPTDESK_PUBLIC_URL
+ path. Slack: slash commands signed with slack_sdk's SignatureVerifier.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

TWILIO_TO = "+15005550006"


def stop_form(i: int, account_sid: str, service_sid: str, run: str) -> list[tuple[str, str]]:
    """Twilio's inbound form for a STOP from a number never seen before (index `i`)."""
    sid = f"SM{run}{i:024x}"
    sender = f"+1415{2000000 + i:07d}" if i < 8_000_000 else f"+1628{i - 8_000_000:07d}"
    return [
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", sid),
        ("FromState", "CA"),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", "STOP"),
        ("FromCountry", "US"),
        ("To", TWILIO_TO),
        ("MessagingServiceSid", service_sid),
        ("ToZip", ""),
        ("OptOutType", "STOP"),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", account_sid),
        ("From", sender),
        ("ApiVersion", "2010-04-01"),
    ]


def _write_part(
    path: str, url: str, auth_token: str, account_sid: str, service: str, run: str,
    start: int, stop: int,
) -> None:  # fmt: skip
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(auth_token)
    with open(path, "w", encoding="ascii") as out:
        for i in range(start, stop):
            form = stop_form(i, account_sid, service, run)
            signature = validator.compute_signature(url, dict(form))
            out.write(f"{signature}\t{urlencode(form)}\n")


def write_stop_bodies(
    path: Path, url: str, auth_token: str, account_sid: str, start: int, count: int
) -> str:
    """Write `count` signed STOP bodies (indices start..start+count-1) as `sig<TAB>body` lines.

    Signing costs ~50 us a body, so big batches are split over the CPUs. Returns the run
    tag embedded in every MessageSid (8 hex digits).
    """
    run = secrets.token_hex(4)
    service = "MG" + secrets.token_hex(16)
    workers = max(1, min(os.cpu_count() or 1, count // 20_000))
    if workers == 1:
        _write_part(str(path), url, auth_token, account_sid, service, run, start, start + count)
        return run
    bounds = [start + count * k // workers for k in range(workers + 1)]
    parts = [path.with_suffix(f".part{k}") for k in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(_write_part, str(part), url, auth_token, account_sid, service, run, lo, hi)
            for part, lo, hi in zip(parts, bounds, bounds[1:], strict=False)
        ]
        for future in futures:
            future.result()
    with open(path, "wb") as out:
        for part in parts:
            out.write(part.read_bytes())
            part.unlink()
    return run


def slash_body(text: str, response_url: str, *, n: int = 0) -> str:
    """A `/sms` slash command body as Slack posts it."""
    return urlencode(
        [
            ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
            ("team_id", "T0001"),
            ("team_domain", "optdesk-bench"),
            ("channel_id", "C2147483705"),
            ("channel_name", "bench"),
            ("user_id", "U2147483697"),
            ("user_name", "bench"),
            ("command", "/sms"),
            ("text", text),
            ("api_app_id", "A123456"),
            ("is_enterprise_install", "false"),
            ("response_url", response_url),
            ("trigger_id", f"13345224609.738474920.{n:08x}"),
        ]
    )


def write_slash_bodies(path: Path, secret: str, bodies: list[str]) -> int:
    """Sign `bodies` now (Slack allows 5 minutes) as `timestamp<TAB>sig<TAB>body` lines."""
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(secret)
    stamp = str(int(time.time()))
    with open(path, "w", encoding="ascii") as out:
        for body in bodies:
            signature = verifier.generate_signature(timestamp=stamp, body=body)
            out.write(f"{stamp}\t{signature}\t{body}\n")
    return int(stamp)
