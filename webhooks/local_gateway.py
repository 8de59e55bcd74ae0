"""Local mode's `SmsGateway`: nothing is sent; every text is printed to the log, loudly.

The pretend phone (/local/phone) shows every text "sent", so in local mode a text
reaches its phone the moment it is sent. With `delivered` set (the composition root
passes the delivery use case), each text is reported delivered a moment later, as
Twilio's status callback would, so the thread on the local desk shows delivery results
as a Slack thread does.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime

from consent.senders import SendResult

log = logging.getLogger("optdesk.local")
Delivered = Callable[[str], bool]  # the sid of a text that reached the local phone
REPORT_AFTER_S = 0.2  # the dispatcher records the sid right after send() returns
REPORT_TRIES = 20


class LocalGateway:
    """Without Twilio credentials texts stay in the database; see them on /local/phone."""

    def __init__(self, delivered: Delivered | None = None) -> None:
        self.delivered = delivered

    def pace(self) -> float:
        """Nothing leaves, so there is no sending rate to keep."""
        return 0.0

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        log.warning("LOCAL MODE: text to %s : %s", to, body)
        sid = "LOCAL" + secrets.token_hex(15)
        if self.delivered is not None:
            threading.Thread(target=self._report, args=(sid,), daemon=True).start()
        return SendResult(sid=sid, status="sent")

    def _report(self, sid: str) -> None:
        """Report `sid` delivered once the dispatcher has stored it (False: not yet)."""
        assert self.delivered is not None
        for _ in range(REPORT_TRIES):
            time.sleep(REPORT_AFTER_S)
            try:
                if self.delivered(sid):
                    return
            except Exception:  # a pretend delivery report must never take anything down
                log.exception("LOCAL MODE: could not record a delivery")
                return
        log.warning("LOCAL MODE: text %s was never stored; no delivery recorded", sid)

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        """Nothing ever leaves local mode, so no earlier attempt can have got through."""
        return []
