"""Long-running processes: the server (HTTP or Socket Mode) and the worker."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import uvicorn

from optdesk.limits import hand_off_quickly, server_config
from optdesk.root import Core, announce_demo, build_dispatcher, build_server, build_slack
from optdesk.sides import twilio_is_local

log = logging.getLogger("optdesk")


def serve(core: Core, *, host: str, port: int, socket_mode: bool) -> int:
    """Serve every endpoint and run the dispatcher; with --socket-mode Slack comes over a socket."""
    slack = build_slack(core.settings, core.desk, socket_mode=socket_mode)
    app = build_server(core, slack, warm=True)
    server = uvicorn.Server(server_config(app, host=host, port=port))
    if twilio_is_local(core.settings):
        announce_demo(core)
    if slack.bolt is not None and not core.settings.staff_ids():
        log.warning(
            "OPTDESK_STAFF is empty: every member of the Slack workspace may text clients, "
            "opt them out and change contacts and projects"
        )
    # Everything built so far lives as long as the process: keep it out of the cyclic
    # garbage collector, whose full passes over it were the long tail of webhook latency.
    gc.collect()
    gc.freeze()
    hand_off_quickly()
    log.info(
        "optdesk serving on http://%s:%s (public URL %s)", host, port, core.settings.public_url
    )
    if not socket_mode:
        server.run()
        return 0
    token = core.settings.slack_app_token
    if token is None or slack.bolt is None:
        log.error("--socket-mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN")
        return 2
    from bot.socket import run_socket_mode

    bolt = slack.bolt

    async def both() -> None:
        await asyncio.gather(server.serve(), run_socket_mode(bolt, token.get_secret_value()))

    asyncio.run(both())
    return 0


def work(core: Core) -> int:
    """The dispatcher alone, for extra processes; stops cleanly on SIGINT/SIGTERM."""
    slack = build_slack(core.settings, core.desk, receiving=False)
    dispatcher = build_dispatcher(core, slack)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("optdesk worker dispatching")
        async with slack.session():
            await dispatcher.run_forever(stop=stop)

    asyncio.run(run())
    return 0
