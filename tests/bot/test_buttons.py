"""Contact buttons and their modals: view, send (refusals as field errors), move, opt out."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from bot.home_view import filter_metadata
from consent.services.home import HomeFilter
from tests.bot import seed
from tests.bot.harness import GUEST, Slack, as_dict, texts, wait_until

ANN, BEN = "+14155550100", "+14155550123"
HOME = filter_metadata(HomeFilter())


def opened_modal(slack: Slack, before: int = 0) -> dict[str, Any]:
    calls = wait_until(lambda: slack.calls("views.open")[before:])
    assert calls[-1].args["trigger_id"].endswith(".trigger")
    return as_dict(calls[-1].args["view"])


def answer(slack: Slack, name: str) -> dict[str, Any]:
    wait_until(lambda: slack.fake.responses_for(name))
    return slack.fake.responses_for(name)[-1]


def home_notice(slack: Slack, before: int) -> str:
    calls = wait_until(lambda: slack.calls("views.publish")[before:])
    return texts(as_dict(calls[-1].args["view"]))


def send_values(text: str) -> dict[str, Any]:
    return {ids.SEND_BLOCK: {ids.SEND_INPUT: {"type": "plain_text_input", "value": text}}}


# -- view --------------------------------------------------------------------------------


def test_view_opens_the_conversation_and_consent_history(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann Lee", ANN)
    slack.ask('send "Ann Lee" Hello &amp; welcome')
    response, _ = slack.action(ids.VIEW, str(cid))
    assert response.status_code == 200
    modal = opened_modal(slack)
    assert modal["type"] == "modal" and modal["callback_id"] == ids.VIEW_MODAL
    blob = texts(modal)
    assert "*Conversation*" in blob and "Hello &amp; welcome" in blob
    assert "*Consent history*" in blob and "on the questionnaire" in blob


def test_view_from_the_home_tab(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.action(ids.VIEW, str(cid), home_metadata=HOME)
    assert "*Ann*" in texts(opened_modal(slack))


def test_view_of_a_contact_that_is_gone(slack: Slack) -> None:
    _, name = slack.action(ids.VIEW, "999")
    assert "no longer on file" in answer(slack, name)["text"]
    assert slack.calls("views.open") == []


# -- send ----------------------------------------------------------------------------------


def test_send_opens_a_modal_with_a_text_box(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.action(ids.SEND, str(cid))
    modal = opened_modal(slack)
    assert modal["callback_id"] == ids.SEND_MODAL
    assert json.loads(modal["private_metadata"]) == {"c": cid}
    [field] = [b for b in modal["blocks"] if b.get("block_id") == ids.SEND_BLOCK]
    assert field["element"]["max_length"] == 1600


def test_the_send_modal_warns_when_nobody_opted_in(slack: Slack) -> None:
    cid = seed.pending(slack.desk, "Cy", phone="+14155550199")
    slack.action(ids.SEND, str(cid))
    assert "the text will be refused" in texts(opened_modal(slack))


def test_submitting_the_send_modal_queues_the_text(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    response = slack.submit(ids.SEND_MODAL, send_values("On my way"), json.dumps({"c": cid}))
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "update"
    assert "queued" in texts(body["view"])
    assert [m.body for m in seed.outbound(slack.desk, cid)] == ["On my way"]


def test_a_refused_text_shows_as_a_modal_error(slack: Slack) -> None:
    cid = seed.opted_out(slack.desk, "Ben", BEN)
    response = slack.submit(ids.SEND_MODAL, send_values("hello?"), json.dumps({"c": cid}))
    body = response.json()
    assert body["response_action"] == "errors"
    assert "is opted out" in body["errors"][ids.SEND_BLOCK]
    assert seed.outbound(slack.desk, cid) == []


def test_an_empty_text_shows_as_a_modal_error(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    body = slack.submit(ids.SEND_MODAL, send_values("   "), json.dumps({"c": cid})).json()
    assert body["errors"][ids.SEND_BLOCK] == "There is no text to send."


def test_a_modal_that_lost_its_contact_says_so(slack: Slack) -> None:
    body = slack.submit(ids.SEND_MODAL, send_values("hi"), "garbage").json()
    assert "open it again" in body["errors"][ids.SEND_BLOCK]


def test_non_staff_can_neither_open_nor_submit_send(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    _, name = slack.action(ids.SEND, str(cid), user=GUEST)
    assert "Only optdesk staff" in answer(slack, name)["text"]
    assert answer(slack, name)["response_type"] == "ephemeral"
    body = slack.submit(
        ids.SEND_MODAL, send_values("hi"), json.dumps({"c": cid}), user=GUEST
    ).json()
    assert "Only optdesk staff" in body["errors"][ids.SEND_BLOCK]
    assert seed.outbound(slack.desk, cid) == []
    assert slack.calls("views.open") == []


# -- move to project -------------------------------------------------------------------------


def test_move_from_the_home_tab_select(slack: Slack) -> None:
    pid = seed.project(slack.desk, "Kitchen")
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    before = len(slack.calls("views.publish"))
    slack.action(ids.MOVE, selected=f"{cid}:{pid}", home_metadata=HOME)
    assert "Ann is now in project Kitchen" in home_notice(slack, before)
    assert seed.project_of(slack.desk, cid) == pid
    slack.action(ids.MOVE, selected=f"{cid}:", home_metadata=HOME)
    wait_until(lambda: seed.project_of(slack.desk, cid) is None)


def test_move_with_a_bad_choice_changes_nothing(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    before = len(slack.calls("views.publish"))
    slack.action(ids.MOVE, selected=f"{cid}:777", home_metadata=HOME)
    assert "That project is no longer on file" in home_notice(slack, before)
    assert seed.project_of(slack.desk, cid) is None


def test_move_from_a_note_opens_a_project_picker(slack: Slack) -> None:
    pid = seed.project(slack.desk, "Kitchen")
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.action(ids.MOVE_PICK, str(cid))
    modal = opened_modal(slack)
    assert modal["callback_id"] == ids.MOVE_MODAL
    [field] = [b for b in modal["blocks"] if b.get("block_id") == ids.MOVE_BLOCK]
    assert [o["text"]["text"] for o in field["element"]["options"]] == ["No project", "Kitchen"]
    values = {
        ids.MOVE_BLOCK: {
            ids.MOVE_INPUT: {"type": "static_select", "selected_option": {"value": str(pid)}}
        }
    }
    response = slack.submit(ids.MOVE_MODAL, values, modal["private_metadata"])
    assert response.status_code == 200 and response.content == b""
    assert seed.project_of(slack.desk, cid) == pid


# -- opt out -------------------------------------------------------------------------------


def test_opt_out_from_a_note_answers_ephemerally(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    _, name = slack.action(ids.OPT_OUT, str(cid))
    reply = answer(slack, name)
    assert "Opted out *Ann*: +1 415-555-0100" in reply["text"]
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert seed.statuses(slack.desk, cid) == {ANN: "opted out"}
    with slack.desk.uow(write=False) as uow:
        event = uow.ledger.for_contact(cid)[-1]
    assert event.actor == "USTAFF" and "Opt out button" in event.evidence["reason"]


def test_opt_out_from_the_home_tab_republishes_it(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    before = len(slack.calls("views.publish"))
    slack.action(ids.OPT_OUT, str(cid), home_metadata=HOME)
    blob = home_notice(slack, before)
    assert "Opted out *Ann*" in blob and "+1 415-555-0100: opted out" in blob


def test_opt_out_covers_every_number_of_the_contact(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_in(slack.desk, "Ann", BEN)  # a second number, same contact
    _, name = slack.action(ids.OPT_OUT, str(cid))
    answer(slack, name)
    assert seed.statuses(slack.desk, cid) == {ANN: "opted out", BEN: "opted out"}


def test_opt_out_by_non_staff_is_refused(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    _, name = slack.action(ids.OPT_OUT, str(cid), user=GUEST)
    assert "Only optdesk staff" in answer(slack, name)["text"]
    assert seed.statuses(slack.desk, cid) == {ANN: "opted in"}


def test_opt_out_of_one_flagged_number(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    seed.opted_in(slack.desk, "Ann", BEN)
    _, name = slack.action(ids.OPT_OUT_NUMBER, f"{cid}:{BEN}")
    assert "Opted out *Ann*: +1 415-555-0123" in answer(slack, name)["text"]
    assert seed.statuses(slack.desk, cid) == {ANN: "opted in", BEN: "opted out"}


def test_a_button_without_a_contact_changes_nothing(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    _, name = slack.action(ids.OPT_OUT, "not-a-contact")
    assert "doesn't name a contact" in answer(slack, name)["text"]
    assert seed.statuses(slack.desk, cid) == {ANN: "opted in"}


def test_the_move_modal_refuses_a_bad_choice(slack: Slack) -> None:
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    values = {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": "x1"}}}}
    body = slack.submit(ids.MOVE_MODAL, values, json.dumps({"c": cid})).json()
    assert body["errors"][ids.MOVE_BLOCK] == "Pick a project from the list."
    values = {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": "424242"}}}}
    body = slack.submit(ids.MOVE_MODAL, values, json.dumps({"c": cid})).json()
    assert "no longer on file" in body["errors"][ids.MOVE_BLOCK]
    assert seed.project_of(slack.desk, cid) is None


def test_moving_in_a_modal_refreshes_the_movers_home_tab(slack: Slack) -> None:
    pid = seed.project(slack.desk, "Kitchen")
    cid = seed.opted_in(slack.desk, "Ann", ANN)
    slack.event({"type": "app_home_opened", "user": "USTAFF", "tab": "home"})
    wait_until(lambda: slack.calls("views.publish"))
    values = {ids.MOVE_BLOCK: {ids.MOVE_INPUT: {"selected_option": {"value": str(pid)}}}}
    slack.submit(ids.MOVE_MODAL, values, json.dumps({"c": cid}))
    calls = wait_until(lambda: slack.calls("views.publish")[1:])
    assert "project Kitchen" in texts(as_dict(calls[-1].args["view"]))
