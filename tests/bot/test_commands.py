"""Every `/sms` subcommand through Slack: signed requests over HTTP, answers via respond."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from consent.model import Status
from consent.services.context import Desk
from tests.bot import seed
from tests.bot.conftest import mount
from tests.bot.harness import GUEST, STAFF, Server, Slack, wait_until
from tests.fakes import FakeSlack
from tests.support import FixedClock

ANN = "+14155550100"
BEN = "+14155550123"
CY = "+14155550199"


def text_of(answer: dict[str, Any]) -> str:
    return str(answer.get("text", ""))


def contact_named(desk: Desk, name: str) -> list[int]:
    with desk.uow(write=False) as uow:
        return [c.id for c in uow.contacts.find(name)]


# -- ack ----------------------------------------------------------------------------------


def test_quick_work_is_answered_in_the_ack_itself(slack: Slack) -> None:
    response, name = slack.command("status")
    assert response.status_code == 200
    assert "opted in: 0" in text_of(response.json())
    assert slack.fake.responses_for(name) == []


def test_slow_work_is_acked_with_a_note_and_answered_through_respond(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    gate = threading.Event()
    real = desk.uow

    def slow_uow(*, write: bool = True) -> Any:
        assert gate.wait(10), "the database was never released"
        return real(write=write)

    slow = Desk(slow_uow, clock, desk.config)
    slack = mount(server, fake, slow, clock, answer_within=0.2)
    started = time.monotonic()
    response, name = slack.command("status")
    assert response.status_code == 200 and "Working on it" in text_of(response.json())
    assert time.monotonic() - started < 2.5
    assert fake.responses_for(name) == []
    gate.set()
    wait_until(lambda: fake.responses_for(name))
    assert "opted in: 0" in text_of(fake.responses_for(name)[0])


def test_answers_are_ephemeral(slack: Slack) -> None:
    answer = slack.ask("status")
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0]["type"] == "section"


# -- help and usage ----------------------------------------------------------------------


def test_help_lists_every_subcommand(slack: Slack) -> None:
    answer = slack.ask("help")
    for sub in (
        "link",
        "status",
        "send",
        "reply",
        "optout",
        "project",
        "schedule",
        "broadcast",
        "history",
        "help",
    ):
        assert f"/sms {sub}" in text_of(answer)
    assert "&lt;name or phone&gt;" in text_of(answer)  # usage placeholders escaped


def test_an_empty_command_shows_help(slack: Slack) -> None:
    assert "/sms link" in text_of(slack.ask(""))


def test_an_unknown_subcommand_gets_usage(slack: Slack) -> None:
    answer = slack.ask("frobnicate now")
    assert 'Unknown subcommand "frobnicate"' in text_of(answer)
    assert "Usage: /sms help" in text_of(answer)
    assert answer["response_type"] == "ephemeral"


def test_a_usage_error_is_answered_in_the_ack_and_changes_nothing(slack: Slack) -> None:
    response, _ = slack.command("link Ann --phone")
    assert response.status_code == 200
    assert "--phone needs a value" in response.json()["text"]
    assert contact_named(slack.desk, "Ann") == []


# -- link --------------------------------------------------------------------------------


def test_link_creates_the_contact_and_answers_with_a_link(slack: Slack) -> None:
    answer = slack.ask("link “Ann Lee” --phone (415) 555-0100 --email ann@example.com")
    assert "Questionnaire link for *Ann Lee* (new contact)" in text_of(answer)
    assert "http://localhost:8000/q/" in text_of(answer)
    [cid] = contact_named(slack.desk, "Ann Lee")
    assert seed.statuses(slack.desk, cid) == {ANN: "not subscribed"}


def test_link_for_a_known_contact_finds_it(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    answer = slack.ask('link "ann lee"')
    assert "new contact" not in text_of(answer)
    assert contact_named(slack.desk, "Ann Lee") == [cid]


def test_link_with_a_project_puts_the_contact_in_it(slack: Slack) -> None:
    pid = seed.project(slack.desk, "Kitchen Remodel")
    slack.ask('link Ann --project "Kitchen Remodel" --required')
    [cid] = contact_named(slack.desk, "Ann")
    assert seed.project_of(slack.desk, cid) == pid


def test_link_refuses_a_bad_number_and_creates_nobody(slack: Slack) -> None:
    answer = slack.ask("link Ann --phone 415 555 01")
    assert "too short" in text_of(answer) or "not a valid" in text_of(answer)
    assert contact_named(slack.desk, "Ann") == []


def test_link_refuses_an_unknown_project(slack: Slack) -> None:
    answer = slack.ask("link Ann --project Nope")
    assert 'There is no project called "Nope"' in text_of(answer)
    assert contact_named(slack.desk, "Ann") == []


def test_link_refuses_a_bad_email(slack: Slack) -> None:
    answer = slack.ask("link Ann --email not-an-email")
    assert "doesn't look like an email address" in text_of(answer)


# -- status and history ---------------------------------------------------------------


def test_status_alone_counts_by_status(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_out(slack.desk, "Ben", BEN)
    seed.pending(slack.desk, "Cy", phone=CY)
    text = text_of(slack.ask("status"))
    assert "opted in: 1\nopted out: 1\nnot subscribed: 1\npending: 1" in text


def test_status_of_a_contact_shows_numbers_and_events(slack: Slack) -> None:
    seed.opted_out(slack.desk, "Ann Lee", ANN)
    text = text_of(slack.ask("status Ann Lee"))
    assert "*Ann Lee*" in text
    assert "+1 415-555-0100: *opted out*" in text
    assert "*opted in* on the questionnaire" in text
    assert "*opted out* by staff" in text and "asked on the phone" in text


def test_status_by_phone_number_in_any_format(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN)
    assert "*Ann Lee*" in text_of(slack.ask("status (415) 555-0100"))
    assert "*Ann Lee*" in text_of(slack.ask("status <tel:+14155550100|415.555.0100>"))


def test_status_shows_pending(slack: Slack) -> None:
    seed.pending(slack.desk, "Cy", phone=CY)
    text = text_of(slack.ask("status Cy"))
    assert "*pending*" in text and "not subscribed" in text


def test_status_of_an_unknown_contact(slack: Slack) -> None:
    assert 'No contact called "Zed"' in text_of(slack.ask("status Zed"))


def test_a_name_matching_several_contacts_asks_which(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann Lee", ANN, email="ann@one.example")
    seed.opted_in(slack.desk, "Ann Lee", BEN, email="ann@two.example")
    text = text_of(slack.ask('send "Ann Lee" hi'))
    assert 'Several contacts match "Ann Lee"' in text
    assert "Which one?" in text
    assert "ann@one.example" in text and "ann@two.example" in text
    assert "+1 415-555-0123" in text


def test_history_shows_the_conversation(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("send Ann See you at 9 &amp; bring &lt;keys&gt;")  # as Slack escapes it
    text = text_of(slack.ask("history Ann"))
    assert "*Conversation*" in text and "*Consent history*" in text
    assert "See you at 9 &amp; bring &lt;keys&gt;" in text
    assert seed.outbound(slack.desk, cid)[0].body == "See you at 9 & bring <keys>"


# -- send and reply ------------------------------------------------------------------------


def test_send_to_an_opted_in_contact_queues_the_text(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    text = text_of(slack.ask('send "Ann Lee" See you at 9'))
    assert "Text to *Ann Lee* (+1 415-555-0100) queued" in text
    [message] = seed.outbound(slack.desk, cid)
    assert (message.body, message.author, message.e164) == ("See you at 9", STAFF, ANN)


def test_reply_by_number_queues_the_text(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    slack.ask("reply 415 555 0100 Thanks, got it")
    assert [m.body for m in seed.outbound(slack.desk, cid)] == ["Thanks, got it"]


def test_send_is_refused_unless_opted_in(slack: Slack) -> None:
    cid = seed.pending(slack.desk, "Cy", phone=CY)
    text = text_of(slack.ask("send Cy hello"))
    assert "Not sent: +14155550199 has not opted in" in text
    assert seed.outbound(slack.desk, cid) == []


def test_send_to_an_opted_out_contact_says_why(slack: Slack) -> None:
    cid = seed.opted_out(slack.desk, "Ben", BEN)
    text = text_of(slack.ask("send Ben hello"))
    assert "is opted out by a staff member" in text
    assert seed.outbound(slack.desk, cid) == []


def test_send_to_a_contact_without_a_number(slack: Slack) -> None:
    seed.pending(slack.desk, "Dee")
    assert "no phone number on file" in text_of(slack.ask("send Dee hello"))


def test_send_to_an_unknown_number(slack: Slack) -> None:
    assert "is not on file" in text_of(slack.ask("send +1 212 555 0100 hi"))


def test_send_refuses_an_overlong_text(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    assert "at most 1600 characters" in text_of(slack.ask("send Ann " + "x" * 1700))
    assert seed.outbound(slack.desk, cid) == []


# -- optout --------------------------------------------------------------------------------


def test_optout_records_who_and_why(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    text = text_of(slack.ask("optout Ann asked on the phone"))
    assert "Opted out *Ann*: +1 415-555-0100" in text
    assert seed.statuses(slack.desk, cid) == {ANN: "opted out"}
    with slack.desk.uow(write=False) as uow:
        event = uow.ledger.for_contact(cid)[-1]
    assert (event.actor, event.source, event.evidence["reason"]) == (
        STAFF,
        "staff",
        "asked on the phone",
    )


def test_optout_of_an_opted_out_number_says_so(slack: Slack) -> None:
    seed.opted_out(slack.desk, "Ben", BEN)
    assert "Already opted out: +1 415-555-0123" in text_of(slack.ask("optout Ben"))


def test_optout_of_an_unknown_contact(slack: Slack) -> None:
    assert 'No contact called "Zed"' in text_of(slack.ask("optout Zed"))


def test_no_command_can_opt_a_number_in(slack: Slack) -> None:
    cid = seed.opted_out(slack.desk, "Ben", BEN)
    for text in ("optin Ben", "start Ben", "status Ben --opt-in", "link Ben --phone 4155550123"):
        slack.ask(text)
    assert seed.statuses(slack.desk, cid) == {BEN: "opted out"}


# -- projects ------------------------------------------------------------------------------


def test_project_new_with_a_channel(slack: Slack) -> None:
    text = text_of(slack.ask('project new "Kitchen Remodel" <#C0KITCHEN|kitchen>'))
    assert "Project *Kitchen Remodel* created. Its texts go to <#C0KITCHEN>." in text
    text = text_of(slack.ask("project list"))
    assert "• Kitchen Remodel → <#C0KITCHEN>" in text


def test_project_new_refuses_a_duplicate(slack: Slack) -> None:
    seed.project(slack.desk, "Kitchen")
    assert 'A project called "kitchen" already exists' in text_of(slack.ask("project new kitchen"))


def test_project_list_when_there_are_none(slack: Slack) -> None:
    assert "No projects yet" in text_of(slack.ask("project list"))


def test_project_set_moves_a_contact(slack: Slack) -> None:
    pid = seed.project(slack.desk, "Kitchen Remodel")
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    text = text_of(slack.ask('project set "Ann Lee" Kitchen Remodel'))
    assert "*Ann Lee* is now in project *Kitchen Remodel*" in text
    assert seed.project_of(slack.desk, cid) == pid


def test_project_set_refuses_an_unknown_project(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    assert 'There is no project called "Nope"' in text_of(slack.ask("project set Ann Nope"))


# -- schedule ------------------------------------------------------------------------------


def sent_after(desk: Desk, cid: int) -> datetime | None:
    [message] = seed.outbound(desk, cid)
    return message.send_after


def test_schedule_reads_the_time_in_the_staff_members_zone(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    text = text_of(slack.ask("schedule Ann 2026-07-02 14:00 Reminder: we come tomorrow"))
    assert "scheduled for" in text and "2026-07-02 18:00 UTC" in text  # 14:00 New York
    assert sent_after(slack.desk, cid) == datetime(2026, 7, 2, 18, 0, tzinfo=UTC)
    assert slack.calls("users.info")[0].args["user"] == STAFF


def test_schedule_in_another_zone(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.ask("schedule Ann 2026-07-02 17:00 hi", user="ULONDON")
    assert sent_after(slack.desk, cid) == datetime(2026, 7, 2, 16, 0, tzinfo=UTC)


def test_schedule_falls_back_to_utc_and_says_so(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    text = text_of(slack.ask("schedule Ann 2026-07-02 17:00 hi", user="UNOTZ"))
    assert "time zone is unknown, so the time was read as UTC" in text
    assert sent_after(slack.desk, cid) == datetime(2026, 7, 2, 17, 0, tzinfo=UTC)


def test_schedule_in_quiet_hours_waits_until_08_00_local(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    # 06:00 in New York is 03:00 in Los Angeles, where the number is
    text = text_of(slack.ask("schedule Ann 2026-07-02 06:00 Early bird"))
    assert "Quiet hours" in text and "2026-07-02 15:00 UTC" in text
    assert "(08:00 in America/Los_Angeles)" in text
    assert sent_after(slack.desk, cid) == datetime(2026, 7, 2, 15, 0, tzinfo=UTC)


def test_schedule_refuses_the_past(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    assert "already passed" in text_of(slack.ask("schedule Ann 2020-01-01 10:00 hi"))
    assert seed.outbound(slack.desk, cid) == []


def test_schedule_refuses_a_number_that_never_opted_in(slack: Slack) -> None:
    seed.pending(slack.desk, "Cy", phone=CY)
    assert "has not opted in" in text_of(slack.ask("schedule Cy 2026-07-02 14:00 hi"))


# -- broadcast -----------------------------------------------------------------------------


def kitchen(desk: Desk) -> dict[str, int]:
    seed.project(desk, "Kitchen")
    return {
        "ann": seed.opted_in(desk, "Ann", ANN, project="Kitchen"),
        "ben": seed.opted_out(desk, "Ben", BEN, project="Kitchen"),
        "cy": seed.pending(desk, "Cy", phone=CY, project="Kitchen"),
    }


def test_broadcast_reports_sent_and_skipped_by_reason(slack: Slack) -> None:
    who = kitchen(slack.desk)
    text = text_of(slack.ask("broadcast Kitchen We start Monday at 8"))
    assert "Broadcast to project *Kitchen*: 1 queued." in text
    assert "Skipped 2 (not sent): not subscribed: 1, opted out: 1." in text
    assert [m.body for m in seed.outbound(slack.desk, who["ann"])] == ["We start Monday at 8"]
    assert seed.outbound(slack.desk, who["ben"]) == seed.outbound(slack.desk, who["cy"]) == []


def test_broadcast_in_quiet_hours_waits(slack: Slack, clock: FixedClock) -> None:
    who = kitchen(slack.desk)
    clock.at = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 23:00 in Los Angeles
    text = text_of(slack.ask("broadcast Kitchen Tomorrow we start"))
    assert "1 queued (1 waiting for quiet hours to end" in text
    assert sent_after(slack.desk, who["ann"]) == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)


def test_broadcast_to_an_unknown_project(slack: Slack) -> None:
    assert 'There is no project called "Nope"' in text_of(slack.ask("broadcast Nope hi"))


# -- staff -----------------------------------------------------------------------------------


def test_non_staff_are_refused_and_nothing_changes(slack: Slack) -> None:
    seed.project(slack.desk, "Kitchen")
    cid = seed.opted_in(slack.desk, "Ann", ANN, project="Kitchen")
    for text in (
        "send Ann hi",
        "reply Ann hi",
        "optout Ann",
        "schedule Ann 2026-07-02 14:00 hi",
        "broadcast Kitchen hi",
    ):
        assert "Only optdesk staff can do that" in text_of(slack.ask(text, user=GUEST))
    assert seed.outbound(slack.desk, cid) == []
    assert seed.statuses(slack.desk, cid) == {ANN: str(Status.OPTED_IN)}


def test_non_staff_may_still_look_and_issue_links(slack: Slack) -> None:
    seed.opted_in(slack.desk, "Ann", ANN)
    assert "*Ann*" in text_of(slack.ask("status Ann", user=GUEST))
    assert "Questionnaire link" in text_of(slack.ask("link Bo", user=GUEST))


def test_a_user_group_grants_staff(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mount(server, fake, desk, clock, staff=["S0STAFF"])
    cid = seed.opted_in(desk, "Ann", ANN)
    assert "queued" in text_of(slack.ask("send Ann hi", user="UGROUPIE"))
    assert "Only optdesk staff" in text_of(slack.ask("send Ann hi", user=STAFF))
    assert len(seed.outbound(desk, cid)) == 1
    assert fake.calls_to("usergroups.users.list")[0].args["usergroup"] == "S0STAFF"


def test_empty_staff_lets_everyone_send(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    slack = mount(server, fake, desk, clock, staff=[])
    seed.opted_in(desk, "Ann", ANN)
    assert "queued" in text_of(slack.ask("send Ann hi", user=GUEST))


# -- escaping --------------------------------------------------------------------------------


def test_hostile_names_are_escaped_in_answers(slack: Slack) -> None:
    answer = slack.ask('link "&lt;!channel&gt; &lt;@U999&gt; *boss* &amp; co"')
    text = text_of(answer)
    assert "<!channel>" not in text and "<@U999>" not in text
    assert "&lt;!channel&gt; &lt;@U999&gt;" in text and "&amp; co" in text
    blocks = str(answer["blocks"])
    assert "<!channel>" not in blocks and "<@U999>" not in blocks


def test_mentions_typed_into_a_name_never_ping(slack: Slack) -> None:
    text = text_of(slack.ask('link "<!channel> and <!here>"'))
    assert "<!channel>" not in text and "<!here>" not in text
    assert "@\u2060channel and @\u2060here" in text


def test_a_failure_after_the_ack_is_told_not_swallowed(
    server: Server, fake: FakeSlack, desk: Desk, clock: FixedClock
) -> None:
    def broken_uow(*, write: bool = True) -> Any:
        raise RuntimeError("database is down")

    slack = mount(server, fake, Desk(broken_uow, clock, desk.config), clock)
    answer = slack.ask("status")
    assert "Something went wrong on optdesk's side" in text_of(answer)
