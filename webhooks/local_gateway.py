"""Local mode's `SmsGateway`: nothing is sent; every text is printed to the log, loudly."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from consent.ports import SendResult

log = logging.getLogger("optdesk.local")


class LocalGateway:
    """Without Twilio credentials texts stay in the database; see them on /local/phone."""

    def pace(self) -> float:
        """Nothing leaves, so there is no sending rate to keep."""
        return 0.0

    def send(self, to: str, body: str, message_id: int) -> SendResult:
        log.warning("LOCAL MODE: text to %s : %s", to, body)
        return SendResult(sid="LOCAL" + secrets.token_hex(15), status="sent")

    def find_sent(self, to: str, body: str, since: datetime) -> list[SendResult]:
        """Nothing ever leaves local mode, so no earlier attempt can have got through."""
        return []
