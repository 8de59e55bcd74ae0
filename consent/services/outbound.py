"""Queueing a text: the one way any use case sends an SMS."""

from __future__ import annotations

from consent.ports import UnitOfWork
from consent.records import Message, OutboundDraft, OutboxKind


def queue_text(uow: UnitOfWork, draft: OutboundDraft) -> Message:
    """Record the outbound text and queue its sending at `draft.send_after`, in the
    caller's transaction: the dispatcher checks consent and quiet hours again when it
    sends, so a STOP that lands in between wins."""
    message = uow.messages.add_outbound(draft, draft.send_after)
    uow.outbox.add(OutboxKind.SMS, {}, draft.send_after, message.id)
    return message
