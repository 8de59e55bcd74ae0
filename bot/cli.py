"""`optdesk sms ...` from a terminal: the same grammar and answers, as plain text.

`optdesk sms` runs `run_cli_reply`; the person at the terminal acts as local staff
(the ledger records them as `actor`). Pure: no Slack imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot import commands as c
from bot.fmt import Reply
from bot.parser import parse
from bot.render import usage_reply
from bot.runner import Caller, execute
from consent.services.context import Desk


def local_zone() -> tzinfo:
    """The machine's time zone (what someone at a terminal means by "09:00")."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def run_cli_reply(desk: Desk, text: str, *, actor: str = "cli", tz: tzinfo | None = None) -> Reply:
    """Parse and run one command; the Reply's `ok` says whether it worked (for exit codes)."""
    try:
        cmd = parse(slack_escape(text), region=desk.config.default_region)
    except c.UsageError as err:
        return usage_reply(err)
    return execute(desk, cmd, Caller(actor=actor, staff=True, tz=tz or local_zone()))


def slack_escape(text: str) -> str:
    """Escape like Slack does, so `<`, `>` and `&` typed in a terminal stay literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def join_args(args: Sequence[str]) -> str:
    """argv after `optdesk sms` as command text: arguments with spaces get quoted again."""
    out = []
    for arg in args:
        if arg and not any(ch.isspace() for ch in arg):
            out.append(arg)
        elif '"' not in arg:
            out.append(f'"{arg}"')
        else:
            out.append(f"“{arg}”")
    return " ".join(out)
