"""What the send gate reads beyond a number's state: the texts of the same family that
went before, and whether a double opt-in request is open (SPEC §1, §2)."""

from __future__ import annotations

from datetime import datetime

from consent.model import NumberState, SendKind
from consent.policy import Prior, counted_since, earlier_texts, family
from consent.ports import UnitOfWork
from consent.records import Message


def prior_of(uow: UnitOfWork, message: Message, state: NumberState | None, now: datetime) -> Prior:
    """The gate's `Prior` for one queued text (only the one-per-opt-out, one-a-day kinds
    need it)."""
    kind = SendKind(message.kind)
    kinds = family(kind)
    if state is None or not kinds:
        return Prior()
    others = uow.messages.outbound_to(message.e164, kinds, counted_since(kind, state, now))
    request_open = (
        kind is SendKind.OPT_IN_REQUEST and uow.requests.open_for(message.e164, now) is not None
    )
    return Prior(earlier_texts(message.id, others), request_open)
