"""Waiting texts, cancelling, renaming and finding by a name's start, through Slack:
signed requests to the Bolt app, answers as the fake Slack receives them."""

from __future__ import annotations

from typing import Any

from consent.records import InboundSms
from consent.services import inbound
from consent.services.context import Desk
from tests.bot import seed
from tests.bot.harness import GUEST, Slack

ANN = "+14155550100"
BEN = "+14155550123"
NEW = "+14155550111"


def text_of(answer: dict[str, Any]) -> str:
    return str(answer.get("text", ""))


def statuses_of(desk: Desk, contact_id: int) -> list[str]:
    return [m.status for m in seed.outbound(desk, contact_id)]


def texted_in(desk: Desk, phone: str, body: str = "hi, who is this?") -> None:
    inbound.handle_inbound(desk, InboundSms("SM" + phone[-10:] * 3 + "aa", phone, "+1500", body))


def kitchen(desk: Desk) -> tuple[int, int]:
    seed.project(desk, "Kitchen")
    return (
        seed.opted_in(desk, "Ann Lee", ANN, project="Kitchen"),
        seed.opted_in(desk, "Ben Ode", BEN, project="Kitchen"),
    )


# -- scheduled -----------------------------------------------------------------------------


def test_scheduled_lists_each_waiting_text_with_id_recipient_time_in_the_callers_zone(
    slack: Slack,
) -> None:
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    slack.ask('schedule "Ann Lee" 2026-07-02 14:00 Reminder: we come tomorrow at nine sharp')
    [message] = seed.outbound(slack.desk, cid)
    text = text_of(slack.ask("scheduled"))
    assert f"*t{message.id}*" in text and "*Ann Lee* (+1 415-555-0100)" in text
    assert "Thu 2026-07-02 14:00 America/New_York" in text  # the caller's clock
    assert "“Reminder: we come tomorrow at nine…”" in text
    london = text_of(slack.ask("scheduled", user="ULONDON"))
    assert "Thu 2026-07-02 19:00 Europe/London" in london


def test_a_broadcast_is_one_line_with_its_count(slack: Slack) -> None:
    kitchen(slack.desk)
    slack.ask("broadcast Kitchen We start Monday at 8")
    text = text_of(slack.ask("scheduled"))
    assert "broadcast to project *Kitchen* (2 texts)" in text
    assert text.count("• ") == 1 and "*b" in text


def test_scheduled_for_one_contact_and_for_nobody(slack: Slack) -> None:
    ann, _ben = kitchen(slack.desk)
    slack.ask("schedule Ben 2026-07-02 14:00 Ben only")
    slack.ask("broadcast Kitchen all of you")
    text = text_of(slack.ask("scheduled ann"))
    assert "all of you" in text and "Ben only" not in text
    assert text_of(slack.ask("scheduled", user=GUEST)).startswith("2 waiting")  # looking: open
    slack.ask(f"cancel t{seed.outbound(slack.desk, _ben)[0].id}")
    assert statuses_of(slack.desk, ann) == ["queued"]


def test_nothing_waiting_says_so(slack: Slack) -> None:
    assert text_of(slack.ask("scheduled")) == "No texts waiting to go out."


# -- cancel --------------------------------------------------------------------------------


