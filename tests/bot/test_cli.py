"""`optdesk sms ...`: the same grammar, plain-text answers, acting as local staff."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.cli import join_args, run_cli_reply
from consent.services.context import Desk
from tests.bot import seed

ANN = "+14155550100"
NY = ZoneInfo("America/New_York")


def run(desk: Desk, text: str) -> str:
    return run_cli_reply(desk, text, tz=NY).plain


def test_link_from_a_terminal(desk: Desk) -> None:
    out = run(desk, 'link "Ann Lee" --phone 415 555 0100 --email ann@example.com')
    assert out.startswith("Questionnaire link for Ann Lee (new contact):")
    assert "http://localhost:8000/q/" in out
    assert "*" not in out and "<!date" not in out


def test_status_counts_and_one_contact(desk: Desk) -> None:
    seed.opted_in(desk, "Ann Lee", ANN)
    assert run(desk, "status") == "opted in: 1\nopted out: 0\nnot subscribed: 0\npending: 0"
    out = run(desk, "status 415-555-0100")
    assert "Ann Lee · no project" in out and "+1 415-555-0100: opted in" in out


def test_send_acts_as_local_staff(desk: Desk) -> None:
    cid = seed.opted_in(desk, "Ann", ANN)
    out = run_cli_reply(desk, "send Ann Tom & Jerry <3", actor="cli:alice").plain
    assert "Text to Ann (+1 415-555-0100) queued" in out
    [message] = seed.outbound(desk, cid)
    assert (message.body, message.author) == ("Tom & Jerry <3", "cli:alice")


def test_refusals_are_plain_and_not_ok(desk: Desk) -> None:
    seed.opted_out(desk, "Ben", "+14155550123")
    reply = run_cli_reply(desk, "send Ben hi")
    assert not reply.ok and reply.plain.startswith("Not sent: +14155550123 is opted out")


def test_optout_project_history_and_broadcast(desk: Desk) -> None:
    run(desk, "project new Kitchen #C0KITCHEN1")
    assert "Kitchen → C0KITCHEN1" in run(desk, "project list")
    seed.opted_in(desk, "Ann", ANN)
    assert run(desk, "project set Ann Kitchen") == "Ann is now in project Kitchen."
    assert run(desk, "broadcast Kitchen hello all").startswith(
        "Broadcast to project Kitchen: 1 queued, none skipped."
    )
    assert "Opted out Ann" in run(desk, "optout Ann by phone")
    out = run(desk, "history Ann")
    assert "Conversation" in out and "hello all" in out and "by phone" in out


def test_schedule_reads_the_terminals_zone(desk: Desk) -> None:
    seed.opted_in(desk, "Ann", ANN)
    out = run(desk, "schedule Ann 2026-07-02 14:00 reminder")
    assert "scheduled for 2026-07-02 18:00 UTC" in out


def test_usage_and_unknown_subcommands(desk: Desk) -> None:
    reply = run_cli_reply(desk, "frob")
    assert not reply.ok and 'Unknown subcommand "frob"' in reply.plain
    assert "Usage: /sms help" in reply.plain
    assert "/sms link <name>" in run(desk, "help")


def test_angle_brackets_typed_in_a_terminal_stay_literal(desk: Desk) -> None:
    out = run(desk, 'link "<!channel> & co"')
    assert "Questionnaire link for <!channel> & co" in out


def test_join_args_requotes_what_the_shell_split() -> None:
    assert join_args(["link", "Ann Lee", "--phone", "415 555 0100"]) == (
        'link "Ann Lee" --phone "415 555 0100"'
    )
    assert join_args(["send", "Ann", 'say "hi" now']) == 'send Ann “say "hi" now”'
    assert join_args(["status", ""]) == 'status ""'


def test_scheduled_cancel_and_rename_from_a_terminal(desk: Desk) -> None:
    cid = seed.opted_in(desk, "Ann Lee", ANN)
    run_cli_reply(desk, "schedule ann 2026-07-02 14:00 see you at nine", tz=NY)
    [message] = seed.outbound(desk, cid)
    listed = run(desk, "scheduled")
    assert f"t{message.id} · Ann Lee (+1 415-555-0100) · Thu 2026-07-02 14:00" in listed
    assert "*" not in listed
    assert (
        run(desk, f"cancel t{message.id}")
        == f"Cancelled t{message.id} to Ann Lee: it will not go out."
    )
    refused = run_cli_reply(desk, f"cancel t{message.id}")
    assert not refused.ok and refused.plain == f"t{message.id} was already cancelled."
    assert run(desk, 'rename ann "Ann Leigh"').startswith("Renamed Ann Lee to Ann Leigh.")
    assert "renamed from Ann Lee to Ann Leigh by cli" in run(desk, "history Ann Leigh")
