"""What every listener needs, built once by `create_bolt_app`."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, Literal, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.counts_answer import CountsAnswer
from bot.fmt import escape_mrkdwn
from bot.home import HomePublisher
from bot.home_view import filter_from_metadata
from bot.modals import message_modal
from bot.slack_errors import SLACK_ERRORS
from bot.staff import StaffPolicy
from consent.errors import ConsentError
from consent.services.context import Desk

ThreadReplies = Literal["confirm", "send", "off"]
T = TypeVar("T")
Listener = Callable[..., Awaitable[None]]  # what Bolt calls, with what it injects by name
log = logging.getLogger("optdesk.bot")
OOPS = (
    "Something went wrong on optdesk's side (it has been logged). "
    "Check /sms status before trying again."
)


# A command whose work is done within this answers in its ack (no second round trip);
# a slower one is acked with a note and answered through response_url.
ANSWER_IN_ACK_WITHIN = 2.0
# Slack waits 3 s for an ack: a listener that has not acked by now is acked for it.
ACK_DEADLINE = 2.5
MAX_FIELD_ERROR = 150  # Slack shows short field errors
_background: set[asyncio.Task[None]] = set()


@dataclass
class BotContext:
    desk: Desk
    client: AsyncWebClient
    staff: StaffPolicy
    home: HomePublisher
    thread_replies: ThreadReplies
    answer_within: float = ANSWER_IN_ACK_WITHIN
    counts: CountsAnswer = field(init=False)  # `/sms status` (counts), kept while fresh

    def __post_init__(self) -> None:
        self.counts = CountsAnswer(self.desk)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (sync) use case off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def tell(self, body: dict[str, Any], respond: Any, text: str) -> None:
        """Answer a button click where it happened: home tab, message (ephemeral) or modal."""
        user = str((body.get("user") or {}).get("id") or "")
        view = body.get("view") or {}
        if view.get("type") == "home":
            wanted = filter_from_metadata(view.get("private_metadata"))
            await self.home.publish_quietly(user, wanted, notice=text)
        elif respond is not None and body.get("response_url"):
            await respond(text=text, response_type="ephemeral", replace_original=False)
        elif view.get("type") == "modal" and view.get("id"):
            await self.client.views_update(view_id=view["id"], view=message_modal("optdesk", text))


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user") or {}
    return str(user.get("id") or body.get("user_id") or "")


def small_int(text: object) -> int | None:
    """A database id typed into a payload: plain ASCII digits that fit, else None."""
    raw = str(text or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def contact_id_of(value: object) -> int | None:
    """The contact id a button carries ("12" or "12:..."), or None if it isn't one."""
    return small_int(str(value or "").split(":", 1)[0])


class _Ack:
    """Bolt's ack, noting when it was called so the HTTP answer can go out right then."""

    def __init__(self, ack: Any) -> None:
        self._ack, self.called = ack, asyncio.Event()

    @property
    def response(self) -> Any:
        return self._ack.response

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await self._ack(*args, **kwargs)
        finally:
            self.called.set()


# A listener: a module-level function given the context, then what Bolt injects by name.
Handler = Callable[Concatenate[BotContext, ...], Awaitable[None]]


def guard(ctx: BotContext, listener: Handler) -> Listener:
    """`listener` with `ctx`, as Bolt calls it: the one place listeners' errors are handled.

    Bolt passes a listener the arguments its signature names, so the guarded function
    shows Bolt the listener's own parameters, less `ctx`. The app runs Bolt with
    process_before_response=True, so the HTTP answer waits for this function, not for
    Bolt's 10 ms ack polling: Slack is answered as soon as the listener acks, and the rest
    of it runs after the answer. A listener that has not acked by the deadline is acked
    empty (Slack must hear within 3 s). A ConsentError (a refusal, OPTDESK_STAFF's
    included) is told to the user where they acted (`refuse`); any other failure is logged
    and told as such, never handed to Bolt, and an unacknowledged request gets its ack.
    """

    async def guarded(**kwargs: Any) -> None:
        ack = _Ack(kwargs["ack"]) if "ack" in kwargs else None
        if ack is not None:
            kwargs["ack"] = ack

        async def run() -> None:
            try:
                try:
                    await listener(ctx, **kwargs)
                except ConsentError as err:
                    log.info("Slack listener %s refused: %s", name, type(err).__name__)
                    await refuse(ctx, kwargs, err.reason)
            except Exception:
                log.exception("Slack listener %s failed", name)
                await _recover(kwargs)

        task = asyncio.ensure_future(run())
        _background.add(task)
        task.add_done_callback(_background.discard)
        if ack is None:  # events: Bolt acks them once this returns
            return
        waiter = asyncio.ensure_future(ack.called.wait())
        await asyncio.wait({task, waiter}, timeout=ACK_DEADLINE, return_when="FIRST_COMPLETED")
        waiter.cancel()
        if ack.response is None:
            log.warning("Slack listener %s did not ack in time", name)
            await ack()

    name = getattr(listener, "__name__", "listener")
    functools.update_wrapper(guarded, listener)
    # what Bolt reads (inspect.unwrap, then the arguments): the listener's own, less ctx
    bolt_sees = functools.partial(inspect.unwrap(listener), ctx)
    functools.update_wrapper(guarded, bolt_sees, assigned=(), updated=())
    return guarded


async def refuse(ctx: BotContext, kwargs: dict[str, Any], reason: str) -> None:
    """A refusal told where the user acted: a modal's field error, else `ctx.tell`."""
    body = kwargs.get("body") or {}
    ack: Any = kwargs.get("ack")
    unanswered = ack is not None and ack.response is None
    modal = str((body.get("view") or {}).get("callback_id") or "")
    block = ids.FIELD_ERRORS.get(modal) if body.get("type") == "view_submission" else None
    if unanswered and block is not None:
        short = reason if len(reason) <= MAX_FIELD_ERROR else reason[: MAX_FIELD_ERROR - 1] + "…"
        await ack(response_action="errors", errors={block: short})
        return
    if unanswered:
        await ack()
    await ctx.tell(body, kwargs.get("respond"), escape_mrkdwn(reason))


async def _recover(kwargs: dict[str, Any]) -> None:
    # only what the listener asked for is here (Bolt injects by parameter name)
    body = kwargs.get("body") or kwargs.get("command") or {}
    ack, respond = kwargs.get("ack"), kwargs.get("respond")
    try:
        if ack is not None and getattr(ack, "response", None) is None:
            if body.get("type") == "view_submission":
                await ack(response_action="update", view=message_modal("optdesk", OOPS))
                return
            await ack()
        if respond is not None and body.get("response_url"):
            await respond(text=OOPS, response_type="ephemeral", replace_original=False)
    except SLACK_ERRORS:
        log.warning("could not tell the user about the failure")
