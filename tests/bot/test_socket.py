"""Socket Mode: the same app over Slack's websocket, started and closed by run_socket_mode."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest

import bot.socket
from bot.socket import run_socket_mode


class FakeHandler:
    seen: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, app: Any, app_token: str) -> None:
        self.seen.append(("init", (app, app_token)))

    async def start_async(self) -> None:
        self.seen.append(("start", None))
        raise asyncio.CancelledError  # what stopping the server does to the wait

    async def close_async(self) -> None:
        self.seen.append(("close", None))


def test_socket_mode_connects_with_the_app_token_and_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.socket, "AsyncSocketModeHandler", FakeHandler)
    app = object()
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_socket_mode(app, "xapp-1-test"))
    assert FakeHandler.seen == [("init", (app, "xapp-1-test")), ("start", None), ("close", None)]
