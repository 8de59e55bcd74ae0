"""`optdesk serve` warms up before it accepts a connection, and the warm-up changes nothing:
no row written, nothing posted to Slack (Bolt's auth.test is a read) or sent to Twilio."""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa

from tests.fakes import FakeSlack, FakeTwilio
from tests.optdesk.test_serve import SECRET, Running, _free_port

TABLES = ("contact", "phone_number", "consent_event", "message", "outbox", "questionnaire_link")


def test_serve_warms_up_before_listening_and_writes_nothing(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "optdesk.db"
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OPTDESK_", "SLACK_", "TWILIO_"))
        }
        env.update(
            OPTDESK_DATABASE_URL=f"sqlite:///{db}",
            OPTDESK_PUBLIC_URL=f"http://127.0.0.1:{port}",
            OPTDESK_NOTIFY_CHANNEL="C0NOTIFY",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.base_url,
            TWILIO_ACCOUNT_SID=twilio.account_sid,
            TWILIO_AUTH_TOKEN=twilio.auth_token,
            TWILIO_FROM_NUMBER="+15005550006",
            TWILIO_API_URL=twilio.base_url,
        )
        running = Running(env, port, tmp_path)  # returns once /healthz answers
        try:
            log = running.log.read_text()
            warmed = re.search(r"warmed up in \d+ ms \(requests answered \[(.*)\]\)", log)
            assert warmed is not None, log
            # /healthz, an unknown questionnaire token, an unsigned webhook, /sms help (before
            # Bolt), /sms status of nobody (through Bolt)
            assert warmed.group(1) == "200, 404, 403, 200, 200"
            assert warmed.start() < log.index("Uvicorn running on")
            assert "warm-up" not in log  # no step failed
            engine = sa.create_engine(f"sqlite:///{db}")
            with engine.connect() as conn:
                rows = {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in TABLES}
            engine.dispose()
            assert rows == dict.fromkeys(TABLES, 0)
            # Bolt checks its token on its first request (auth.test, a read): done now
            assert [c.method for c in slack.calls] == ["auth.test"]
            assert slack.responses == []
            assert twilio.sent == [] and twilio.requests == []
        finally:
            running.stop()
