"""OPTDESK_STAFF for buttons, menus and modals: the `staff_only` decorator.

A listener that texts someone or changes a contact, a project or consent is decorated
`@staff_only`. For anyone else it raises `Forbidden` before the listener runs, and
`bot.context.guard` tells them so like any refusal (a field error on a modal, a note
where they clicked). `bot.ids.STAFF_ACTIONS` and `STAFF_VIEWS` list the same listeners
by name (SPEC §4); a test holds the two equal.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from bot.context import BotContext, Handler, user_of
from consent import messages
from consent.errors import Forbidden

MARK = "staff_only"


def staff_only(listener: Handler) -> Handler:
    """`listener`, refused to non-staff: it must name `body` (whose user is checked)."""
    if "body" not in inspect.signature(listener).parameters:
        raise TypeError(f"staff-only listener {listener.__name__} must take `body`")

    @functools.wraps(listener)
    async def checked(ctx: BotContext, /, **kwargs: Any) -> None:
        if not await ctx.staff.allows(user_of(kwargs["body"])):
            raise Forbidden(messages.NOT_STAFF)
        await listener(ctx, **kwargs)

    vars(checked)[MARK] = True
    return checked


def is_staff_only(listener: object) -> bool:
    """Whether `listener` (or the guarded function made of it) is decorated `staff_only`."""
    return getattr(listener, MARK, False) is True