def test_cancel_stops_a_scheduled_text_and_says_so(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("schedule Ann 2026-07-02 14:00 see you")
    [message] = seed.outbound(slack.desk, cid)
    text = text_of(slack.ask(f"cancel t{message.id}"))
    assert f"Cancelled *t{message.id}* to *Ann*: it will not go out." == text
    assert statuses_of(slack.desk, cid) == ["cancelled"]
    assert text_of(slack.ask("scheduled")) == "No texts waiting to go out."
    again = text_of(slack.ask(f"cancel t{message.id}"))
    assert again == f"t{message.id} was already cancelled."


def test_cancel_takes_a_broadcast_whole(slack: Slack) -> None:
    ann, ben = kitchen(slack.desk)
    slack.ask("broadcast Kitchen We start Monday at 8")
    first = min(m.id for m in seed.outbound(slack.desk, ann) + seed.outbound(slack.desk, ben))
    lone = text_of(slack.ask(f"cancel t{max(first, first + 1)}"))
    assert f"part of broadcast b{first}" in lone
    text = text_of(slack.ask(f"cancel b{first}"))
    assert f"Cancelled broadcast *b{first}* to project *Kitchen*: 2 texts" in text
    assert statuses_of(slack.desk, ann) == statuses_of(slack.desk, ben) == ["cancelled"]


def test_ids_of_one_kind_never_cancel_the_other(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("schedule Ann 2026-07-02 14:00 see you")
    [message] = seed.outbound(slack.desk, cid)
    text = text_of(slack.ask(f"cancel b{message.id}"))
    assert text == f"There is no broadcast b{message.id}: /sms scheduled lists the ids."
    assert statuses_of(slack.desk, cid) == ["queued"]
    assert "no waiting text t999" in text_of(slack.ask("cancel t999"))
    assert "ids look like t12 or b7" in text_of(slack.ask("cancel 12"))


def test_a_text_already_sent_cannot_be_cancelled(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("send Ann on my way")
    [message] = seed.outbound(slack.desk, cid)
    with slack.desk.uow() as uow:  # the dispatcher has claimed it
        uow.outbox.claim_due(slack.clock.now(), 10, slack.clock.now())
        uow.commit()
    text = text_of(slack.ask(f"cancel t{message.id}"))
    assert text.startswith(f"t{message.id} has already gone out")
    assert statuses_of(slack.desk, cid) == ["queued"]


def test_cancel_and_rename_are_for_staff_only(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("schedule Ann 2026-07-02 14:00 see you")
    [message] = seed.outbound(slack.desk, cid)
    for text in (f"cancel t{message.id}", "rename Ann Annie"):
        assert "Only optdesk staff can do that" in text_of(slack.ask(text, user=GUEST))
    assert statuses_of(slack.desk, cid) == ["queued"]
    assert "*Ann*" in text_of(slack.ask("status Ann"))


# -- rename --------------------------------------------------------------------------------


def test_rename_names_a_contact_that_texted_in_and_history_shows_it(slack: Slack) -> None:
    texted_in(slack.desk, NEW)
    text = text_of(slack.ask('rename 415 555 0111 "Cy Young"'))
    assert text.startswith("Renamed *+1 415-555-0111* to *Cy Young*.")
    history = text_of(slack.ask("history Cy Young"))
    assert "*Names*" in history and "renamed from *+1 415-555-0111* to *Cy Young*" in history
    assert "by <@USTAFF>" in history and "hi, who is this?" in history


def test_rename_refuses_a_name_another_contact_has(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN, email="ann@example.com")
    texted_in(slack.desk, NEW)
    text = text_of(slack.ask("rename +14155550111 ann lee"))
    assert 'Another contact is already called "ann lee"' in text
    assert "ann@example.com" in text
    assert "+1 415-555-0111" in text_of(slack.ask("status +14155550111"))


def test_rename_refuses_a_name_that_looks_like_a_number(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    assert "looks like a phone number" in text_of(slack.ask("rename Ann 415 555 0100"))
    assert "Usage: /sms rename" in text_of(slack.ask("rename Ann"))


# -- finding by a name's start --------------------------------------------------------------


def test_a_unique_start_of_a_name_finds_the_contact(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN)
    seed.opted_in(slack.desk, "Ben Ode", BEN)
    assert "*Ann Lee*" in text_of(slack.ask("status ann"))
    assert "Text to *Ann Lee*" in text_of(slack.ask("send ann see you"))


def test_an_exact_name_wins_over_a_longer_one_starting_the_same(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_in(slack.desk, "Ann Lee", BEN)
    assert "+1 415-555-0100" in text_of(slack.ask("status ann"))


def test_a_start_shared_by_several_lists_them(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN)
    seed.opted_in(slack.desk, "Anna Bell", BEN)
    text = text_of(slack.ask("send an hello"))
    assert 'Several contacts match "an"' in text and "Ann Lee" in text and "Anna Bell" in text
    assert "No contact called" in text_of(slack.ask("status zed"))


def test_help_and_the_manifest_list_the_new_subcommands(slack: Slack) -> None:
    from tests.bot.test_manifest import manifest

    text = text_of(slack.ask("help"))
    for usage in ("/sms scheduled [who]", "/sms cancel &lt;id&gt;", "/sms rename &lt;who&gt;"):
        assert usage in text
    [command] = manifest()["features"]["slash_commands"]
    for sub in ("scheduled", "cancel", "rename"):
        assert sub in command["usage_hint"]
    assert "waiting texts and renames" in command["description"]
    assert "Usage: /sms cancel <id>" in text_of(slack.ask("help cancel")).replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
