"""Socket Mode: the same app over Slack's websocket, no public URL needed."""

from __future__ import annotations

from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp


async def run_socket_mode(app: AsyncApp, app_token: str) -> None:
    """Connect with the app-level token (`xapp-...`, scope connections:write) until cancelled."""
    handler: Any = AsyncSocketModeHandler(app, app_token)
    try:
        await handler.start_async()
    finally:
        await handler.close_async()
