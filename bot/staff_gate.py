"""OPTDESK_STAFF for buttons, menus and modals, checked in one place by listener name.

`bot.app` registers every action and view listener through `staff_only`: a name in
`ids.STAFF_ACTIONS` or `ids.STAFF_VIEWS` gets the staff check before its listener runs,
so no listener can forget it. Others are acked with a clear refusal and nothing changes.
"""

from __future__ import annotations

import inspect
from typing import Any

from bot import ids
from bot.context import BotContext, Listener, user_of
from consent import messages


def staff_only(ctx: BotContext, name: str, listener: Listener) -> Listener:
    """`listener`, refused to non-staff when `name` is a staff-only action or modal."""
    if name not in ids.STAFF_ACTIONS and name not in ids.STAFF_VIEWS:
        return listener
    wanted = set(inspect.signature(listener).parameters)
    block = ids.STAFF_VIEWS.get(name)

    # Bolt passes a listener the arguments its signature names: these cover every
    # listener here and what the refusal needs.
    async def checked(ack: Any, body: dict[str, Any], respond: Any, action: Any, view: Any) -> None:
        if not await ctx.staff.allows(user_of(body)):
            if block is not None:
                await ack(response_action="errors", errors={block: messages.NOT_STAFF})
                return
            await ack()
            await ctx.tell(body, respond, messages.NOT_STAFF)
            return
        given = {"ack": ack, "body": body, "respond": respond, "action": action, "view": view}
        await listener(**{key: value for key, value in given.items() if key in wanted})

    checked.__name__ = getattr(listener, "__name__", name)
    return checked
