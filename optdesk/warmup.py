"""Warm the server before it accepts a connection.

A fresh process pays on its first requests for what Python and the libraries build on
first use: Starlette's middleware stack, Bolt's listener matching and its request parsing,
SQLAlchemy's compiled statements and pool connections, phonenumbers' region metadata,
the consent phrase rules, Jinja's compiled templates. Requests that arrive meanwhile queue
behind them: a restart under traffic gave a p99 of about a second on `/sms help`. uvicorn
runs the app's lifespan start-up before it opens the listening socket, so doing that work
there, once, costs no request anything.

Nothing here writes: reads on the database, pure functions, and requests into the app
itself (in-process ASGI calls, no socket) whose answers have no side effects: /healthz,
a questionnaire page for a token that does not exist, an unsigned Twilio webhook (403),
a signed `/sms help` (answered before Bolt) and a signed `/sms status` of nobody (through
Bolt). A failing step is logged and skipped: warming is never a reason
not to start.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from consent.services.context import Desk
from optdesk.settings import Settings

log = logging.getLogger("optdesk")
SAMPLE = "+1 415 555 0100"


def _pure(desk: Desk, settings: Settings) -> None:
    from consent.keywords import classify, explain
    from consent.phones import display_phone, parse_phone, time_zones

    e164 = parse_phone(SAMPLE, settings.default_region)
    display_phone(e164)
    time_zones(e164)
    for text in ("STOP", "yes please", "no thanks, wrong number", "arrête"):
        classify(text)
        explain(text)


def _database(desk: Desk, _settings: Settings) -> None:
    from consent.errors import NotFound
    from consent.services.home import HomeFilter, home_page
    from consent.services.queries import PENDING, contact_view, counts

    counts(desk)
    for status in (None, PENDING):
        home_page(desk, HomeFilter(status))
    for who in (SAMPLE, "Warm Up Nobody"):
        with contextlib.suppress(NotFound):  # nobody has it: the lookup is what warms
            contact_view(desk, who)


async def _call(app: Any, method: str, path: str, body: bytes = b"", **headers: str) -> int:
    """One request straight into the ASGI app; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")]
        + [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def _requests(app: Any, settings: Settings) -> list[int]:
    """The statuses of the warming requests (for the log)."""
    form = "application/x-www-form-urlencoded"
    statuses = [
        await _call(app, "GET", "/healthz"),
        await _call(app, "GET", "/q/" + "0" * 32),
        await _call(
            app, "POST", "/twilio/sms", b"From=%2B14155550100&Body=STOP", content_type=form
        ),
    ]
    secret = settings.slack_signing_secret
    if secret is None or not settings.slack_bot_token:
        return statuses
    user = (settings.staff_ids() or ["U0WARMUP"])[0]
    # help is answered before Bolt (bot.handler); a contact's status goes through Bolt,
    # whose first request checks its token (auth.test, a read) and builds its matching
    for text in ("help", "status Warm Up Nobody"):
        statuses.append(await _slash(app, secret.get_secret_value(), user, text))
    return statuses


async def _slash(app: Any, secret: str, user: str, text: str) -> int:
    """A signed `/sms <text>` into the app; its status."""
    from slack_sdk.signature import SignatureVerifier

    body = urlencode(
        {
            "command": "/sms",
            "text": text,
            "user_id": user,
            "team_id": "T0WARMUP",
            "channel_id": "C0WARMUP",
            "response_url": "http://127.0.0.1:9/warm-up",
            "trigger_id": "0.0.warmup",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""
    return await _call(
        app,
        "POST",
        "/slack/events",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
        x_slack_request_timestamp=stamp,
        x_slack_signature=signature,
    )


async def warm_up(app: Any, desk: Desk, settings: Settings) -> None:
    """Build what the first requests would build; log how long it took."""
    t0 = time.perf_counter()
    steps: list[tuple[str, Callable[[Desk, Settings], None]]] = [
        ("pure", _pure),
        ("database", _database),
    ]
    for name, step in steps:
        try:
            step(desk, settings)
        except Exception:  # warming is best effort: never a reason not to start
            log.exception("warm-up step %s failed", name)
    statuses: list[int] = []
    try:
        statuses = await _requests(app, settings)
    except Exception:
        log.exception("warm-up requests failed")
    gc.collect()
    gc.freeze()  # what warming built lives as long as the process, as serve() says
    took = (time.perf_counter() - t0) * 1000
    log.info("warmed up in %.0f ms (requests answered %s)", took, statuses)
