"""create_app: health, routing, error pages, extra routes and the lifespan."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from consent.errors import Forbidden, NotFound
from storage.engine import make_engine
from storage.migrate import database_status
from tests.webhooks.conftest import CSRF_SECRET, SiteFactory
from tests.webhooks.helpers import LiveServer, Site
from webhooks.app import create_app
from webhooks.limits import MAX_BODY


def test_healthz_reports_the_database(site: Site) -> None:
    response = site.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": {"ok": True, "dialect": "sqlite"}} or (
        response.json()["database"]["dialect"] == "postgresql"
    )


def test_healthz_is_503_when_the_database_is_down(make_site: SiteFactory) -> None:
    down = make_site(health=lambda: {"ok": False, "error": "OperationalError: no such file"})
    response = down.http.get("/healthz")
    assert response.status_code == 503 and response.json()["ok"] is False

    def broken() -> dict[str, object]:
        raise RuntimeError("boom")

    crashed = make_site(health=broken)
    response = crashed.http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "database unavailable"}


def test_healthz_on_a_database_failure_gives_a_generic_reason_and_logs_the_detail(
    make_site: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Anyone may ask /healthz: a driver's error names the host, port and user."""
    unreachable = make_engine("postgresql+psycopg://leaky_user@127.0.0.1:1/leaky_db")
    site = make_site(health=lambda: database_status(unreachable))
    with caplog.at_level(logging.WARNING, logger="optdesk"):
        response = site.http.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "database": {"ok": False, "error": "database unavailable"},
    }
    for secret in ("127.0.0.1", "port 1", "leaky", "Operational", "psycopg"):
        assert secret not in response.text
    assert "127.0.0.1" in caplog.text and "port 1" in caplog.text  # the detail is logged
    unreachable.dispose()


def test_unknown_paths_and_methods_get_friendly_answers(site: Site) -> None:
    missing = site.http.get("/nothing/here")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert missing.headers["x-frame-options"] == "DENY"
    wrong_method = site.http.get("/twilio/sms")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith("text/plain")
    assert "POST" in wrong_method.headers["allow"]
    put = site.http.put(site.issue())
    assert put.status_code == 405


def _serve(
    site: Site, routes: list[Route], lifespan: object = None
) -> tuple[LiveServer, Starlette]:
    app = create_app(
        site.desk,
        twilio_auth_token="token",
        csrf_secret=CSRF_SECRET,
        local_mode=False,
        health=lambda: {"ok": True},
        extra_routes=routes,
        lifespan=lifespan,  # type: ignore[arg-type]
    )
    return LiveServer(app).start(), app


def test_unexpected_errors_become_a_500_page_without_a_stack_trace(site: Site) -> None:
    async def explode(_request: Request) -> PlainTextResponse:
        raise RuntimeError("secret internals /etc/passwd")

    async def missing(_request: Request) -> PlainTextResponse:
        raise NotFound("no such thing")

    async def forbidden(_request: Request) -> PlainTextResponse:
        raise Forbidden("nope")

    routes = [Route("/boom", explode), Route("/missing", missing), Route("/forbidden", forbidden)]
    server, _app = _serve(site, routes)
    try:
        # A fresh connection each: uvicorn closes one after an unhandled error.
        boom = httpx.get(server.url + "/boom", trust_env=False)
        assert boom.status_code == 500
        assert "Something went wrong on our side" in boom.text
        assert "Traceback" not in boom.text and "secret internals" not in boom.text
        assert boom.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in boom.headers["content-security-policy"]
        assert httpx.get(server.url + "/missing", trust_env=False).status_code == 404
        assert httpx.get(server.url + "/forbidden", trust_env=False).status_code == 403
    finally:
        server.stop()


def test_extra_routes_and_the_lifespan_are_wired_in(site: Site) -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        events.append("start")
        yield
        events.append("stop")

    async def hello(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("hi")

    server, _app = _serve(site, [Route("/slack/events", hello, methods=["POST"])], lifespan)
    try:
        with httpx.Client(base_url=server.url, trust_env=False) as client:
            assert client.post("/slack/events").text == "hi"
    finally:
        server.stop()
    assert events == ["start", "stop"]


def test_every_answer_carries_the_security_headers_and_its_own_nonce(site: Site) -> None:
    """TwiML, a refused webhook, the 413 past the 1 MB body limit, /local's 404."""

    async def read_all(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{len(await request.body())} bytes")

    server, _app = _serve(site, [Route("/read", read_all, methods=["POST"])])
    try:
        too_large = httpx.post(server.url + "/read", content=b"x" * (MAX_BODY + 1), trust_env=False)
        answers = [
            site.text_in("+14155550123", "STOP"),
            site.http.post("/twilio/sms", data={"Body": "STOP"}),
            too_large,
            site.http.get("/local/phone"),
        ]
    finally:
        server.stop()
    assert [a.status_code for a in answers] == [200, 403, 413, 404]
    nonces = set()
    for answer in answers:
        headers = answer.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        assert headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in headers["permissions-policy"]
        assert len(headers.get_list("content-security-policy")) == 1
        nonce = re.search(r"script-src 'nonce-([^']+)'", headers["content-security-policy"])
        assert nonce is not None
        nonces.add(nonce.group(1))
    assert len(nonces) == len(answers)
