"""The sidecar under a real uvicorn on 127.0.0.1, on a migrated database, with a fake Twilio.

Databases, the engine, units of work and the clock come from tests/conftest.py. Here
`db_url` runs SQLite always and PostgreSQL as well when OPTDESK_TEST_POSTGRES_URL is
set, without a skipped PostgreSQL twin of every test otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from consent.services.context import Desk, DeskConfig
from consent.services.dispatch import Dispatcher
from storage.uow import SqlUnitOfWorkFactory
from tests.fakes import FakeTwilio
from tests.support import FixedClock, RecordingNotifier
from tests.webhooks.helpers import LiveServer, Site
from webhooks.app import create_app
from webhooks.twilio_gateway import TwilioGateway

BUSINESS = "Bloom & <Branch> Florists"
SENDER = "+14155550199"
PUBLIC_URL = "https://optdesk.example.com"
CSRF_SECRET = b"test-csrf-secret-0123456789abcdef"

POSTGRES_ENV = "OPTDESK_TEST_POSTGRES_URL"
_KINDS: list[Any] = ["sqlite"]
if os.environ.get(POSTGRES_ENV):
    _KINDS.append(pytest.param("postgres", marks=pytest.mark.postgres))


@pytest.fixture(params=_KINDS)
def db_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as tw:
        yield tw


SiteFactory = Callable[..., Site]


@pytest.fixture
def make_site(
    migrated_engine: Engine,
    uow_factory: SqlUnitOfWorkFactory,
    fake_twilio: FakeTwilio,
    clock: FixedClock,
) -> Iterator[SiteFactory]:
    """Build and start a sidecar; keyword arguments override DeskConfig fields or app options."""
    started: list[Site] = []

    def make(
        *,
        local_mode: bool = False,
        with_token: bool = True,
        trust_proxy: bool = False,
        health: Callable[[], dict[str, Any]] | None = None,
        timeout: float = 2.0,
        **overrides: Any,
    ) -> Site:
        fields: dict[str, Any] = {
            "business_name": BUSINESS,
            "business_contact": "hello@bloom.example",
            "public_url": PUBLIC_URL,
            "sender": SENDER,
            "notify_channel": "C0NOTIFY",
        }
        fields.update(overrides)
        desk = Desk(uow_factory, clock, DeskConfig(**fields))
        token = fake_twilio.auth_token
        app = create_app(
            desk,
            twilio_auth_token=token if with_token else None,
            csrf_secret=CSRF_SECRET,
            local_mode=local_mode,
            health=health or (lambda: {"ok": True, "dialect": migrated_engine.dialect.name}),
            trust_proxy=trust_proxy,
        )
        gateway = TwilioGateway(
            fake_twilio.account_sid,
            fake_twilio.auth_token,
            from_number=SENDER,
            status_callback=desk.config.public_url + "/twilio/status",
            api_url=fake_twilio.base_url,
            timeout=timeout,
            per_second=1000,
        )
        notifier = RecordingNotifier()
        server = LiveServer(app).start()
        http = httpx.Client(base_url=server.url, trust_env=False, timeout=20)
        site = Site(
            desk,
            migrated_engine,
            server,
            http,
            fake_twilio,
            Dispatcher(desk, gateway, notifier),
            notifier,
            clock,
            token,
        )
        started.append(site)
        return site

    yield make
    for site in started:
        site.http.close()
        site.server.stop()


@pytest.fixture
def site(make_site: SiteFactory) -> Site:
    return make_site()


@pytest.fixture
def app_site(make_site: SiteFactory) -> Site:
    """The app answers STOP/START/HELP itself (OPTDESK_TWILIO_KEYWORDS=app)."""
    return make_site(keywords_by="app")
