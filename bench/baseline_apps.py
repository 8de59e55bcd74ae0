"""The baselines the optdesk figures are divided by, each a small app served like optdesk.

    python -m bench.baseline_apps twiml    --port P   # bare Starlette: constant TwiML
    python -m bench.baseline_apps sigonly  --port P   # read + parse the form, check the signature
    python -m bench.baseline_apps bolt     --port P   # bare Bolt AsyncApp that only acks /sms

They run under the same uvicorn settings as `optdesk serve` (UVICORN_KWARGS mirrors
optdesk/limits.py; bench/report.py prints both lines side by side), one process each.
`sigonly` needs TWILIO_AUTH_TOKEN and OPTDESK_PUBLIC_URL; `bolt` needs SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET and SLACK_API_URL (FakeSlack), as optdesk does.
"""

from __future__ import annotations

import argparse
import gc
import os
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# The same HTTP stack as the uvicorn.Config(...) call in optdesk/limits.py.
UVICORN_KWARGS: dict[str, Any] = {
    "log_level": "info",
    "proxy_headers": False,
    "access_log": False,
    "http": "httptools",
    "loop": "uvloop",
}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


async def healthz(_request: Request) -> Response:
    return JSONResponse({"ok": True})


def twiml_app() -> Starlette:
    """(a) The floor of any handler: answer constant TwiML without reading the body."""

    async def sms(_request: Request) -> Response:
        return Response(EMPTY_TWIML, media_type="text/xml")

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/twilio/sms", sms, methods=["POST"])]
    )


def sigonly_app() -> Starlette:
    """(b) The ceiling of any correct handler: read the body, parse it, check the signature."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    public = os.environ["OPTDESK_PUBLIC_URL"].rstrip("/")

    async def sms(request: Request) -> Response:
        body = await request.body()
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        signature = request.headers.get("x-twilio-signature", "")
        if not validator.validate(public + request.url.path, form, signature):
            return Response("bad signature", status_code=403)
        return Response(EMPTY_TWIML, media_type="text/xml")

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/twilio/sms", sms, methods=["POST"])]
    )


def bolt_app() -> Starlette:
    """A bare Bolt AsyncApp that only acks `/sms`, behind Bolt's own Starlette adapter."""
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/sms")
    async def sms(ack: Any) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/slack/events", events, methods=["POST"])]
    )


APPS = {"twiml": twiml_app, "sigonly": sigonly_app, "bolt": bolt_app}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=sorted(APPS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    config = uvicorn.Config(APPS[args.kind](), host=args.host, port=args.port, **UVICORN_KWARGS)
    gc.collect()
    gc.freeze()  # as optdesk serve does
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
