"""Queueing a text: the one way any use case sends an SMS."""

from __future__ import annotations

from typing import Any

from consent.ports import UnitOfWork
from consent.records import Message, OutboundDraft, OutboxKind


def queue_text(
    uow: UnitOfWork, draft: OutboundDraft, broadcast: dict[str, Any] | None = None
) -> Message:
    """Record the outbound text and queue its sending at `draft.send_after`, in the
    caller's transaction: the dispatcher checks consent and quiet hours again when it
    sends, so a STOP that lands in between wins. `broadcast` (the same dict for each text
    of one broadcast) ties its texts together under its first text's id: `/sms scheduled`
    lists them as one, `/sms cancel` cancels them whole."""
    message = uow.messages.add_outbound(draft, draft.send_after)
    if broadcast is not None:
        broadcast.setdefault("broadcast", message.id)
    uow.outbox.add(OutboxKind.SMS, broadcast or {}, draft.send_after, message.id)
    return message
