"""`optdesk serve` as a real process, wired by the composition root to fake Twilio and Slack.

One story through every edge: a slash command issues a link, the client answers
Yes, the confirmation reaches Twilio, a STOP arrives, a staff text is refused,
and the terminal commands read the same database.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.bot.harness import signed_headers
from tests.fakes import FakeSlack, FakeTwilio
from tests.support import wait_until
from tests.webhooks.helpers import CSRF_FIELD, inbound_form, new_sid, sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
OPTDESK = str(Path(sys.executable).with_name("optdesk"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Running:
    def __init__(self, env: dict[str, str], port: int, cwd: Path) -> None:
        self.env, self.port, self.cwd = env, port, cwd
        self.url = f"http://127.0.0.1:{port}"
        self.log = cwd / "serve.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [OPTDESK, "serve", "--port", str(port)],
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._healthy, timeout=30, every=0.1)

    def _healthy(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [OPTDESK, *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def served(tmp_path: Path, db_url: str) -> Iterator[tuple[Running, FakeTwilio, FakeSlack]]:
    port = _free_port()
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OPTDESK_", "SLACK_", "TWILIO_"))
        }
        env.update(
            OPTDESK_DATABASE_URL=db_url,
            OPTDESK_PUBLIC_URL=f"http://127.0.0.1:{port}",
            OPTDESK_BUSINESS_NAME="Lumen Studio",
            OPTDESK_NOTIFY_CHANNEL="C0NOTIFY",
            OPTDESK_SMS_PER_SECOND="50",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.base_url,
            TWILIO_ACCOUNT_SID=twilio.account_sid,
            TWILIO_AUTH_TOKEN=twilio.auth_token,
            TWILIO_FROM_NUMBER="+15005550006",
            TWILIO_API_URL=twilio.base_url,
        )
        if db_url.startswith("postgresql"):
            subprocess.run([OPTDESK, "db", "upgrade"], env=env, cwd=tmp_path, check=True)
        running = Running(env, port, tmp_path)
        try:
            yield running, twilio, slack
        finally:
            running.stop()


def _slash(running: Running, slack: FakeSlack, text: str) -> str:
    body = urlencode(
        {
            "token": "x",
            "team_id": "T0001",
            "team_domain": "lumen",
            "channel_id": "C0NOTIFY",
            "channel_name": "sms",
            "user_id": "USTAFF",
            "user_name": "pat",
            "command": "/sms",
            "text": text,
            "api_app_id": "A1",
            "response_url": slack.response_url(new_sid("R")),
            "trigger_id": "1.2.3",
        }
    )
    before = len(slack.responses)
    answer = httpx.post(
        running.url + "/slack/events",
        content=body,
        headers=signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET),
    )
    assert answer.status_code == 200
    if answer.content:  # answered in the ack
        return answer.text
    wait_until(lambda: len(slack.responses) > before, timeout=10)
    return str(slack.responses[-1])


def _twilio(running: Running, twilio: FakeTwilio, body: str) -> httpx.Response:
    form = inbound_form("+14155550100", body, new_sid())
    url = running.url + "/twilio/sms"
    headers = {"X-Twilio-Signature": sign(twilio.auth_token, url, form)}
    return httpx.post(url, data=form, headers=headers)


def test_the_whole_story_through_optdesk_serve(
    served: tuple[Running, FakeTwilio, FakeSlack],
) -> None:
    running, twilio, slack = served
    answer = _slash(running, slack, 'link "Ann Lee" --phone 415-555-0100')
    link = re.search(r"http://127\.0\.0\.1:\d+/q/[\w-]+", answer)
    assert link, answer

    with httpx.Client() as browser:
        page = browser.get(link.group(0))
        assert page.status_code == 200 and "Lumen Studio" in page.text
        csrf = CSRF_FIELD.search(page.text)
        assert csrf
        done = browser.post(
            link.group(0), data={"csrf": csrf.group(1), "answer": "yes", "phone": "(415) 555-0100"}
        )
    assert done.status_code == 200 and "confirmation text" in done.text

    (confirmation,) = twilio.wait_for_sent(1, timeout=15)
    assert confirmation["to"] == "+14155550100" and "Msg frequency varies" in confirmation["body"]

    stop = _twilio(running, twilio, "STOP")
    assert stop.status_code == 200 and "<Message>" not in stop.text

    refused = _slash(running, slack, 'send "Ann Lee" Your photos are ready')
    assert "opted out" in refused
    wait_until(lambda: len(slack.calls_to("chat.postMessage")) >= 2, timeout=15)
    assert all(c.args["channel"] == "C0NOTIFY" for c in slack.calls_to("chat.postMessage"))
    time.sleep(0.5)
    assert len(twilio.sent) == 1

    verify = running.cli("ledger", "verify")
    assert verify.returncode == 0 and "2 events" in verify.stdout, verify.stderr
    status = running.cli("sms", "status", "Ann Lee")
    assert status.returncode == 0 and "opted out" in status.stdout
    # configured: local mode's pages do not exist, the staff desk included
    for page in ("/local/phone", "/local/desk", "/local/desk/live"):
        assert httpx.get(running.url + page).status_code == 404, page
