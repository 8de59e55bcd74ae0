"""The one Slack Web API client of a process, pointed at SLACK_API_URL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def make_client(token: str, base_url: str, *, timeout: int = 10) -> AsyncWebClient:
    """An AsyncWebClient that retries a dropped connection and one rate-limit answer itself;
    anything longer is the dispatcher's to retry with backoff."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )


@contextlib.asynccontextmanager
async def shared_session(client: AsyncWebClient | None) -> AsyncIterator[None]:
    """One aiohttp session (its connection pool, kept-alive connections to Slack) for every
    call while the process's loop runs; without it AsyncWebClient opens and closes a new
    session for each call (a new connection, and a TLS handshake with the real Slack)."""
    if client is None:
        yield
        return
    session = aiohttp.ClientSession()
    client.session = session
    try:
        yield
    finally:
        client.session = None
        await session.close()
