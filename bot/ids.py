"""Names shared by the app's registrations, its Block Kit and manifest.yml (tested equal)."""

from __future__ import annotations

# What manifest.yml declares and create_bolt_app registers.
COMMAND = "/sms"
COMMANDS = (COMMAND,)
# Event types the app listens to, and the manifest's bot events that deliver them
# ("message.channels" and "message.groups" both arrive as type "message").
HOME_OPENED = "app_home_opened"
MESSAGE = "message"
BOT_EVENTS = (HOME_OPENED, "message.channels", "message.groups")
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:history",
    "groups:history",
    "usergroups:read",
    "users:read",
)

# App Home
HOME_PAGE = "home_page"  # Previous / Next: value is the page number
HOME_STATUS = "home_filter_status"
HOME_PROJECT = "home_filter_project"
HOME_SEARCH = "home_search"  # the search box (Enter), and its "Clear search" button

# Per-contact buttons (App Home rows and channel notes); value: contact id
VIEW = "contact_view"
SEND = "contact_send"
MOVE = "contact_move"  # static select; option value: "<contact id>:<project id or ''>"
MOVE_PICK = "contact_move_pick"  # button on channel notes: opens the move modal
OPT_OUT = "contact_opt_out"
OPT_OUT_NUMBER = "number_opt_out"  # a "maybe opt-out" flag: value "<contact id>:<E.164>"

# Thread replies (confirm mode)
THREAD_SEND = "thread_send_as_text"
THREAD_NOTE = "thread_keep_as_note"

# Modals
SEND_MODAL = "send_modal"
SEND_BLOCK = "send_text"
SEND_INPUT = "text"
MOVE_MODAL = "move_modal"
MOVE_BLOCK = "move_project"
MOVE_INPUT = "project"
VIEW_MODAL = "view_modal"

ALL_ACTIONS = (
    HOME_PAGE,
    HOME_STATUS,
    HOME_PROJECT,
    HOME_SEARCH,
    VIEW,
    SEND,
    MOVE,
    MOVE_PICK,
    OPT_OUT,
    OPT_OUT_NUMBER,
    THREAD_SEND,
    THREAD_NOTE,
)

# OPTDESK_STAFF (SPEC §4): the buttons, menus and modals that text someone or change a
# contact, a project or consent. Their listeners are decorated `bot.staff_gate.staff_only`,
# which refuses non-staff before the listener runs (tests/bot/test_manifest.py holds the
# decorated listeners equal to these names).
STAFF_ACTIONS = frozenset({SEND, MOVE, MOVE_PICK, OPT_OUT, OPT_OUT_NUMBER, THREAD_SEND})
STAFF_VIEWS = frozenset({SEND_MODAL, MOVE_MODAL})
# modal -> the block that shows its refusals (bot.context.refuse)
FIELD_ERRORS = {SEND_MODAL: SEND_BLOCK, MOVE_MODAL: MOVE_BLOCK}
