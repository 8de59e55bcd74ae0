"""The failures a Slack Web API call can end in, caught together at the edges."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError

# SlackApiError: Slack said no (or 429/5xx); the rest: the network or a timeout.
SLACK_ERRORS: tuple[type[BaseException], ...] = (
    SlackApiError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)


def error_code(err: BaseException) -> str:
    """Slack's error code (`channel_not_found`, `ratelimited` ...) or the exception's name."""
    if isinstance(err, SlackApiError):
        response = getattr(err, "response", None)
        code = response.get("error") if response is not None else None
        return str(code or "slack_api_error")
    return type(err).__name__
