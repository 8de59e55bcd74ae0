"""Publishing the App Home tab, and keeping it fresh for the people looking at it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

from slack_sdk.web.async_client import AsyncWebClient

from bot.home_view import home_view
from bot.slack_errors import SLACK_ERRORS, error_code
from consent.services.context import Desk
from consent.services.home import PAGE_SIZE, HomeFilter, home_page

log = logging.getLogger("optdesk.bot")
RECENT_USERS = 20
RECENT_FOR_S = 3600.0


class HomePublisher:
    """Publishes each user's home view; remembers the last few viewers and their filters.

    `refresh_recent` (given to the SlackNotifier) re-publishes for people who opened
    the tab within the last hour, so counts follow consent changes; overlapping calls
    collapse into one extra pass.
    """

    def __init__(
        self,
        desk: Desk,
        client: AsyncWebClient,
        *,
        keep: int = RECENT_USERS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.desk, self.client, self.keep, self.page_size = desk, client, keep, page_size
        self._recent: OrderedDict[str, tuple[float, HomeFilter]] = OrderedDict()
        self._refreshing = False
        self._again = False

    def remember(self, user_id: str, wanted: HomeFilter) -> None:
        self._recent[user_id] = (time.monotonic(), wanted)
        self._recent.move_to_end(user_id)
        while len(self._recent) > self.keep:
            self._recent.popitem(last=False)

    def last_filter(self, user_id: str) -> HomeFilter:
        seen = self._recent.get(user_id)
        return seen[1] if seen else HomeFilter()

    def recent_users(self) -> list[str]:
        cutoff = time.monotonic() - RECENT_FOR_S
        return [u for u, (at, _) in self._recent.items() if at >= cutoff]

    async def publish(
        self, user_id: str, wanted: HomeFilter | None = None, *, notice: str | None = None
    ) -> None:
        """Build and publish one user's home view (raises Slack's errors)."""
        wanted = wanted if wanted is not None else self.last_filter(user_id)
        page = await asyncio.to_thread(home_page, self.desk, wanted, page_size=self.page_size)
        if not page.rows and wanted.page > 0:
            wanted = HomeFilter(wanted.status, wanted.project_id, 0, wanted.search)
            page = await asyncio.to_thread(home_page, self.desk, wanted, page_size=self.page_size)
        self.remember(user_id, wanted)
        await self.client.views_publish(user_id=user_id, view=home_view(page, notice))

    async def publish_quietly(
        self, user_id: str, wanted: HomeFilter | None = None, *, notice: str | None = None
    ) -> bool:
        try:
            await self.publish(user_id, wanted, notice=notice)
        except SLACK_ERRORS as err:
            log.warning("could not publish the home tab for %s: %s", user_id, error_code(err))
            return False
        return True

    async def refresh_recent(self) -> None:
        """Re-publish for recent viewers (after a consent change); never raises Slack errors."""
        if self._refreshing:
            self._again = True
            return
        self._refreshing = True
        try:
            while True:
                self._again = False
                for user_id in self.recent_users():
                    await self.publish_quietly(user_id)
                if not self._again:
                    break
        finally:
            self._refreshing = False
