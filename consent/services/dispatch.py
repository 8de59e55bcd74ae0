"""The dispatcher: delivers outbox rows (texts, Slack posts) with retries and backoff.

Every text is checked against the gate again right before it is handed to the
gateway, so a STOP that lands between queueing and sending wins. Rows are
leased, so several dispatchers (on PostgreSQL) never deliver the same row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from consent.model import SendKind
from consent.phones import time_zones
from consent.policy import Refused, Wait, may_send
from consent.ports import Notifier, NotifyError, SmsError, SmsGateway
from consent.records import Delivery, OutboxItem, OutboxKind
from consent.services.context import Desk, notify
from consent.services.inbound import carrier_opt_out, delivery_note

log = logging.getLogger("optdesk.dispatch")
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 30
MAX_BACKOFF = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... capped at 15 minutes."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)


@dataclass
class Dispatcher:
    desk: Desk
    gateway: SmsGateway
    notifier: Notifier
    batch: int = 20

    def claim(self) -> list[OutboxItem]:
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            items = uow.outbox.claim_due(now, self.batch, now + LEASE)
            uow.commit()
        return items

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were handled."""
        items = await asyncio.to_thread(self.claim)
        for item in items:
            if item.kind is OutboxKind.SMS:
                await asyncio.to_thread(self.deliver_sms, item)
            else:
                await self.deliver_note(item)
        return len(items)

    async def run_forever(self, idle: float = 0.5, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("dispatcher pass failed; retrying")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle)

    # texts ---------------------------------------------------------------------------------

    def deliver_sms(self, item: OutboxItem) -> None:
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            message = uow.messages.get(item.message_id) if item.message_id else None
            if message is None:
                uow.outbox.fail(item.id, "message row is gone")
                uow.commit()
                return
            state = uow.numbers.get(message.e164)
            decision = may_send(state, SendKind(message.kind), now, time_zones(message.e164))
            if isinstance(decision, Refused):
                uow.messages.set_status(message.id, Delivery.REFUSED, error=decision.reason)
                uow.outbox.done(item.id)
                notify(uow, delivery_note(uow, message, "refused", decision.reason), now)
                uow.commit()
                return
            if isinstance(decision, Wait):
                uow.messages.set_status(message.id, Delivery.WAITING)
                uow.outbox.retry(item.id, decision.until, decision.reason)
                uow.commit()
                return
        try:
            result = self.gateway.send(message.e164, message.body, message.id)
        except SmsError as err:
            self._failed(item, err)
            return
        with self.desk.uow() as uow:
            uow.messages.set_status(message.id, result.status or Delivery.ACCEPTED, sid=result.sid)
            uow.outbox.done(item.id)
            uow.commit()

    def _failed(self, item: OutboxItem, err: SmsError) -> None:
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            message = uow.messages.get(item.message_id or 0)
            assert message is not None
            final = err.permanent or item.attempts >= MAX_ATTEMPTS
            if not final:
                uow.outbox.retry(item.id, now + backoff(item.attempts), err.reason)
                uow.commit()
                return
            uow.messages.set_status(message.id, Delivery.FAILED, error=err.reason)
            uow.outbox.fail(item.id, err.reason)
            if err.unsubscribed:
                carrier_opt_out(uow, message, now)
            notify(uow, delivery_note(uow, message, "failed", err.reason), now)
            uow.commit()

    # Slack ---------------------------------------------------------------------------------

    async def deliver_note(self, item: OutboxItem) -> None:
        note = item.payload
        channel, thread = await asyncio.to_thread(self._thread_for, note)
        try:
            ts = await self.notifier.post(channel, thread, note)
        except NotifyError as err:
            await asyncio.to_thread(self._note_failed, item, str(err))
            return
        await asyncio.to_thread(self._note_done, item, channel, thread, ts, note)

    def _thread_for(self, note: Mapping[str, Any]) -> tuple[str, str | None]:
        contact_id = int(note.get("contact_id") or 0)
        with self.desk.uow(write=False) as uow:
            contact = uow.contacts.get(contact_id)
            project = (
                uow.projects.get(contact.project_id) if contact and contact.project_id else None
            )
            channel = (project.channel_id if project else None) or self.desk.config.notify_channel
            channel = channel or ""
            return channel, uow.threads.get(channel, contact_id) if channel else None

    def _note_done(
        self, item: OutboxItem, channel: str, thread: str | None, ts: str, note: Mapping[str, Any]
    ) -> None:
        with self.desk.uow() as uow:
            if thread is None and channel and ts and note.get("contact_id"):
                uow.threads.put(channel, int(note["contact_id"]), ts)
            uow.outbox.done(item.id)
            uow.commit()

    def _note_failed(self, item: OutboxItem, error: str) -> None:
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            if item.attempts >= MAX_ATTEMPTS:
                uow.outbox.fail(item.id, error)
            else:
                uow.outbox.retry(item.id, now + backoff(item.attempts), error)
            uow.commit()
