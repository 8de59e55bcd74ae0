"""The composition root: the one place that builds engines, clients and apps and wires them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from consent.senders import Notifier, SmsGateway
from consent.services.context import Desk, DeskConfig, SystemClock
from consent.services.dispatch import Dispatcher
from consent.services.fresh import CommitWatch
from optdesk.settings import Settings
from optdesk.sides import twilio_is_local
from storage.engine import Engine, make_engine
from storage.migrate import database_status
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger("optdesk")


@dataclass
class Core:
    settings: Settings
    engine: Engine
    desk: Desk


def build_core(settings: Settings) -> Core:
    """Engine, unit of work and the desk's use-case context (no network clients)."""
    engine = make_engine(settings.database_url)
    config = DeskConfig(
        business_name=settings.business_name,
        business_contact=settings.business_contact,
        public_url=settings.public_url,
        link_ttl_days=settings.link_ttl_days,
        default_region=settings.default_region,
        keywords_by=settings.twilio_keywords,
        notify_channel=settings.notify_channel,
        sender=settings.twilio_from_number,
        double_opt_in=settings.double_opt_in,
    )
    clock = SystemClock()
    # Every write of this process goes through the watch, so reads kept for a moment
    # (`/sms status` counts: bot.counts_answer) are forgotten at this process's commits.
    watch = CommitWatch(SqlUnitOfWorkFactory(engine, clock))
    return Core(settings, engine, Desk(watch, clock, config))


def build_gateway(settings: Settings, desk: Desk | None = None) -> SmsGateway:
    """Twilio when credentials are set; otherwise local mode, said loudly (with `desk`,
    each local text is reported delivered, as the local phone got it)."""
    if twilio_is_local(settings):
        from consent.records import DeliveryReport
        from consent.services.delivery import record_delivery
        from webhooks.local_gateway import LocalGateway

        log.warning(
            "LOCAL MODE (Twilio): no TWILIO_* setting set. "
            "Texts are kept in the database and printed to this log, never sent."
        )
        if desk is None:
            return LocalGateway()
        local_desk = desk
        return LocalGateway(
            lambda sid: record_delivery(local_desk, DeliveryReport(sid, "delivered"))
        )
    from webhooks.twilio_gateway import TwilioGateway

    if not settings.twilio_enabled:
        raise ValueError("Twilio is half configured")  # the CLI refuses this at start
    assert settings.twilio_account_sid and settings.twilio_auth_token
    return TwilioGateway(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=settings.public_url.rstrip("/") + "/twilio/status",
        api_url=settings.twilio_api_url,
        per_second=settings.sms_per_second,
    )


def form_secret(settings: Settings) -> bytes:
    """The key that signs questionnaire CSRF tokens; the same in every process."""
    if settings.secret_key:
        return settings.secret_key.get_secret_value().encode()
    if settings.twilio_auth_token:
        seed = b"optdesk-csrf:" + settings.twilio_auth_token.get_secret_value().encode()
        return hashlib.sha256(seed).digest()
    return secrets.token_bytes(32)  # local mode: one process, forms live as long as it does


def slack_signing_secret(settings: Settings) -> str:
    """SLACK_SIGNING_SECRET for Bolt and for the route that checks every signature
    (empty over Socket Mode, where the route then lets nothing through)."""
    secret = settings.slack_signing_secret
    return secret.get_secret_value() if secret else ""


@dataclass
class SlackSide:
    notifier: Notifier
    bolt: Any | None  # slack_bolt AsyncApp, when this process takes Slack's requests
    client: Any | None = None  # the process's one AsyncWebClient, with a Slack bot token

    def session(self) -> contextlib.AbstractAsyncContextManager[None]:
        """While the loop runs: one HTTP session to Slack for every call of the client."""
        from bot.slack_client import shared_session

        return shared_session(self.client)


