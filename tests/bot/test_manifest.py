"""manifest.yml is a valid Slack app manifest and matches what the code registers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.app import create_bolt_app, register_listeners
from bot.context import BotContext
from bot.handler import PATH
from bot.home import HomePublisher
from bot.staff import StaffPolicy
from bot.staff_gate import is_staff_only
from consent.services.context import Desk

ROOT = Path(__file__).resolve().parents[2]
# Slack's published schema (github.com/slackapi/manifest-schema, MIT), kept beside this test
# with its licence so the test runs anywhere.
SCHEMA = Path(__file__).with_name("slack-manifest.schema.1.0.0.json")


def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_manifest_is_valid_against_slacks_schema() -> None:
    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_a_broken_manifest_would_fail() -> None:
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "sms"  # must start with /
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(SCHEMA.read_text(encoding="utf-8")))


class Recorder:
    """Stands in for AsyncApp: records what each listener registers, by kind and name."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = defaultdict(list)
        self.listeners: dict[tuple[str, str], Any] = {}

    def __getattr__(self, kind: str) -> Any:
        def register(name: str, *args: Any, **kwargs: Any) -> Any:
            self.seen[kind].append(name)

            def keep(listener: Any) -> Any:
                self.listeners[kind, name] = listener
                return listener

            return keep

        return register


def recorded(desk: Desk) -> Recorder:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    app = Recorder()
    ctx = BotContext(desk, client, StaffPolicy(client, []), HomePublisher(desk, client), "confirm")
    register_listeners(app, ctx)  # type: ignore[arg-type]
    return app


def test_commands_and_events_equal_what_the_app_registers(desk: Desk) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    app = recorded(desk)
    data = manifest()
    commands = [c["command"] for c in data["features"]["slash_commands"]]
    assert app.seen["command"] == commands == list(ids.COMMANDS)
    events = data["settings"]["event_subscriptions"]["bot_events"]
    assert tuple(events) == ids.BOT_EVENTS
    assert sorted(app.seen["event"]) == sorted({e.split(".")[0] for e in events})
    assert sorted(app.seen["action"]) == sorted(ids.ALL_ACTIONS)
    assert sorted(app.seen["view"]) == sorted([ids.SEND_MODAL, ids.MOVE_MODAL])
    assert create_bolt_app(desk, client=client, signing_secret="s") is not None


def test_the_listeners_decorated_staff_only_are_exactly_the_listed_ones(desk: Desk) -> None:
    """SPEC §4: `@staff_only` is the one way a listener is limited to OPTDESK_STAFF, and
    what it limits is exactly the list by name in bot.ids."""
    app = recorded(desk)
    limited = {key for key, listener in app.listeners.items() if is_staff_only(listener)}
    assert limited == {("action", name) for name in ids.STAFF_ACTIONS} | {
        ("view", name) for name in ids.STAFF_VIEWS
    }


def test_every_url_is_the_slack_events_endpoint() -> None:
    data = manifest()
    urls = [c["url"] for c in data["features"]["slash_commands"]]
    urls += [
        data["settings"]["event_subscriptions"]["request_url"],
        data["settings"]["interactivity"]["request_url"],
    ]
    assert urls == [f"https://optdesk.example.com{PATH}"] * 3
    assert "OPTDESK_PUBLIC_URL" in (ROOT / "manifest.yml").read_text(encoding="utf-8")


def test_the_app_home_and_interactivity_are_on() -> None:
    data = manifest()
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    command = data["features"]["slash_commands"][0]
    assert command["description"] and command["usage_hint"]
    assert command["should_escape"] is True  # channels arrive as <#C..|name>


def test_only_the_scopes_the_code_uses() -> None:
    assert tuple(manifest()["oauth_config"]["scopes"]["bot"]) == ids.BOT_SCOPES
