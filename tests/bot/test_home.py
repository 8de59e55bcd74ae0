"""The App Home tab: counts, contacts with numbers and last message, paging and filters."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.home import HomePublisher
from bot.home_view import filter_metadata
from bot.notifier import SlackNotifier
from consent.services.context import Desk
from consent.services.dispatch import Dispatcher
from consent.services.home import HomeFilter
from consent.services.staff import opt_out_by_staff
from tests.bot import seed
from tests.bot.conftest import mount
from tests.bot.harness import STAFF, Server, Slack, as_dict, texts, wait_until
from tests.fakes import FakeSlack
from tests.support import FixedClock, RecordingGateway

ANN, BEN, CY = "+14155550100", "+14155550123", "+14155550199"


def open_home(slack: Slack, user: str = STAFF) -> dict[str, Any]:
    before = len(slack.calls("views.publish"))
    response = slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1.1"}
    )
    assert response.status_code == 200
    return latest_home(slack, before)


def latest_home(slack: Slack, before: int) -> dict[str, Any]:
    calls = wait_until(lambda: slack.calls("views.publish")[before:])
    return as_dict(calls[-1].args["view"])


def rows(view: dict[str, Any]) -> list[str]:
    """The contact names shown, in order (each row is a section followed by its buttons)."""
    blocks = view["blocks"]
    names = []
    for n, block in enumerate(blocks[:-1]):
        nxt = blocks[n + 1]
        if block["type"] == "section" and str(nxt.get("block_id", "")).startswith("contact:"):
            names.append(block["text"]["text"].split("*")[1])
    return names


def click(
    slack: Slack,
    view: dict[str, Any],
    action_id: str,
    *,
    value: str | None = None,
    selected: str | None = None,
) -> dict[str, Any]:
    before = len(slack.calls("views.publish"))
    response, _ = slack.action(
        action_id, value, selected=selected, home_metadata=view["private_metadata"]
    )
    assert response.status_code == 200
    return latest_home(slack, before)


def test_opening_the_tab_publishes_counts_and_contacts(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN)
    seed.opted_out(slack.desk, "Ben", BEN)
    seed.pending(slack.desk, "Cy", phone=CY)
    view = open_home(slack)
    assert view["type"] == "home"
    assert slack.calls("views.publish")[-1].args["user_id"] == STAFF
    blob = texts(view)
    assert "SMS Subscription Status" in blob
    assert "*opted in:* 1   *opted out:* 1   *not subscribed:* 1   *pending:* 1" in blob
    assert rows(view) == ["Ann Lee", "Ben", "Cy"]
    assert "+1 415-555-0100: opted in" in blob and "+1 415-555-0123: opted out" in blob
    assert "*pending*" in blob


def test_each_row_shows_the_last_message_and_buttons(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("send Ann See you &lt;tomorrow&gt;")
    view = open_home(slack)
    assert "→" in texts(view) and "See you &lt;tomorrow&gt;" in texts(view)
    [buttons] = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("contact:")]
    kinds = [e["action_id"] for e in buttons["elements"]]
    assert kinds == [ids.VIEW, ids.SEND, ids.MOVE, ids.OPT_OUT]
    opt_out = buttons["elements"][3]
    assert opt_out["confirm"]["confirm"]["text"] == "Opt out"
    assert opt_out["style"] == "danger"


def test_an_empty_desk_says_how_to_start(slack: Slack) -> None:
    view = open_home(slack)
    assert "No contacts yet" in texts(view)
    assert "&lt;name&gt;" in texts(view)


def test_contacts_are_paged_twenty_at_a_time(slack: Slack) -> None:
    for n in range(25):
        seed.pending(slack.desk, f"Client {n:02d}")
    view = open_home(slack)
    assert rows(view) == [f"Client {n:02d}" for n in range(20)]
    assert len(view["blocks"]) < 100
    nav = view["blocks"][-1]
    assert [e["text"]["text"] for e in nav["elements"]] == ["Next"]
    view = click(slack, view, ids.HOME_PAGE, value=nav["elements"][0]["value"])
    assert rows(view) == [f"Client {n:02d}" for n in range(20, 25)]
    assert [e["text"]["text"] for e in view["blocks"][-1]["elements"]] == ["Previous"]
    view = click(slack, view, ids.HOME_PAGE, value="0")
    assert rows(view)[0] == "Client 00"


def test_a_page_past_the_end_falls_back_to_the_first(slack: Slack) -> None:
    seed.pending(slack.desk, "Only One")
    meta = filter_metadata(HomeFilter(page=0))
    view = click(slack, {"private_metadata": meta}, ids.HOME_PAGE, value="7")
    assert rows(view) == ["Only One"]


def test_filter_by_status(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_out(slack.desk, "Ben", BEN)
    seed.pending(slack.desk, "Cy", phone=CY)
    view = open_home(slack)
    view = click(slack, view, ids.HOME_STATUS, selected="opted out")
    assert rows(view) == ["Ben"]
    assert json.loads(view["private_metadata"])["s"] == "opted out"
    view = click(slack, view, ids.HOME_STATUS, selected="pending")
    assert rows(view) == ["Cy"]
    view = click(slack, view, ids.HOME_STATUS, selected="not subscribed")
    assert rows(view) == ["Cy"]
    view = click(slack, view, ids.HOME_STATUS, selected="")
    assert rows(view) == ["Ann", "Ben", "Cy"]


def test_filter_by_project(slack: Slack) -> None:
    kitchen = seed.project(slack.desk, "Kitchen")
    seed.project(slack.desk, "Bath")
    seed.opted_in(slack.desk, "Ann", ANN, project="Kitchen")
    seed.opted_in(slack.desk, "Ben", BEN, project="Bath")
    seed.pending(slack.desk, "Cy", project="Kitchen")
    view = open_home(slack)
    view = click(slack, view, ids.HOME_PROJECT, selected=str(kitchen))
    assert rows(view) == ["Ann", "Cy"]
    view = click(slack, view, ids.HOME_STATUS, selected="pending")
    assert rows(view) == ["Cy"]  # both filters hold
    selects = next(b for b in view["blocks"] if b.get("block_id") == "home_filters")["elements"]
    assert selects[0]["initial_option"]["value"] == "pending"
    assert selects[1]["initial_option"]["value"] == str(kitchen)


def test_the_tab_remembers_each_users_filter(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_out(slack.desk, "Ben", BEN)
    view = open_home(slack)
    click(slack, view, ids.HOME_STATUS, selected="opted out")
    assert rows(open_home(slack)) == ["Ben"]


def test_many_projects_stay_within_slacks_limits(slack: Slack) -> None:
    for n in range(120):
        seed.project(slack.desk, f"Project {n:03d}")
    for n in range(20):
        seed.pending(slack.desk, f"Client {n:02d}")
    view = open_home(slack)
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        for element in block.get("elements", []):
            assert len(element.get("options", [])) <= 100


def test_hostile_names_are_escaped_on_the_tab(slack: Slack) -> None:
    seed.pending(slack.desk, "<!channel> <@U1> & co")
    blob = texts(open_home(slack))
    assert "<!channel>" not in blob and "<@U1>" not in blob
    assert "&lt;!channel&gt; &lt;@U1&gt; &amp; co" in blob


def test_unreadable_metadata_means_no_filter(slack: Slack) -> None:
    seed.pending(slack.desk, "Ann")
    view = click(slack, {"private_metadata": "{not json"}, ids.HOME_STATUS, selected="bogus")
    assert rows(view) == ["Ann"]


def test_consent_changes_refresh_the_tab_for_recent_viewers(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    home = HomePublisher(desk, client)
    slack = mount(server, fake, desk, clock, home=home)
    seed.opted_in(desk, "Ann", ANN)
    assert "*opted out:* 0" in texts(open_home(slack, user="UVIEWER"))
    opt_out_by_staff(desk, ANN, "asked", actor=STAFF)
    before = len(fake.calls_to("views.publish"))
    notifier = SlackNotifier(client, home_refresh=home.refresh_recent)
    dispatcher = Dispatcher(desk, RecordingGateway(), notifier)

    async def drain() -> None:
        while await dispatcher.run_once():
            pass

    asyncio.run(drain())
    view = latest_home(slack, before)
    assert fake.calls_to("views.publish")[-1].args["user_id"] == "UVIEWER"
    assert "*opted in:* 0   *opted out:* 1" in texts(view)


def search(slack: Slack, view: dict[str, Any], typed: str) -> dict[str, Any]:
    before = len(slack.calls("views.publish"))
    response, _ = slack.action(ids.HOME_SEARCH, typed=typed, home_metadata=view["private_metadata"])
    assert response.status_code == 200
    return latest_home(slack, before)


def test_the_search_box_finds_contacts_by_the_rule_of_sms_and_keeps_the_filters(
    slack: Slack,
) -> None:
    from slack_sdk.models.views import View

    seed.opted_in(slack.desk, "Ann Lee", ANN)
    seed.opted_out(slack.desk, "Anna Bell", BEN)
    seed.pending(slack.desk, "Ben Ode", phone=CY)
    view = open_home(slack)
    [box] = [b for b in view["blocks"] if b["type"] == "input"]
    assert box["dispatch_action"] is True and box["element"]["action_id"] == ids.HOME_SEARCH
    View(**view).validate_json()  # Block Kit as slack_sdk's models check it
    found = search(slack, view, "an")
    assert rows(found) == ["Ann Lee", "Anna Bell"]
    View(**found).validate_json()
    [shown] = [b for b in found["blocks"] if b["type"] == "input"]
    assert shown["element"]["initial_value"] == "an"
    filtered = click(slack, found, ids.HOME_STATUS, selected="opted out")
    assert rows(filtered) == ["Anna Bell"]  # the search is kept with the filter
    exact = search(slack, filtered, "ANN LEE")
    assert rows(exact) == []  # Ann Lee is found, but the opted-out filter is still on
    everyone = click(slack, exact, ids.HOME_STATUS, selected="")
    assert rows(everyone) == ["Ann Lee"]  # an exact name: not "Anna Bell"
    assert rows(search(slack, everyone, "415 555 0199")) == ["Ben Ode"]
    cleared = click(slack, everyone, ids.HOME_SEARCH, value="clear")
    assert rows(cleared) == ["Ann Lee", "Anna Bell", "Ben Ode"]