def build_slack(
    settings: Settings, desk: Desk, *, socket_mode: bool = False, receiving: bool = True
) -> SlackSide:
    """The Slack notifier whenever SLACK_BOT_TOKEN is set, and Bolt when `receiving`
    (a signing secret over HTTP, none over Socket Mode); without a bot token, local
    mode, said loudly. The CLI has refused half-configured settings before this."""
    if not settings.slack_bot_token:
        from bot.local_notifier import LocalNotifier

        log.warning(
            "LOCAL MODE (Slack): no SLACK_* credential set. "
            "Slack posts are written to this log; /slack/events answers 404."
        )
        return SlackSide(LocalNotifier(), None)
    from bot.home import HomePublisher
    from bot.notifier import SlackNotifier
    from bot.slack_client import make_client

    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    home = HomePublisher(desk, client)
    notifier = SlackNotifier(
        client, home_refresh=home.refresh_recent, thread_replies=settings.thread_replies
    )
    if not receiving:
        return SlackSide(notifier, None, client)
    from bot.app import create_bolt_app

    bolt = create_bolt_app(
        desk,
        client=client,
        signing_secret=slack_signing_secret(settings),
        staff=settings.staff_ids(),
        thread_replies=settings.thread_replies,
        socket_mode=socket_mode,
        home=home,
    )
    return SlackSide(notifier, bolt, client)


def build_dispatcher(core: Core, slack: SlackSide, notifier: Notifier | None = None) -> Dispatcher:
    gateway = build_gateway(core.settings, core.desk)
    return Dispatcher(core.desk, gateway, notifier or slack.notifier)


def build_server(
    core: Core, slack: SlackSide, *, run_dispatcher: bool = True, warm: bool = False
) -> Any:
    """The Starlette sidecar with every endpoint, the Bolt handler, and the dispatcher;
    `warm`: build what first requests would (optdesk.warmup) before serving."""
    from optdesk.local_desk import desk_notifier, desk_routes
    from webhooks.app import create_app

    settings = core.settings
    local = twilio_is_local(settings)
    # local mode: the staff desk (/local/desk) keeps every note the dispatcher posts
    notifier, channel = desk_notifier(slack.notifier, thread_replies=settings.thread_replies)
    dispatcher = build_dispatcher(core, slack, notifier if local else None)
    routes = []
    if slack.bolt is not None:
        from bot.handler import slack_route

        routes.append(slack_route(slack.bolt, signing_secret=slack_signing_secret(settings)))

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if warm:  # uvicorn opens its socket only after this start-up
            from optdesk.warmup import warm_up

            await warm_up(app, core.desk, core.settings)
        stop = asyncio.Event()
        async with slack.session():
            task = (
                asyncio.create_task(dispatcher.run_forever(stop=stop)) if run_dispatcher else None
            )
            try:
                yield
            finally:
                stop.set()
                if task is not None:
                    await task

    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None
    csrf_secret = form_secret(settings)
    local_routes = desk_routes(core.desk, channel, csrf_secret) if local else []
    return create_app(
        core.desk,
        twilio_auth_token=token if settings.twilio_enabled else None,
        csrf_secret=csrf_secret,
        local_mode=local,
        health=lambda: database_status(core.engine),
        extra_routes=routes,
        local_routes=local_routes,
        lifespan=lifespan,
        trust_proxy=settings.trust_proxy,
    )


def announce_demo(core: Core) -> None:
    """Local mode: where the local phone is, and a questionnaire link for a demo contact,
    issued once, while the database has no contact (a newcomer sees the flow)."""
    from consent.services.links import issue_demo_link

    url = core.settings.public_url.rstrip("/")
    issued = issue_demo_link(core.desk, "Demo Client", actor="local")
    if issued is not None:
        log.warning("LOCAL MODE demo: open %s to answer as a client", issued.url)
    log.warning(
        "LOCAL MODE: open %s/local/desk (the staff side) and %s/local/phone (the client's "
        "phone) side by side, from this machine only",
        url,
        url,
    )
