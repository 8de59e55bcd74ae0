"""Run a parsed `/sms` command against the desk and answer in both forms. Pure, sync.

Slack calls this in a worker thread (after the ack); the CLI calls it directly. The
caller has already decided who is asking: staff or not, and their time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot import commands as c
from bot import render, render_waiting
from bot.fmt import Reply
from consent.errors import ConsentError, InvalidInput
from consent.services import links, projects, queries, renames, staff, waiting
from consent.services.context import Desk


@dataclass(frozen=True)
class Caller:
    """Who runs a command: an actor id for the ledger, staff or not, and a time zone."""

    actor: str
    staff: bool
    tz: tzinfo = UTC
    tz_note: str | None = None  # said with a schedule when the zone was a guess


def to_utc(local: datetime, tz: tzinfo) -> datetime:
    """A wall-clock time in `tz` as an aware UTC datetime."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def execute(desk: Desk, cmd: c.Command, caller: Caller) -> Reply:
    """Do what the command says; refusals and lookup problems come back as answers."""
    if c.needs_staff(cmd) and not caller.staff:
        return render.not_staff_reply()
    try:
        return _HANDLERS[type(cmd)](desk, cmd, caller)
    except ConsentError as err:
        return render.error_reply(err)


def _link(desk: Desk, cmd: c.Link, caller: Caller) -> Reply:
    issued = links.issue_link(
        desk,
        cmd.name,
        actor=caller.actor,
        email=cmd.email,
        phone=cmd.phone,
        project=cmd.project,
        required=cmd.required,
        language=cmd.language,
    )
    return render.link_reply(issued)


def _status(desk: Desk, cmd: c.Status, caller: Caller) -> Reply:
    if cmd.who is None:
        return render.counts_reply(queries.counts(desk))
    return render.status_reply(queries.contact_view(desk, cmd.who))


def _history(desk: Desk, cmd: c.History, caller: Caller) -> Reply:
    return render.history_reply(queries.contact_view(desk, cmd.who))


def _send(desk: Desk, cmd: c.Send, caller: Caller) -> Reply:
    return render.queued_reply(staff.send_text(desk, cmd.who, cmd.text, actor=caller.actor))


def _optout(desk: Desk, cmd: c.OptOut, caller: Caller) -> Reply:
    result = staff.opt_out_by_staff(desk, cmd.who, cmd.reason, actor=caller.actor)
    return render.opted_out_reply(result)


def _project_new(desk: Desk, cmd: c.ProjectNew, caller: Caller) -> Reply:
    return render.project_created_reply(projects.new_project(desk, cmd.name, cmd.channel_id))


def _project_list(desk: Desk, cmd: c.ProjectList, caller: Caller) -> Reply:
    return render.projects_reply(projects.list_projects(desk))


def _project_set(desk: Desk, cmd: c.ProjectSet, caller: Caller) -> Reply:
    contact, project = projects.set_project(desk, cmd.who, cmd.project)
    return render.project_set_reply(contact.name, project.name)


def _schedule(desk: Desk, cmd: c.Schedule, caller: Caller) -> Reply:
    try:
        at = to_utc(cmd.at, caller.tz)
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
        when = cmd.at.isoformat(" ", "minutes")
        raise InvalidInput(f"{when} is out of range: pick a time in the coming years.") from None
    queued = staff.schedule_text(desk, cmd.who, at, cmd.text, actor=caller.actor)
    answer = render.queued_reply(queued, scheduled_for=at)
    if caller.tz_note:
        note = render.note_reply(caller.tz_note)
        return Reply(
            f"{answer.plain}\n\n{note.plain}",
            f"{answer.text}\n\n{note.text}",
            answer.blocks + note.blocks,
        )
    return answer


def _broadcast(desk: Desk, cmd: c.Broadcast, caller: Caller) -> Reply:
    return render.broadcast_reply(staff.broadcast(desk, cmd.project, cmd.text, actor=caller.actor))


def _scheduled(desk: Desk, cmd: c.Scheduled, caller: Caller) -> Reply:
    found = waiting.scheduled(desk, cmd.who)
    return render_waiting.scheduled_reply(found, caller.tz, cmd.who)


def _cancel(desk: Desk, cmd: c.Cancel, caller: Caller) -> Reply:
    return render_waiting.cancelled_reply(waiting.cancel(desk, cmd.id, actor=caller.actor))


def _rename(desk: Desk, cmd: c.Rename, caller: Caller) -> Reply:
    done = renames.rename_contact(desk, cmd.who, cmd.name, actor=caller.actor)
    return render_waiting.renamed_reply(done)


def _help(desk: Desk, cmd: c.Help, caller: Caller) -> Reply:
    return render.help_reply(cmd.topic)


_HANDLERS: dict[type, Callable[[Desk, Any, Caller], Reply]] = {
    c.Link: _link,
    c.Status: _status,
    c.History: _history,
    c.Send: _send,
    c.OptOut: _optout,
    c.ProjectNew: _project_new,
    c.ProjectList: _project_list,
    c.ProjectSet: _project_set,
    c.Schedule: _schedule,
    c.Broadcast: _broadcast,
    c.Scheduled: _scheduled,
    c.Cancel: _cancel,
    c.Rename: _rename,
    c.Help: _help,
}
