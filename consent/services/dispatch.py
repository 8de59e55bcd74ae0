"""The dispatcher: delivers outbox rows (texts, Slack posts) with retries and backoff.

Every text is checked against the gate again right before it is handed to the gateway,
after any wait for the sending rate, so a STOP that lands between queueing and sending
wins; a held text is re-queued at its due time, with why. Rows are leased, so several
dispatchers never deliver the same row; a pass hands back what it has not reached.

Twilio has no idempotency key, so a text is never simply sent again: when a row comes
back for another attempt (its last send failed, maybe after reaching Twilio, or its
dispatcher died mid-send), the gateway is first asked whether Twilio already has that
text, and if so its SID is adopted instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from consent.model import SendKind
from consent.phones import time_zones
from consent.policy import Refused, Wait, may_send
from consent.records import Delivery, Message, OutboxItem, OutboxKind
from consent.senders import Notifier, SendResult, SmsError, SmsGateway
from consent.services.context import Desk, notify
from consent.services.delivery import carrier_opt_out, delivery_note
from consent.services.dispatch_notes import places_for, post_notes, settle_notes, stored_notes
from consent.services.gate import hold_text, prior_of
from consent.services.retries import HANDED_BACK, MAX_ATTEMPTS, backoff

log = logging.getLogger("optdesk.dispatch")
LEASE = timedelta(minutes=2)
# Rows of a pass are only started while this much of the lease is left: one delivery
# (rate limit + the gateway's 15 s timeout) ends while the row is still ours.
LEASE_MARGIN = timedelta(seconds=60)
# After an uncertain failure, wait this long before looking and retrying: Twilio may
# still be working on the request our client gave up on.
SETTLE = timedelta(seconds=60)
# Texts found at Twilio count as ours from this long before the row was queued (clocks).
LOOKBACK = timedelta(minutes=5)
UNCERTAIN = "uncertain: "  # last_error prefix: this attempt may have reached Twilio
__all__ = ["SETTLE", "Dispatcher", "backoff"]


@dataclass
class Dispatcher:
    desk: Desk
    gateway: SmsGateway
    notifier: Notifier
    batch: int = 20
    settle: timedelta = SETTLE

    def claim(self) -> list[OutboxItem]:
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            items = uow.outbox.claim_due(now, self.batch, now + LEASE)
            uow.commit()
        return items

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were handled."""
        deadline = self.desk.clock.now() + LEASE - LEASE_MARGIN
        items = await asyncio.to_thread(self.claim)
        notes = [item for item in items if item.kind is not OutboxKind.SMS]
        if notes:  # the quick ones first: a pass's notes take a read, posts and a write
            await self.deliver_notes(notes, deadline)
        texts = [item for item in items if item.kind is OutboxKind.SMS]
        for n, item in enumerate(texts):
            if self.desk.clock.now() >= deadline:  # slow going: let others have the rest
                await asyncio.to_thread(self.release, texts[n:])
                break
            await asyncio.to_thread(self.deliver_sms, item)
        return len(items)

    def release(self, items: list[OutboxItem]) -> None:
        """Hand leased rows back untouched, due at once, before their lease runs out."""
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            for item in items:
                uow.outbox.retry(item.id, now, HANDED_BACK)
            uow.commit()

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
        if item.attempts > 1 and self._settled_by_lookup(item):
            return
        message = self._cleared(item)  # refused and held texts settle without taking a slot
        if message is None:
            return
        if self.gateway.pace() > 0:  # time passed waiting for the slot: ask the gate again
            message = self._cleared(item)
            if message is None:
                return
        try:
            result = self.gateway.send(message.e164, message.body, message.id)
        except SmsError as err:
            self._failed(item, err)
            return
        self._sent(item, message, result)

    def _cleared(self, item: OutboxItem) -> Message | None:
        """The text, if the gate lets it go now (refused, held, vanished texts settle here);
        an automated one counts against its state's cap from now (its number's row locked)."""
        now = self.desk.clock.now()
        with self.desk.uow() as uow:
            message = uow.messages.get(item.message_id) if item.message_id else None
            if message is None:
                uow.outbox.fail(item.id, "message row is gone")
                uow.commit()
                return None
            kind = SendKind(message.kind)
            automated = kind is SendKind.AUTOMATED
            state = uow.numbers.get(message.e164, lock=automated)
            prior = prior_of(uow, message, state, now)
            zones = time_zones(message.e164)
            decision = may_send(state, kind, now, zones, prior, queued_at=message.created_at)
            if isinstance(decision, Refused):
                uow.messages.set_status(message.id, Delivery.REFUSED, error=decision.reason)
                uow.outbox.done(item.id)
                notify(uow, delivery_note(uow, message, "refused", decision.reason), now)
                uow.commit()
                return None
            if isinstance(decision, Wait):
                hold_text(uow, item.id, message, decision, now)
                uow.commit()
                return None
            if automated:
                uow.messages.mark_sending(message.id, now)
                uow.commit()
        return message

    def _settled_by_lookup(self, item: OutboxItem) -> bool:
        """Another attempt: did an earlier one reach Twilio after all? True when settled here
        (its text found and adopted, or Twilio could not say and the row is rescheduled)."""
        with self.desk.uow(write=False) as uow:
            message = uow.messages.get(item.message_id) if item.message_id else None
        if message is None:
            return False
        since = message.created_at - LOOKBACK
        try:
            found = self.gateway.find_sent(message.e164, message.body, since)
        except SmsError as err:
            self._failed(item, err)
            return True
        with self.desk.uow() as uow:
            for result in found:
                owner = uow.messages.by_sid(result.sid)
                if owner is None or owner.id == message.id:  # not another row's identical text
                    log.info("message %s had reached Twilio as %s", message.id, result.sid)
                    uow.messages.set_status(message.id, result.status, sid=result.sid)
                    uow.outbox.done(item.id)
                    uow.commit()
                    return True
        return False

    def _sent(self, item: OutboxItem, message: Message, result: SendResult) -> None:
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
                delay = backoff(item.attempts)
                if err.uncertain:
                    delay = max(delay, self.settle)
                error = (UNCERTAIN if err.uncertain else "") + err.reason
                uow.outbox.retry(item.id, now + delay, error)
                uow.commit()
                return
            uow.messages.set_status(message.id, Delivery.FAILED, error=err.reason)
            uow.outbox.fail(item.id, err.reason)
            if err.unsubscribed:
                carrier_opt_out(uow, message, now, str(err.code) if err.code else None)
            notify(uow, delivery_note(uow, message, "failed", err.reason), now)
            uow.commit()

    # Slack ---------------------------------------------------------------------------------

    async def deliver_notes(self, items: list[OutboxItem], until: datetime) -> None:
        """The pass's notes: one read for where they go, posted in order, one write for
        every outcome (consent/services/dispatch_notes.py)."""
        notes = stored_notes(items)
        contacts = {note.contact_id for _, note in notes}
        places = await asyncio.to_thread(places_for, self.desk, contacts)
        outcomes = await post_notes(self.notifier, notes, places, until, self.desk.clock.now)
        await asyncio.to_thread(settle_notes, self.desk, outcomes)
