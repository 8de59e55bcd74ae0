"""Bad input for every `/sms` subcommand, as Slack sends it (signed, text escaped by Slack).

Each row: an id, the command text, what kind of answer it must get, and words the answer
must contain. `usage`: refused at parse time, the ack shows the problem and a usage line;
`refused`: parsed, then refused with its reason (not found, ambiguous, opted out, not
staff, bad number, past time...); `done`: an authenticated command that does its job on
odd input (markup, mentions, emoji in names and texts): the answer shows that input
escaped. Only `done` rows may change anything, and each acts on its own contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.bot.harness import STAFF
from tests.corpus.world import EVE, GUEST, fresh_name

USAGE, REFUSED, DONE = "usage", "refused", "done"
TEN_KB = "x" * 10_240
NOT_STAFF = "Only optdesk staff can do that"
NO_TEXT = "There is no text to send"
SAY_WHO = "Say who"
NOT_A_TIME = "is not a date and time as YYYY-MM-DD HH:MM"
NOT_REAL = "is not a real date and time"


def typed(text: str) -> str:
    """What Slack sends for text a user typed: `&`, `<` and `>` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Cmd:
    name: str
    text: str
    outcome: str
    says: str = ""
    user: str = STAFF
    changes: bool | None = False

    @property
    def sub(self) -> str:
        return self.name.split("-", 1)[0]


def cmd(
    name: str,
    text: str,
    outcome: str,
    says: str = "",
    *,
    user: str = STAFF,
    changes: bool | None = None,
) -> Cmd:
    """A row; `changes` defaults to False, and to "may" (None) for `done` rows."""
    if changes is None and outcome != DONE:
        changes = False
    return Cmd(name, text, outcome, says, user, changes)


ANN = '"Ann Lee"'
ZALGO = "Z̷̢͈a̴l̵g̶o̷"
ZWJ = "👨\u200d👩\u200d👧\u200d👦"

GENERAL = [
    cmd("general-empty", "", DONE, "/sms subcommands", changes=False),
    cmd("general-spaces", "   ", DONE, "/sms subcommands", changes=False),
    cmd("general-tabs-newlines", "\t\n\t", DONE, "/sms subcommands", changes=False),
    cmd("general-unknown", "frobnicate", USAGE, "Unknown subcommand"),
    cmd("general-script", typed("<script>alert(1)</script>"), USAGE, "Unknown subcommand"),
    cmd("general-raw-script-entity", "<script>alert(1)</script>", USAGE, "Unknown subcommand"),
    cmd("general-channel-mention", "<!channel>", USAGE, "Unknown subcommand"),
    cmd("general-here-typed", typed("<!here>") + " status", USAGE, "Unknown subcommand"),
    cmd("general-user-mention", "<@U123EVIL>", USAGE, "Unknown subcommand"),
    cmd("general-channel-entity", "<#C0EVIL|evil>", USAGE, "Unknown subcommand"),
    cmd("general-link-entity", "<https://evil.example|click>", USAGE, "Unknown subcommand"),
    cmd("general-sql", "'; DROP TABLE contact; --", USAGE, "Unknown subcommand"),
    cmd("general-emoji", "🙂", USAGE, "Unknown subcommand"),
    cmd("general-rtl-override", "\u202estatus", USAGE, "Unknown subcommand"),
    cmd("general-zero-width", "sta\u200btus", USAGE, "Unknown subcommand"),
    cmd("general-fullwidth", "ｓｔａｔｕｓ", USAGE, "Unknown subcommand"),
    cmd("general-10kb", TEN_KB, USAGE, "Unknown subcommand"),
    cmd("general-flag-first", "--help", USAGE, "Unknown subcommand"),
    cmd("general-quoted-subcommand", '"status"', USAGE, "Unknown subcommand"),
    cmd("general-unbalanced-quote", '"status', USAGE, "quote is not closed"),
    cmd("general-unbalanced-curly", "“status", USAGE, "quote is not closed"),
    cmd("general-mrkdwn", "*bold* _it_ ~s~ `code`", USAGE, "Unknown subcommand"),
    cmd("general-nul", "status\x00", USAGE, "Unknown subcommand"),
]

