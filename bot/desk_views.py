"""The local desk's HTML: the channel's threads, the status page, an answer. Pure.

Everything is drawn from Block Kit (bot/blockkit_html.py): the threads from the blocks
the notifier keeps (bot/desk_channel.py), the status page from the App Home view
(bot/home_view.py), answers from the replies `optdesk sms` and the buttons give.
Templates are Jinja2 with autoescape on; the only Markup is the block renderer's.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot import ids
from bot.blockkit_html import Controls, blocks_html
from bot.desk_actions import SEND_TEXT, Answer
from bot.desk_channel import Thread
from bot.home_view import home_view
from consent.services.home import FILTERS, HomePage
from consent.services.staff import MAX_TEXT

TEMPLATES = Path(__file__).parent / "templates"
PATH = "/local/desk"
ACT = PATH + "/act"
REPLY = PATH + "/reply"
SMS = PATH + "/sms"
LIVE = PATH + "/live"
GET_FIELDS = {ids.HOME_STATUS: "status", ids.HOME_PROJECT: "project", ids.HOME_PAGE: "page"}


@dataclass(frozen=True)
class Looking:
    """What the status page shows: a status filter, a project, a page, a search."""

    status: str = ""
    project: str = ""
    page: int = 0
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Looking:
        status = query.get("status", "")
        project = query.get("project", "")
        page = query.get("page", "")
        return cls(
            status if status in FILTERS else "",
            project if project.isascii() and project.isdigit() and len(project) < 19 else "",
            int(page) if page.isascii() and page.isdigit() and len(page) < 6 else 0,
            " ".join(query.get("q", "").split())[:100],
        )

    def fields(self) -> dict[str, str]:
        out = {"status": self.status, "project": self.project, "q": self.q}
        if self.page:
            out["page"] = str(self.page)
        return {k: v for k, v in out.items() if v}


class DeskViews:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            auto_reload=False,
        )

    def _controls(self, csrf: str, looking: Looking | None = None) -> Controls:
        keep = looking.fields() if looking else {}
        return Controls(ACT, csrf, get_action=PATH, get_fields=GET_FIELDS, keep=keep)

    def channel(self, threads: list[Thread], csrf: str) -> str:
        c = self._controls(csrf)
        drawn = [
            {
                "id": t.contact_id,
                "title": t.title,
                "entries": [
                    {"html": blocks_html(e.blocks, c), "at": e.at, "staff_note": e.staff_note}
                    for e in t.entries
                ],
            }
            for t in threads
        ]
        return self.env.get_template("desk_channel.html").render(
            threads=drawn, csrf=csrf, reply_action=REPLY,
            once=secrets.token_urlsafe(9), max_text=MAX_TEXT,
        )  # fmt: skip

    def status(self, page: HomePage, looking: Looking, csrf: str) -> str:
        view = home_view(page)
        blocks = [b for b in view["blocks"] if b.get("type") != "header"]
        return self.env.get_template("desk_status.html").render(
            blocks=blocks_html(blocks, self._controls(csrf, looking)),
            looking=looking,
            path=PATH,
        )

    def answer(self, answer: Answer, csrf: str) -> str:
        """An answer's blocks; a Send button's answer also carries a text box."""
        html = blocks_html(answer.blocks, self._controls(csrf))
        return self.env.get_template("desk_answer.html").render(
            html=html, answer=answer, csrf=csrf, act=ACT, send_id=SEND_TEXT, max_text=MAX_TEXT
        )

    def page(self, *, nonce: str, csrf: str, channel: str, status: str, **extra: Any) -> str:
        return self.env.get_template("desk.html").render(
            nonce=nonce,
            csrf=csrf,
            channel=Markup(channel),  # noqa: S704 - rendered above with autoescape
            status=Markup(status),  # noqa: S704 - rendered above with autoescape
            sms_action=SMS,
            live=LIVE,
            path=PATH,
            **extra,
        )
