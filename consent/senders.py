"""The ports to the two services the desk talks to: the SMS gateway (Twilio, in webhooks/)
and the notifier (Slack, in bot/). `consent.ports` re-exports them with the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from consent.notes import Note


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class SmsError(Exception):
    """A gateway failure. `permanent` errors are not retried; `unsubscribed`: the carrier
    says the recipient opted out (the gateway maps its own error code onto it).

    `uncertain`: the request may have reached the carrier although no answer came back (a
    read timeout, a dropped connection): the text may be out, so look before sending again.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        unsubscribed: bool = False,
        code: int | None = None,
        uncertain: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason, self.permanent, self.unsubscribed, self.code = (
            reason,
            permanent,
            unsubscribed,
            code,
        )
        self.uncertain = uncertain


class SmsGateway(Protocol):
    def pace(self) -> float:
        """Block until the sending rate allows one more text; returns the seconds waited.
        The dispatcher calls it before `send` and checks the gate again after a wait, so a
        STOP that lands while a text waits for its slot wins."""
        ...

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        """Hand one text to the carrier at once (`pace` first); raises SmsError."""
        ...

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        """Texts with exactly this body the carrier took for `to` at or after `since`, newest
        first. Twilio has no idempotency key: before sending a text again, the dispatcher
        asks here whether an earlier attempt whose answer was lost got through. Raises
        SmsError when it cannot tell."""
        ...


class NotifyError(Exception):
    """A notifier failure that is worth retrying."""


class Notifier(Protocol):
    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        note: Note,
        *,
        note_id: int | None = None,
        attempt: int = 1,
    ) -> str:
        """Post one notification (rendered by the adapter); returns the message ts.
        `note_id` names the outbox row (the same on every attempt), so on a later
        `attempt` the adapter can find a post an earlier one made after all."""
        ...
