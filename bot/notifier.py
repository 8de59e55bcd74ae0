"""The Notifier port on Slack: each note becomes a message in the contact's thread."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.notes import note_blocks, note_text
from bot.slack_errors import SLACK_ERRORS, error_code
from consent.ports import NotifyError

log = logging.getLogger("optdesk.bot")
# Retrying these won't help until someone fixes the setup; say so loudly.
PERMANENT = {
    "channel_not_found": "the channel does not exist or the bot can't see it",
    "not_in_channel": "invite the bot to the channel (/invite @optdesk)",
    "is_archived": "the channel is archived",
    "invalid_auth": "SLACK_BOT_TOKEN is not valid",
    "not_authed": "SLACK_BOT_TOKEN is missing",
    "account_inactive": "the bot's token was deactivated",
    "token_revoked": "the bot's token was revoked",
    "missing_scope": "the app lacks the chat:write scope: reinstall it from manifest.yml",
    "restricted_action": "the workspace does not let the bot post there",
}
HomeRefresh = Callable[[], Awaitable[None]]


class SlackNotifier:
    """Posts notes with `chat.postMessage`; a failed post raises NotifyError (retried).

    A note that starts a contact's thread names the contact and number and carries
    Reply / Opt out / Move to project buttons. After a consent note, `home_refresh`
    (HomePublisher.refresh_recent) re-publishes the App Home for recent viewers.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        home_refresh: HomeRefresh | None = None,
        *,
        thread_replies: str = "confirm",
    ) -> None:
        self.client = client
        self.home_refresh = home_refresh
        self.thread_replies = thread_replies  # OPTDESK_THREAD_REPLIES, told in each thread

    async def post(self, channel: str, thread_ts: str | None, note: Mapping[str, Any]) -> str:
        if not channel:
            log.warning(
                "no Slack channel for a %s note (set OPTDESK_NOTIFY_CHANNEL): %s",
                note.get("type"),
                note_text(note, plain_text=True),
            )
            return ""
        blocks = note_blocks(note, top_level=thread_ts is None, thread_replies=self.thread_replies)
        text = note_text(note)
        try:
            ts = await self._post(channel, thread_ts, text, blocks)
        except SLACK_ERRORS as err:
            code = error_code(err)
            if code == "invalid_blocks":
                ts = await self._post_text_only(channel, thread_ts, text)
            else:
                raise self._failure(channel, code) from err
        changed = note.get("type") == "consent" or bool(note.get("status"))
        if changed and self.home_refresh is not None:
            await self._refresh_home()
        return ts

    async def _post(
        self, channel: str, thread_ts: str | None, text: str, blocks: list[dict[str, Any]] | None
    ) -> str:
        answer = await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(answer.get("ts") or "")

    async def _post_text_only(self, channel: str, thread_ts: str | None, text: str) -> str:
        log.error("Slack refused the blocks of a note in %s; posting it as text", channel)
        try:
            return await self._post(channel, thread_ts, text, None)
        except SLACK_ERRORS as err:
            raise self._failure(channel, error_code(err)) from err

    def _failure(self, channel: str, code: str) -> NotifyError:
        hint = PERMANENT.get(code)
        if hint:
            log.error("Slack post to %s failed: %s (%s); it will be retried", channel, code, hint)
        else:
            log.warning("Slack post to %s failed: %s; it will be retried", channel, code)
        return NotifyError(f"chat.postMessage to {channel}: {code}")

    async def _refresh_home(self) -> None:
        assert self.home_refresh is not None
        try:
            await self.home_refresh()
        except Exception:  # the note is posted: a stale home tab must not re-post it
            log.exception("could not refresh the App Home after a consent change")
