"""Who counts as staff: OPTDESK_STAFF user ids and/or user groups (ids starting with "S")."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_errors import SLACK_ERRORS, error_code

log = logging.getLogger("optdesk.bot")
GROUP_TTL_S = 60.0
UNKNOWN_ZONE = "Your Slack time zone is unknown, so the time was read as UTC."


class StaffPolicy:
    """Decides whether a Slack user may send, opt out, schedule and broadcast.

    Empty `staff`: every member may. User groups are resolved with
    `usergroups.users.list` and cached for `ttl` seconds; when Slack can't be
    asked, the last known members count (and nobody, if never known).
    """

    def __init__(
        self,
        client: AsyncWebClient,
        staff: Sequence[str],
        *,
        ttl: float = GROUP_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        entries = [s.strip() for s in staff if s and s.strip()]
        self.client = client
        self.users = frozenset(s for s in entries if not s.startswith("S"))
        self.groups = tuple(s for s in entries if s.startswith("S"))
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}

    @property
    def open_to_all(self) -> bool:
        return not self.users and not self.groups

    async def allows(self, user_id: str) -> bool:
        if self.open_to_all or user_id in self.users:
            return True
        for group in self.groups:
            if user_id in await self.members(group):
                return True
        return False

    async def members(self, group: str) -> frozenset[str]:
        now = self.clock()
        cached = self._cache.get(group)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            answer = await self.client.usergroups_users_list(usergroup=group)
        except SLACK_ERRORS as err:
            log.warning("could not list user group %s: %s", group, error_code(err))
            return cached[1] if cached else frozenset()
        members = frozenset(str(u) for u in answer.get("users") or [])
        self._cache[group] = (now, members)
        return members


async def user_zone(client: AsyncWebClient, user_id: str) -> tuple[ZoneInfo, str | None]:
    """The user's Slack time zone, or UTC with a sentence saying so."""
    try:
        answer = await client.users_info(user=user_id)
        name = str((answer.get("user") or {}).get("tz") or "")
        if name:
            return ZoneInfo(name), None
    except SLACK_ERRORS as err:
        log.warning("users.info failed for %s: %s", user_id, error_code(err))
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone for %s", user_id)
    return ZoneInfo("UTC"), UNKNOWN_ZONE
