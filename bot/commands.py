"""The `/sms` subcommands as typed dataclasses, with their usage lines. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from consent.language import Language


@dataclass(frozen=True)
class Link:
    name: str
    email: str | None = None
    phone: str | None = None
    project: str | None = None
    required: bool = False
    language: Language | None = None  # the contact's from now on; None: the browser's


@dataclass(frozen=True)
class Status:
    who: str | None = None


@dataclass(frozen=True)
class Send:
    who: str
    text: str
    reply: bool = False  # typed as `/sms reply`


@dataclass(frozen=True)
class OptOut:
    who: str
    reason: str = ""


@dataclass(frozen=True)
class ProjectNew:
    name: str
    channel_id: str | None = None


@dataclass(frozen=True)
class ProjectList:
    pass


@dataclass(frozen=True)
class ProjectSet:
    who: str
    project: str


@dataclass(frozen=True)
class Schedule:
    who: str
    at: datetime  # naive: the wall-clock time in the staff member's time zone
    text: str


@dataclass(frozen=True)
class Broadcast:
    project: str
    text: str


@dataclass(frozen=True)
class History:
    who: str


@dataclass(frozen=True)
class Scheduled:
    who: str | None = None


@dataclass(frozen=True)
class Cancel:
    id: str


@dataclass(frozen=True)
class Rename:
    who: str
    name: str


@dataclass(frozen=True)
class Help:
    topic: str | None = None


Command = (
    Link
    | Status
    | Send
    | OptOut
    | ProjectNew
    | ProjectList
    | ProjectSet
    | Schedule
    | Broadcast
    | History
    | Scheduled
    | Cancel
    | Rename
    | Help
)

# OPTDESK_STAFF (SPEC §4) limits every command that texts someone or changes a contact,
# a project or consent; looking and issuing links stay open. By class name, so commands
# added later fall under it by their name; a command in neither list needs staff too.
STAFF_ONLY = frozenset(
    {"Send", "OptOut", "Schedule", "Cancel", "Broadcast", "Rename", "ProjectNew", "ProjectSet"}
)
OPEN_TO_ALL = frozenset({"Link", "Status", "History", "Scheduled", "Help", "ProjectList"})


def needs_staff(cmd: object) -> bool:
    name = type(cmd).__name__
    return name in STAFF_ONLY or name not in OPEN_TO_ALL


USAGE: dict[str, str] = {
    "link": "/sms link <name> [--email E] [--phone P] [--project NAME] [--required] [--lang en|es]",
    "status": "/sms status [name or phone]",
    "send": "/sms send <name or phone> <text>",
    "reply": "/sms reply <name or phone> <text>",
    "optout": "/sms optout <name or phone> [reason]",
    "project": "/sms project new <name> [#channel] · /sms project list · "
    "/sms project set <who> <project>",
    "schedule": "/sms schedule <who> <YYYY-MM-DD HH:MM> <text>",
    "broadcast": "/sms broadcast <project> <text>",
    "history": "/sms history <who>",
    "scheduled": "/sms scheduled [who]",
    "cancel": "/sms cancel <id>",
    "rename": "/sms rename <who> <new name>",
    "help": "/sms help [subcommand]",
}

HELP_LINES: tuple[tuple[str, str], ...] = (
    (
        "link",
        "create (or find) a contact and get a questionnaire link to send them "
        "(--lang es: in Spanish, for the page and every text to them)",
    ),
    ("status", "counts by status, or one contact's numbers, statuses and history"),
    ("send", "text a contact (only if they opted in)"),
    ("reply", "same as send, for answering an inbound text"),
    ("optout", "opt a contact's number(s) out by hand"),
    ("project", "projects, and which project a contact's texts belong to"),
    ("schedule", "an automated text for later (quiet hours and consent apply)"),
    ("broadcast", "an automated text to every opted-in number of a project"),
    ("history", "the conversation and consent events"),
    ("scheduled", "texts waiting to go out, with their ids"),
    ("cancel", "cancel a waiting text (a broadcast whole) by its id"),
    ("rename", "rename a contact (texts from new numbers start named by the number)"),
    ("help", "this list"),
)
HELP_FOOTER = (
    'Put names with spaces in double quotes: /sms send "Ann Lee" See you at 9. '
    "Contacts are found by name, email or phone number, or by the start of a name."
)


class UsageError(ValueError):
    """A command that doesn't parse: names the problem and shows the usage line."""

    def __init__(self, problem: str, usage: str) -> None:
        super().__init__(f"{problem}\nUsage: {usage}")
        self.problem = problem
        self.usage = usage
