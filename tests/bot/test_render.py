"""Answers in both forms, built from the same results; hostile text stays inert in mrkdwn."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import render
from bot.commands import UsageError
from bot.fmt import MRKDWN, PLAIN, escape_mrkdwn, sections
from bot.home_view import home_view
from bot.notes import note_blocks, note_text
from consent.errors import Ambiguous
from consent.model import Contact, NumberState, Project, Source, Status
from consent.notes import note_from_payload
from consent.records import Direction, Message
from consent.services.home import HomeFilter, HomePage, HomeRow
from consent.services.queries import ContactView, Counts

HOSTILE = "<!channel> <@U123|boss> <https://evil.example|click> & @here *bold*"
AT = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a & b", "a &amp; b"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://x.example|x>", "&lt;https://x.example|x&gt;"),
        ("&lt;", "&amp;lt;"),
        ("@channel hi", "@\u2060channel hi"),
        ("@HERE", "@\u2060HERE"),
        ("@everyone!", "@\u2060everyone!"),
        ("mail@here.com", "mail@here.com"),  # a word, not a broadcast
        ("bell\x07 and \u202eevil", "bell and evil"),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_plain_text_keeps_what_people_typed_but_drops_control_characters() -> None:
    assert PLAIN.esc(HOSTILE) == HOSTILE
    assert PLAIN.esc("a\x1b[31mred") == "a[31mred"


def view(name: str = HOSTILE) -> ContactView:
    contact = Contact(7, name, "x@example.com")
    number = NumberState(1, "+14155550100", 7, Status.OPTED_OUT, AT, Source.SMS_KEYWORD, True)
    inbound = Message(
        1,
        Direction.INBOUND,
        7,
        "+14155550100",
        "STOP <!here>",
        "inbound",
        "received",
        AT,
        media=("https://m.example/1",),
    )
    outbound = Message(
        2,
        Direction.OUTBOUND,
        7,
        "+14155550100",
        "hi & bye",
        "manual",
        "refused",
        AT,
        author="USTAFF",
        error="is opted out",
    )
    return ContactView(contact, [number], True, [], [inbound, outbound], "Kitchen <b>")


def test_status_in_both_forms() -> None:
    reply = render.status_reply(view())
    assert reply.plain.startswith(HOSTILE)
    assert "blocked at the carrier until they text START" in reply.plain
    assert "2026-07-01 16:00 UTC" in reply.plain and "<!date" not in reply.plain
    assert "*" not in reply.plain.replace("*bold*", "")
    assert "<!channel>" not in reply.text and "&lt;!channel&gt;" in reply.text
    assert "<!date^1782921600^" in reply.text  # Slack shows times in the reader's zone
    assert "project Kitchen &lt;b&gt;" in reply.text


def test_history_escapes_bodies_and_shows_delivery() -> None:
    reply = render.history_reply(view("Ann"))
    assert ">STOP &lt;!here&gt;" in reply.text
    assert "(+1 attachment)" in reply.text
    assert "by <@USTAFF> · refused: is opted out" in reply.text
    assert "  | hi & bye" in reply.plain


def test_counts_in_the_spec_order() -> None:
    counts = Counts({Status.OPTED_OUT: 2, Status.OPTED_IN: 5}, 1)
    assert render.counts_reply(counts).plain == (
        "opted in: 5\nopted out: 2\nnot subscribed: 0\npending: 1"
    )


def test_ambiguous_names_list_the_choices() -> None:
    err = Ambiguous('Several contacts match "Ann".', ["Ann (a@x.com)", "Ann <b@x.com>"])
    reply = render.error_reply(err)
    assert not reply.ok
    assert "• Ann &lt;b@x.com&gt;" in reply.text and "• Ann <b@x.com>" in reply.plain


def test_usage_errors_show_the_usage_line() -> None:
    reply = render.usage_reply(UsageError("Say who.", "/sms send <name or phone> <text>"))
    assert reply.plain == "Say who.\n\nUsage: /sms send <name or phone> <text>"
    assert "&lt;name or phone&gt;" in reply.text and not reply.ok


def test_long_answers_are_split_into_sections_under_slacks_limit() -> None:
    blocks = sections(["x" * 2500, "y" * 2500, "z" * 7000])
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert "".join(b["text"]["text"] for b in blocks).count("z") == 7000


def test_home_view_stays_within_slacks_limits() -> None:
    rows = [
        HomeRow(
            Contact(n, f"{HOSTILE} {n}", None, 1),
            [NumberState(n, f"+1415555{n:04d}", n, Status.OPTED_IN)],
            n % 2 == 0,
            None,
            "P",
        )
        for n in range(20)
    ]
    projects = [Project(n, f"Project {n}") for n in range(1, 300)]
    page = HomePage(Counts({}, 0), rows, HomeFilter(page=2), True, 500, projects)
    home = home_view(page, notice="Done & dusted")
    assert len(home["blocks"]) <= 100
    assert "<!channel>" not in str(home["blocks"])
    for block in home["blocks"]:
        for element in block.get("elements", []):
            assert len(element.get("options", [])) <= 100
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75
    nav = home["blocks"][-1]
    assert [e["value"] for e in nav["elements"]] == ["1", "3"]


def test_notes_have_a_plain_form_for_logs() -> None:
    note = {
        "type": "delivery",
        "contact_id": 7,
        "phone": "+14155550100",
        "status": "delivered",
        "error": "",
        "body": "hi <there>",
    }
    assert (
        note_text(note_from_payload(note), plain_text=True)
        == ":white_check_mark: Delivered to +1 415-555-0100.\n  | hi <there>"
    )
    assert "hi &lt;there&gt;" in note_text(note_from_payload(note))


def test_an_unknown_note_type_still_renders() -> None:
    blocks = note_blocks(note_from_payload({"type": "<weird>"}), top_level=True)
    assert blocks and "&lt;weird&gt;" in str(blocks)


def test_formats_share_the_same_words() -> None:
    for f in (PLAIN, MRKDWN):
        assert f.when(None) == "—"
        assert f.actor(None) == "—"
    assert MRKDWN.actor("USTAFF") == "<@USTAFF>" and PLAIN.actor("USTAFF") == "USTAFF"
    assert MRKDWN.actor("client 1.2.3.4 <evil>") == "client 1.2.3.4 &lt;evil&gt;"
