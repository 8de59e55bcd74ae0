"""The Notifier port on Slack: each note becomes a message in the contact's thread."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, assert_never

from slack_sdk.web.async_client import AsyncWebClient

from bot.notes import note_blocks, note_text
from bot.slack_errors import SLACK_ERRORS, error_code
from consent.notes import (
    ConsentNote,
    DeliveryNote,
    HeldNote,
    InboundNote,
    Note,
    NumberTakenNote,
    UnknownNote,
)
from consent.senders import NotifyError

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
# Each post carries this message metadata naming its outbox row, so a retry can find it.
EVENT_TYPE = "optdesk_note"
HISTORY_LIMIT = 50  # recent channel messages searched for an earlier top-level post
REPLIES_PAGE = 200


class SlackNotifier:
    """Posts notes with `chat.postMessage`; a failed post raises NotifyError (retried).

    A note that starts a contact's thread names the contact and number and carries
    Reply / Opt out / Move to project buttons. After a consent note, `home_refresh`
    (HomePublisher.refresh_recent) re-publishes the App Home for recent viewers.

    Slack has no idempotency key, and a post our client gave up on (a timeout) may have
    been made all the same. So each post carries message metadata with the note's
    `note_id` (its outbox row), and on another attempt (`attempt` > 1) the thread, or
    the channel's recent history for a top-level post, is searched first: a post found
    there is adopted instead of posting again. If the search fails, NotifyError.
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

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        if not channel:
            log.warning(
                "no Slack channel for a %s note (set OPTDESK_NOTIFY_CHANNEL): %s",
                note.kind,
                note_text(note, plain_text=True),
            )
            return ""
        metadata = (
            {"event_type": EVENT_TYPE, "event_payload": {"note_id": note_id}}
            if note_id is not None
            else None
        )
        earlier = None
        if note_id is not None and attempt > 1:
            earlier = await self._find_posted(channel, thread_ts, note_id)
        if earlier:
            log.info(
                "note %s had been posted to %s as %s; not posting it again",
                note_id,
                channel,
                earlier,
            )
            ts = earlier
        else:
            ts = await self._post_note(channel, thread_ts, note, metadata)
        if changes_status(note) and self.home_refresh is not None:
            await self._refresh_home()
        return ts

    async def _post_note(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        metadata: dict[str, Any] | None,
    ) -> str:
        blocks = note_blocks(note, top_level=thread_ts is None, thread_replies=self.thread_replies)
        text = note_text(note)
        try:
            return await self._post(channel, thread_ts, text, blocks, metadata)
        except SLACK_ERRORS as err:
            code = error_code(err)
            if code != "invalid_blocks":
                raise self._failure(channel, code) from err
        log.error("Slack refused the blocks of a note in %s; posting it as text", channel)
        try:
            return await self._post(channel, thread_ts, text, None, metadata)
        except SLACK_ERRORS as err:
            raise self._failure(channel, error_code(err)) from err

    async def _post(
        self,
        channel: str,
        thread_ts: str | None,
        text: str,
        blocks: list[dict[str, Any]] | None,
        metadata: dict[str, Any] | None,
    ) -> str:
        answer = await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=text,
            blocks=blocks,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(answer.get("ts") or "")

    async def _find_posted(self, channel: str, thread_ts: str | None, note_id: Any) -> str | None:
        """The ts of a message already posted for this note (an earlier attempt), if any."""
        try:
            if thread_ts is None:
                answer = await self.client.conversations_history(
                    channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
                )
                return _with_note_id(answer.get("messages") or [], note_id)
            return await self._find_in_thread(channel, thread_ts, note_id)
        except SLACK_ERRORS as err:
            code = error_code(err)
            if code == "thread_not_found":  # no thread, so no earlier reply in it
                return None
            raise self._failure(channel, code, "looking for an earlier post in") from err

    async def _find_in_thread(self, channel: str, thread_ts: str, note_id: Any) -> str | None:
        cursor: str | None = None
        while True:
            answer = await self.client.conversations_replies(
                channel=channel,
                ts=thread_ts,
                include_all_metadata=True,
                limit=REPLIES_PAGE,
                cursor=cursor,
            )
            found = _with_note_id(answer.get("messages") or [], note_id)
            if found:
                return found
            meta = answer.get("response_metadata") or {}
            cursor = str(meta.get("next_cursor") or "") or None
            if not answer.get("has_more") or cursor is None:
                return None

    def _failure(self, channel: str, code: str, doing: str = "chat.postMessage to") -> NotifyError:
        hint = PERMANENT.get(code)
        if hint:
            log.error(
                "Slack: %s %s failed: %s (%s); it will be retried", doing, channel, code, hint
            )
        else:
            log.warning("Slack: %s %s failed: %s; it will be retried", doing, channel, code)
        return NotifyError(f"{doing} {channel}: {code}")

    async def _refresh_home(self) -> None:
        assert self.home_refresh is not None
        try:
            await self.home_refresh()
        except Exception:  # the note is posted: a stale home tab must not re-post it
            log.exception("could not refresh the App Home after a consent change")


def changes_status(note: Note) -> bool:
    """Whether a note may change what the App Home shows (a status, a delivery)."""
    match note:
        case ConsentNote():
            return True
        case InboundNote() | DeliveryNote():
            return bool(note.status)
        case NumberTakenNote() | HeldNote() | UnknownNote():
            return False
        case _:
            assert_never(note)


def _with_note_id(messages: list[Any], note_id: Any) -> str | None:
    """The ts of the first message whose optdesk metadata names `note_id`."""
    for message in messages:
        meta = message.get("metadata") if isinstance(message, dict) else None
        if not isinstance(meta, dict) or meta.get("event_type") != EVENT_TYPE:
            continue
        payload = meta.get("event_payload")
        if isinstance(payload, dict) and str(payload.get("note_id")) == str(note_id):
            return str(message.get("ts") or "") or None
    return None
