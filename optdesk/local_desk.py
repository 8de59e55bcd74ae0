"""Wiring the local staff desk (/local/desk): its channel, its notifier, its routes.

The desk lives in bot/ (how notes look, what commands do) and borrows the web side's
CSRF guard, form reader and CSP nonce from webhooks/; bot/ and webhooks/ never import
each other, so they meet here, in the composition root's package.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.routing import BaseRoute

from bot.desk_channel import ChannelNotifier, DeskChannel
from bot.desk_web import LocalDesk, PageKit
from consent.senders import Notifier
from consent.services.context import Desk
from webhooks.csrf import Csrf
from webhooks.forms import PAGE_BODY_LIMIT, read_form
from webhooks.headers import nonce_of


async def read_page_form(request: Request) -> Mapping[str, str]:
    """A page's urlencoded form (size-limited, strict type); a repeated field: the first."""
    form = await read_form(request, PAGE_BODY_LIMIT)
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, value)
    return fields


def desk_notifier(notifier: Notifier, *, thread_replies: str) -> tuple[Notifier, DeskChannel]:
    """The notifier that also keeps every posted note for the desk's channel."""
    channel = DeskChannel(thread_replies=thread_replies)
    return ChannelNotifier(notifier, channel), channel


def desk_routes(desk: Desk, channel: DeskChannel, csrf_secret: bytes) -> list[BaseRoute]:
    csrf = Csrf(csrf_secret, secure=desk.config.public_url.startswith("https://"))
    kit = PageKit(csrf=csrf, read_form=read_page_form, nonce=nonce_of)
    return list(LocalDesk(desk, channel, kit).routes())
