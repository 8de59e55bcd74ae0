"""Who is staff: user ids, user groups (cached briefly), and what happens when Slack fails."""

from __future__ import annotations

import asyncio
import typing
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot import commands as c
from bot import ids
from bot.context import BotContext
from bot.staff import StaffPolicy, user_zone
from bot.staff_gate import staff_only
from tests.fakes import FakeSlack


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def policy(fake: FakeSlack, staff: list[str], clock: Ticks | None = None) -> StaffPolicy:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    return StaffPolicy(client, staff, ttl=60, clock=clock or Ticks())


def test_no_staff_setting_lets_everyone(fake: FakeSlack) -> None:
    assert asyncio.run(policy(fake, []).allows("UANY"))
    assert asyncio.run(policy(fake, ["", "  "]).allows("UANY"))


def test_user_ids(fake: FakeSlack) -> None:
    staff = policy(fake, ["U1", "W2"])
    assert asyncio.run(staff.allows("U1")) and asyncio.run(staff.allows("W2"))
    assert not asyncio.run(staff.allows("U3"))
    assert fake.calls_to("usergroups.users.list") == []


def test_a_user_group_is_resolved_and_cached_briefly(fake: FakeSlack) -> None:
    ticks = Ticks()
    staff = policy(fake, ["S0STAFF"], ticks)
    assert asyncio.run(staff.allows("UGROUPIE"))
    assert not asyncio.run(staff.allows("UOTHER"))
    assert len(fake.calls_to("usergroups.users.list")) == 1
    fake.usergroups["S0STAFF"] = ["UOTHER"]
    ticks.now = 61
    assert asyncio.run(staff.allows("UOTHER"))
    assert not asyncio.run(staff.allows("UGROUPIE"))
    assert len(fake.calls_to("usergroups.users.list")) == 2


def test_when_slack_fails_the_last_known_members_count(fake: FakeSlack) -> None:
    ticks = Ticks()
    staff = policy(fake, ["S0STAFF"], ticks)
    assert asyncio.run(staff.allows("UGROUPIE"))
    fake.fail_with(500, method="usergroups.users.list")
    ticks.now = 120
    assert asyncio.run(staff.allows("UGROUPIE"))


def test_an_unknown_group_lets_nobody_in(fake: FakeSlack) -> None:
    assert not asyncio.run(policy(fake, ["SNOSUCH"]).allows("UGROUPIE"))


def test_a_group_never_reached_lets_nobody_in(fake: FakeSlack) -> None:
    fake.fail_with(500, method="usergroups.users.list")
    assert not asyncio.run(policy(fake, ["S0STAFF"]).allows("UGROUPIE"))


def test_users_and_groups_together(fake: FakeSlack) -> None:
    staff = policy(fake, ["U1", "S0STAFF"])
    assert asyncio.run(staff.allows("U1")) and asyncio.run(staff.allows("UGROUPIE"))


def test_time_zone_from_slack_or_utc_with_a_note(fake: FakeSlack) -> None:
    fake.users["ULONDON"] = {"tz": "Europe/London"}
    fake.users["UBAD"] = {"tz": "Mars/Olympus"}
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    zone, note = asyncio.run(user_zone(client, "ULONDON"))
    assert str(zone) == "Europe/London" and note is None
    zone, note = asyncio.run(user_zone(client, "UBAD"))
    assert str(zone) == "UTC" and note is not None and "read as UTC" in note
    fake.error("users.info", "user_not_found")
    zone, note = asyncio.run(user_zone(client, "UGONE"))
    assert str(zone) == "UTC" and note is not None


STAFF_COMMANDS = ("Send", "OptOut", "Schedule", "Cancel", "Broadcast", "Rename")
STAFF_COMMANDS += ("ProjectNew", "ProjectSet")
LOOKING = ("Link", "Status", "History", "Scheduled", "Help", "ProjectList")


def test_one_list_by_name_covers_every_command_that_texts_or_changes_something() -> None:
    """SPEC §4: commands added later (cancel, rename) fall under it by their name."""
    for name in STAFF_COMMANDS:
        assert c.needs_staff(type(name, (), {})()), name
    for name in LOOKING:
        assert not c.needs_staff(type(name, (), {})()), name
    assert c.needs_staff(type("Frobnicate", (), {})())  # unlisted: staff only
    for command in typing.get_args(c.Command):
        assert command.__name__ in c.STAFF_ONLY | c.OPEN_TO_ALL, command


def test_every_button_menu_and_modal_that_changes_something_is_staff_only() -> None:
    assert set(ids.ALL_ACTIONS) - ids.STAFF_ACTIONS == {
        ids.HOME_PAGE,
        ids.HOME_STATUS,
        ids.HOME_PROJECT,
        ids.HOME_SEARCH,  # looking: open to every member
        ids.VIEW,
        ids.THREAD_NOTE,
    }
    assert set(ids.STAFF_VIEWS) == {ids.SEND_MODAL, ids.MOVE_MODAL}


def test_a_staff_only_listener_must_take_the_body_whose_user_is_checked() -> None:
    async def no_body(ctx: BotContext, ack: Any) -> None:
        await ack()

    with pytest.raises(TypeError, match="body"):
        staff_only(no_body)