HELP = [
    cmd("help-unknown-topic", "help frobnicate", USAGE, "There is no subcommand"),
    cmd("help-script-topic", "help " + typed("<script>"), USAGE, "There is no subcommand"),
    cmd("help-extra-args", "help link now please", USAGE, "There is no subcommand"),
    cmd("help-mention-topic", "help <!channel>", USAGE, "There is no subcommand"),
    cmd("help-10kb-topic", "help " + TEN_KB, USAGE, "There is no subcommand"),
    cmd("help-alias", "?", DONE, "/sms subcommands", changes=False),
]

LINK = [
    cmd("link-missing-name", "link", USAGE, "Give the contact's name"),
    cmd("link-blank-quoted-name", 'link "   "', USAGE, "Give the contact's name"),
    cmd("link-only-flags", "link --required", USAGE, "Give the contact's name"),
    cmd("link-email-no-value", "link Zed --email", USAGE, "--email needs a value"),
    cmd("link-phone-no-value", "link Zed --phone", USAGE, "--phone needs a value"),
    cmd("link-project-no-value", "link Zed --project --required", USAGE, "--project needs a value"),
    cmd("link-email-equals-empty", "link Zed --email=", USAGE, "--email needs a value"),
    cmd("link-unknown-flag", "link Zed --bogus", USAGE, "Unknown option --bogus"),
    cmd("link-unknown-flag-script", "link Zed --" + typed("<script>"), USAGE, "Unknown option"),
    cmd("link-email-twice", "link Zed --email a@b.co --email c@d.co", USAGE, "given twice"),
    cmd("link-required-twice", "link Zed --required --required", USAGE, "given twice"),
    cmd("link-required-value", "link Zed --required=yes", USAGE, "takes no value"),
    cmd("link-unbalanced-quote", 'link "Zed Zulu', USAGE, "quote is not closed"),
    cmd("link-unbalanced-curly", "link “Zed Zulu", USAGE, "quote is not closed"),
    cmd("link-bad-email", "link Zed --email not-an-email", REFUSED, "doesn't look like an email"),
    cmd(
        "link-email-script",
        "link Zed --email " + typed("<script>@x.co"),
        REFUSED,
        "doesn't look like an email",
    ),
    cmd("link-phone-letters", "link Zed --phone +1415555CALL", REFUSED, "letters"),
    cmd("link-phone-30-digits", "link Zed --phone " + "1" * 30, REFUSED, "too long"),
    cmd("link-phone-plus-zero", "link Zed --phone +0", REFUSED, "phone number"),
    cmd("link-phone-extension", "link Zed --phone 415-555-0100x9", REFUSED, "extension"),
    cmd("link-unknown-project", "link Zed --project Nope", REFUSED, "There is no project called"),
    cmd(
        "link-script-project",
        "link Zed --project " + typed("<script>alert(1)</script>"),
        REFUSED,
        "There is no project called",
    ),
    cmd("link-name-101", "link " + "N" * 101, REFUSED, "at most 100"),
    cmd("link-name-10kb", "link " + TEN_KB, REFUSED, "at most 100"),
    cmd("link-ambiguous-name", 'link "Sam Twin"', REFUSED, "Several contacts"),
    cmd(
        "link-script-name",
        "link " + typed(f"<script>alert(1)</script> {fresh_name()}"),
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-mention-name",
        f"link <!channel> {fresh_name()}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-user-mention-name",
        f"link <@U123EVIL> {fresh_name()}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-typed-mentions-name",
        "link " + typed(f"<!here> <@U123EVIL> {fresh_name()}"),
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-mrkdwn-name",
        f"link *bold* _it_ ~s~ {fresh_name()}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-emoji-name",
        f"link {ZWJ} {fresh_name('Family')}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-rtl-name",
        f"link \u202e{fresh_name('Reversed')}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-zalgo-name",
        f"link {ZALGO} {fresh_name()}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-sql-name",
        f"link O'Brien; DROP TABLE contact; -- {fresh_name()}",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-curly-quoted",
        f"link “{fresh_name('Curly')}” --required",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
    cmd(
        "link-mailto-email",
        f"link {fresh_name()} --email <mailto:zed@example.com|zed@example.com>",
        DONE,
        "Questionnaire link for",
        changes=True,
    ),
]

STATUS = [
    cmd("status-unknown-name", "status Nobody Here", REFUSED, "No contact called"),
    cmd("status-ambiguous", 'status "Sam Twin"', REFUSED, "Several contacts match"),
    cmd("status-phone-letters", "status +1415555CALL", REFUSED, "No contact called"),
    cmd("status-phone-30-digits", "status " + "1" * 30, REFUSED, "too long"),
    cmd("status-unknown-phone", "status +14155550109", REFUSED, "not on file"),
    cmd("status-user-mention", "status <@U123EVIL>", USAGE, "is a Slack user"),
    # "Nobody" first: a contact named "<!channel> Corpus 0002" (a link row) starts so
    cmd("status-channel-mention", "status Nobody <!channel>", REFUSED, "No contact called"),
    cmd(
        "status-script",
        "status Nobody " + typed("<script>alert(1)</script>"),
        REFUSED,
        "No contact called",
    ),
    cmd("status-sql", "status ' OR '1'='1", REFUSED, "No contact called"),
    cmd("status-like-wildcard", "status %", REFUSED, "No contact called"),
    cmd("status-underscore-wildcard", "status A_n L_e", REFUSED, "No contact called"),
    cmd("status-10kb", "status " + TEN_KB, REFUSED, "No contact called"),
    cmd("status-unbalanced-quote", 'status "Ann Lee', USAGE, "quote is not closed"),
    cmd("status-unbalanced-curly", "status “Ann Lee", USAGE, "quote is not closed"),
    cmd("status-user-mention-and-name", "status <@U123EVIL> Ann Lee", USAGE, "is a Slack user"),
    cmd(
        "status-quoted-name-extra-words", f"status {ANN} extra words", REFUSED, "No contact called"
    ),
    cmd("status-bad-flag", "status --json", REFUSED, "No contact called"),
    cmd("status-hostile-contact", f"status {EVE}", DONE, "opted in", changes=False),
    cmd(
        "status-fullwidth-phone",
        "status ＋１ ４１５ ５５５ ０１００",
        DONE,
        "Ann Lee",
        changes=False,
    ),
    cmd("status-uppercase", "STATUS", DONE, "opted in:", changes=False),
]

SEND = [
    cmd("send-missing-all", "send", USAGE, SAY_WHO),
    cmd("send-missing-text", "send Ann", USAGE, NO_TEXT),
    cmd("send-quoted-missing-text", f"send {ANN}", USAGE, NO_TEXT),
    cmd("send-whitespace-text", f"send {ANN}    ", USAGE, NO_TEXT),
    cmd("send-unbalanced-text-quote", f'send {ANN} "hi', USAGE, "quote is not closed"),
    cmd("send-unbalanced-curly", "send “Ann Lee hi", USAGE, "quote is not closed"),
    cmd("send-user-mention", "send <@U123EVIL> hi", USAGE, "is a Slack user"),
    cmd("send-unknown", "send Nobody hi", REFUSED, "No contact called"),
    cmd("send-opted-out", 'send "Bob Stone" hi', REFUSED, "Not sent"),
    cmd("send-pending", 'send "Pat Pending" hi', REFUSED, "no phone number"),
    cmd("send-ambiguous", 'send "Sam Twin" hi', REFUSED, "Several contacts match"),
    cmd("send-1601", f"send {ANN} " + "x" * 1601, REFUSED, "at most 1600"),
    cmd("send-10kb", f"send {ANN} {TEN_KB}", REFUSED, "at most 1600"),
    cmd("send-unknown-phone", "send +14155550109 hi", REFUSED, "not on file"),
    cmd("send-phone-letters", "send +1415555CALL hi", REFUSED, "No contact called"),
    cmd("send-phone-fullwidth-unknown", "send ＋１４１５５５５０１８８ hi", REFUSED, "not on file"),
    cmd("send-flag-as-who", "send --email hi", REFUSED, "No contact called"),
    cmd("send-not-staff", f"send {ANN} hi", REFUSED, NOT_STAFF, user=GUEST),
    cmd(
        "send-hostile-text",
        f"send {ANN} <!channel> <@U123EVIL> " + typed("<script>alert(1)</script> *bold* & co"),
        DONE,
        "queued",
        changes=True,
    ),
    cmd(
        "send-emoji-rtl-text",
        f"send +14155550100 {ZWJ} \u202eevil {ZALGO}",
        DONE,
        "queued",
        changes=True,
    ),
    cmd("send-curly-quoted-who", "send “Ann Lee” see you at 9", DONE, "queued", changes=True),
]

REPLY = [
    cmd("reply-missing-all", "reply", USAGE, SAY_WHO),
    cmd("reply-missing-text", f"reply {ANN}", USAGE, NO_TEXT),
    cmd("reply-user-mention", "reply <@U123EVIL> thanks", USAGE, "is a Slack user"),
    cmd("reply-opted-out", 'reply "Bob Stone" thanks', REFUSED, "Not sent"),
    cmd("reply-unknown", "reply Nobody thanks", REFUSED, "No contact called"),
    cmd("reply-10kb", f"reply {ANN} {TEN_KB}", REFUSED, "at most 1600"),
    cmd("reply-not-staff", f"reply {ANN} thanks", REFUSED, NOT_STAFF, user=GUEST),
    cmd(
        "reply-hostile-text",
        f"reply {ANN} " + typed("<!everyone> <img src=x>"),
        DONE,
        "queued",
        changes=True,
    ),
]

OPTOUT = [
    cmd("optout-missing-who", "optout", USAGE, SAY_WHO),
    cmd("optout-user-mention", "optout <@U123EVIL>", USAGE, "is a Slack user"),
    cmd("optout-unbalanced", 'optout "Ann Lee', USAGE, "quote is not closed"),
    cmd("optout-unknown", "optout Nobody", REFUSED, "No contact called"),
    cmd("optout-ambiguous", 'optout "Sam Twin"', REFUSED, "Several contacts match"),
    cmd("optout-pending", 'optout "Pat Pending"', REFUSED, "no phone number"),
    cmd("optout-phone-letters", "optout +1415555CALL", REFUSED, "No contact called"),
    cmd("optout-short-number", "optout 123", REFUSED, "No contact called"),
    cmd("optout-unknown-phone", "optout +14155550109", REFUSED, "not on file"),
    cmd("optout-not-staff", f"optout {ANN} spam", REFUSED, NOT_STAFF, user=GUEST),
    cmd("optout-already", 'optout "Bob Stone" again', DONE, "Already opted out", changes=False),
    cmd("optout-alias-not-staff", f"opt-out {ANN}", REFUSED, NOT_STAFF, user=GUEST),
    cmd(
        "optout-hostile-reason",
        'optout "Olive Out" <!channel> ' + typed("<script>alert(1)</script> & <@U123EVIL>"),
        DONE,
        "Opted out",
        changes=True,
    ),
]

PROJECT = [
    cmd("project-missing-action", "project", USAGE, "Say new, list or set"),
    cmd("project-unknown-action", "project frob", USAGE, "Unknown project action"),
    cmd("project-script-action", "project " + typed("<script>"), USAGE, "Unknown project action"),
    cmd("project-list-extra", "project list now", USAGE, "Unexpected"),
    cmd("project-new-missing-name", "project new", USAGE, "Give the project a name"),
    cmd("project-new-only-channel", "project new <#C0PROJ|proj>", USAGE, "Give the project a name"),
    cmd("project-new-hash-word", "project new Foo #general", USAGE, "is not a channel Slack knows"),
    cmd("project-new-bare-hash", "project new Foo #", USAGE, "is not a channel Slack knows"),
    cmd(
        "project-new-hash-script",
        "project new Foo #" + typed("<script>"),
        USAGE,
        "is not a channel Slack knows",
    ),
    cmd(
        "project-new-lowercase-channel",
        "project new Foo <#lowercase|x>",
        USAGE,
        "is not a channel Slack knows",
    ),
    cmd("project-new-unbalanced", 'project new "Foo', USAGE, "quote is not closed"),
    cmd("project-new-81-chars", "project new " + "P" * 81, REFUSED, "1 to 80 characters"),
    cmd("project-new-10kb", "project new " + TEN_KB, REFUSED, "1 to 80 characters"),
    cmd("project-new-existing", "project new Garden", REFUSED, "already exists"),
    cmd("project-new-existing-other-case", "project new gARDEN", REFUSED, "already exists"),
    cmd(
        "project-new-existing-hostile",
        "project new " + typed("<b>Evil</b> & <!here>"),
        REFUSED,
        "already exists",
    ),
    cmd("project-set-missing-who", "project set", USAGE, SAY_WHO),
    cmd("project-set-missing-project", f"project set {ANN}", USAGE, "Say which project"),
    cmd("project-set-user-mention", "project set <@U123EVIL> Garden", USAGE, "is a Slack user"),
    cmd(
        "project-set-unknown-project",
        f"project set {ANN} Nope",
        REFUSED,
        "There is no project called",
    ),
    cmd(
        "project-set-script-project",
        f"project set {ANN} " + typed("<script>"),
        REFUSED,
        "There is no project called",
    ),
    cmd("project-set-unknown-who", "project set Nobody Garden", REFUSED, "No contact called"),
    cmd(
        "project-set-ambiguous", 'project set "Sam Twin" Garden', REFUSED, "Several contacts match"
    ),
    cmd("project-list-hostile-names", "project list", DONE, "Projects", changes=False),
    # OPTDESK_STAFF covers projects and moves (SPEC §4); looking at them stays open
    cmd(
        "project-new-not-staff",
        "project new Rogue <#C0ROGUE|rogue>",
        REFUSED,
        NOT_STAFF,
        user=GUEST,
    ),
    cmd("project-new-no-channel-not-staff", "project new Rogue", REFUSED, NOT_STAFF, user=GUEST),
    cmd("project-set-not-staff", f"project set {ANN} Empty", REFUSED, NOT_STAFF, user=GUEST),
    cmd("project-set-none-not-staff", f"project set {ANN} none", REFUSED, NOT_STAFF, user=GUEST),
    cmd("project-list-by-guest", "project list", DONE, "Garden", user=GUEST, changes=False),
    cmd("status-by-guest", "status", DONE, "opted in", user=GUEST, changes=False),
    cmd("history-by-guest", f"history {ANN}", DONE, "Ann Lee", user=GUEST, changes=False),
    cmd("project-alias-list", "projects list", DONE, "Projects", changes=False),
    cmd(
        "project-new-script-name",
        "project new " + typed(f"<script>alert(1)</script> {fresh_name('Team')}"),
        DONE,
        "created",
        changes=True,
    ),
    cmd(
        "project-new-mentions-name",
        f"project new <!channel> {fresh_name('Team')} <@U123EVIL>",
        DONE,
        "created",
        changes=True,
    ),
    cmd(
        "project-new-emoji-channel",
        f"project new 🌷 {fresh_name('Team')} <#C0PROJ|proj>",
        DONE,
        "created",
        changes=True,
    ),
    cmd(
        "project-new-channel-by-id",
        f"project new {fresh_name('Team')} #C0BYID",
        DONE,
        "created",
        changes=True,
    ),
]

SCHEDULE = [
    cmd("schedule-missing-all", "schedule", USAGE, SAY_WHO),
    cmd("schedule-missing-when", f"schedule {ANN}", USAGE, "Give the date and time"),
    cmd("schedule-date-only", f"schedule {ANN} 2026-07-02", USAGE, "Give the date and time"),
    cmd("schedule-feb-30", f"schedule {ANN} 2026-02-30 10:00 hi", USAGE, NOT_REAL),
    cmd("schedule-yesterday", f"schedule {ANN} yesterday 10:00 hi", USAGE, NOT_A_TIME),
    cmd("schedule-tomorrow-noon", f"schedule {ANN} tomorrow noon hi", USAGE, NOT_A_TIME),
    cmd("schedule-25-00", f"schedule {ANN} 2026-07-02 25:00 hi", USAGE, NOT_REAL),
    cmd("schedule-10-60", f"schedule {ANN} 2026-07-02 10:60 hi", USAGE, NOT_REAL),
    cmd("schedule-month-13", f"schedule {ANN} 2026-13-01 10:00 hi", USAGE, NOT_REAL),
    cmd("schedule-two-digit-year", f"schedule {ANN} 26-07-02 10:00 hi", USAGE, NOT_A_TIME),
    cmd("schedule-slashes", f"schedule {ANN} 2026/07/02 10:00 hi", USAGE, NOT_A_TIME),
    cmd("schedule-am-pm", f"schedule {ANN} 2026-07-02 10:00am hi", USAGE, NOT_A_TIME),
    cmd("schedule-seconds", f"schedule {ANN} 2026-07-02 10:00:30 hi", USAGE, NOT_A_TIME),
    cmd("schedule-t-without-time", f"schedule {ANN} 2026-07-02T hi there", USAGE, NOT_A_TIME),
    cmd("schedule-no-text", f"schedule {ANN} 2026-07-02 10:00", USAGE, NO_TEXT),
    cmd(
        "schedule-user-mention",
        "schedule <@U123EVIL> 2026-07-02 10:00 hi",
        USAGE,
        "is a Slack user",
    ),
    cmd(
        "schedule-script-date",
        f"schedule {ANN} " + typed("<script>") + " 10:00 hi",
        USAGE,
        NOT_A_TIME,
    ),
    cmd(
        "schedule-unbalanced", f'schedule {ANN} 2026-07-02 10:00 "hi', USAGE, "quote is not closed"
    ),
    cmd("schedule-past", f"schedule {ANN} 2026-06-30 10:00 hi", REFUSED, "already passed"),
    cmd("schedule-1999", f"schedule {ANN} 1999-01-01 00:00 hi", REFUSED, "already passed"),
    cmd("schedule-year-1", f"schedule {ANN} 0001-01-01 00:00 hi", REFUSED, "already passed"),
    cmd(
        "schedule-year-1-east-of-utc",
        f"schedule {ANN} 0001-01-01 00:00 hi",
        REFUSED,
        "out of range",
        user="UTOKYO",
    ),
    cmd("schedule-year-9999", f"schedule {ANN} 9999-12-31 23:59 hi", REFUSED, "out of range"),
    cmd("schedule-opted-out", 'schedule "Bob Stone" 2026-07-02 10:00 hi', REFUSED, "Not sent"),
    cmd(
        "schedule-pending", 'schedule "Pat Pending" 2026-07-02 10:00 hi', REFUSED, "no phone number"
    ),
    cmd("schedule-unknown", "schedule Nobody 2026-07-02 10:00 hi", REFUSED, "No contact called"),
    cmd("schedule-10kb", f"schedule {ANN} 2026-07-02 10:00 {TEN_KB}", REFUSED, "at most 1600"),
    cmd(
        "schedule-not-staff", f"schedule {ANN} 2026-07-02 10:00 hi", REFUSED, NOT_STAFF, user=GUEST
    ),
    cmd(
        "schedule-hostile-text",
        f"schedule {ANN} 2026-07-02 10:00 <!channel> " + typed("<script>alert(1)</script>"),
        DONE,
        "scheduled for",
        changes=True,
    ),
    cmd(
        "schedule-quiet-hours",
        f"schedule +14155550100 2026-07-02 03:00 {ZWJ} early",
        DONE,
        "Quiet hours",
        changes=True,
    ),
    cmd(
        "schedule-dst-gap",
        f"schedule {ANN} 2027-03-14 02:30 dst",
        DONE,
        "scheduled for",
        changes=True,
    ),
    cmd(
        "schedule-fullwidth-date",
        f"schedule {ANN} ２０２６-０７-０２ 10:00 hi",
        USAGE,
        NOT_REAL,
    ),
]

BROADCAST = [
    cmd("broadcast-missing-all", "broadcast", USAGE, "Say which project"),
    cmd("broadcast-missing-text", "broadcast Garden", USAGE, NO_TEXT),
    cmd("broadcast-unbalanced", 'broadcast "Garden hi', USAGE, "quote is not closed"),
    cmd("broadcast-unknown-project", "broadcast Nope hi", REFUSED, "There is no project called"),
    cmd(
        "broadcast-script-project",
        "broadcast " + typed("<script>") + " hi",
        REFUSED,
        "There is no project called",
    ),
    cmd(
        "broadcast-channel-as-project",
        "broadcast <#C0PROJ|proj> hi",
        REFUSED,
        "There is no project called",
    ),
    cmd("broadcast-1601", "broadcast Garden " + "x" * 1601, REFUSED, "at most 1600"),
    cmd("broadcast-10kb", f"broadcast Garden {TEN_KB}", REFUSED, "at most 1600"),
    cmd("broadcast-not-staff", "broadcast Garden hi", REFUSED, NOT_STAFF, user=GUEST),
    cmd("broadcast-empty-project", "broadcast Empty hi", DONE, "0 queued", changes=False),
    cmd(
        "broadcast-hostile-project",
        'broadcast "' + typed("<b>Evil</b> & <!here>") + '" <!channel> hi',
        DONE,
        "1 queued",
        changes=True,
    ),
    cmd(
        "broadcast-hostile-text",
        "broadcast Garden " + typed("<@U123EVIL> <script>alert(1)</script>"),
        DONE,
        "queued",
        changes=True,
    ),
]

HISTORY = [
    cmd("history-missing-who", "history", USAGE, SAY_WHO),
    cmd("history-user-mention", "history <@U123EVIL>", USAGE, "is a Slack user"),
    cmd("history-unbalanced", 'history "Ann Lee', USAGE, "quote is not closed"),
    cmd("history-unknown", "history Nobody", REFUSED, "No contact called"),
    cmd("history-ambiguous", 'history "Sam Twin"', REFUSED, "Several contacts match"),
    cmd("history-phone-letters", "history +1415555CALL", REFUSED, "No contact called"),
    cmd("history-10kb", "history " + TEN_KB, REFUSED, "No contact called"),
    cmd("history-hostile-contact", f"history {EVE}", DONE, "opted in", changes=False),
    cmd("history-by-email", "history ann@example.com", DONE, "Ann Lee", changes=False),
]

WAITING = [
    cmd("scheduled-user-mention", "scheduled <@U123EVIL>", USAGE, "is a Slack user"),
    cmd("scheduled-unbalanced", 'scheduled "Ann Lee', USAGE, "quote is not closed"),
    cmd("scheduled-empty-quotes", 'scheduled ""', USAGE, SAY_WHO),
    cmd("scheduled-unknown", "scheduled Nobody", REFUSED, "No contact called"),
    cmd("scheduled-ambiguous", 'scheduled "Sam Twin"', REFUSED, "Several contacts match"),
    cmd("scheduled-all", "scheduled", DONE, "waiting to go out", changes=False),
    cmd("scheduled-by-guest", f"scheduled {EVE}", DONE, "waiting", user=GUEST, changes=False),
    cmd("cancel-missing-id", "cancel", USAGE, "Say which text"),
    cmd("cancel-two-ids", "cancel t1 t2", USAGE, "Unexpected"),
    cmd("cancel-unbalanced", 'cancel "t1', USAGE, "quote is not closed"),
    cmd("cancel-not-an-id", "cancel " + typed("<script>"), REFUSED, "ids look like t12 or b7"),
    cmd("cancel-unknown", "cancel t999999", REFUSED, "no waiting text t999999"),
    cmd("cancel-10kb", "cancel " + TEN_KB, REFUSED, "ids look like"),
    cmd("cancel-by-guest", "cancel t1", REFUSED, NOT_STAFF, user=GUEST),
    cmd("rename-missing-who", "rename", USAGE, SAY_WHO),
    cmd("rename-missing-name", 'rename "Ann Lee"', USAGE, "Give the new name"),
    cmd("rename-user-mention", "rename <@U123EVIL> Bob", USAGE, "is a Slack user"),
    cmd("rename-unknown", "rename Nobody Bob", REFUSED, "No contact called"),
    cmd("rename-ambiguous", 'rename "Sam Twin" Bob', REFUSED, "Several contacts match"),
    cmd("rename-taken", f'rename {ANN} "sam twin"', REFUSED, "already called"),
    cmd("rename-to-a-number", f"rename {ANN} 415 555 0100", REFUSED, "looks like a phone"),
    cmd("rename-by-guest", f"rename {ANN} Bob", REFUSED, NOT_STAFF, user=GUEST),
    cmd("rename-10kb", f"rename {ANN} " + TEN_KB, REFUSED, "at most 100 characters"),
]

CASES: list[Cmd] = (
    GENERAL
    + HELP
    + LINK
    + STATUS
    + SEND
    + REPLY
    + OPTOUT
    + PROJECT
    + SCHEDULE
    + BROADCAST
    + HISTORY
    + WAITING
)
_names = [c.name for c in CASES]
assert len(set(_names)) == len(_names), "duplicate command case names"
