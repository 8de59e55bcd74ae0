"""Drill 3: two `optdesk serve` processes on one PostgreSQL database, both busy at once.

Twilio posts every inbound text to both (the same MessageSid at the same moment): each
acts once. Texts queued meanwhile are dispatched by both processes: FakeTwilio gets each
exactly once. The two processes send from different numbers, so the fake shows that
both really took part.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from consent.services.context import Desk, DeskConfig, SystemClock
from consent.services.staff import send_text
from storage.engine import make_engine
from storage.uow import SqlUnitOfWorkFactory
from tests.drills.harness import (
    Db,
    Inbound,
    Server,
    base_env,
    cli,
    http_client,
    new_sid,
    number,
    post_inbound,
    scaled,
    serving,
    variants,
    wait_for,
)
from tests.fakes import FakeSlack, FakeTwilio

SENDER_A, SENDER_B = "+15005550001", "+15005550002"
WORKERS = 16


@dataclass(frozen=True)
class Load:
    numbers: int  # numbers that opt in (START) and then receive the texts
    texts: int  # texts queued while both processes dispatch
    pairs: int  # other inbound texts, each posted to both processes at once


def _both_at_once(
    http: httpx.Client, servers: list[Server], token: str, texts: list[Inbound]
) -> None:
    """Post each text to every server at the same moment; every answer must be 200."""

    def post(server: Server, sms: Inbound, gate: threading.Barrier) -> int:
        gate.wait(60)
        return post_inbound(http, server.url, token, sms).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = []
        for sms in texts:
            gate = threading.Barrier(len(servers))
            futures += [pool.submit(post, server, sms, gate) for server in servers]
        statuses = [f.result(timeout=120) for f in futures]
    errors = {line for server in servers for line in _errors(server)}
    assert statuses == [200] * len(statuses), f"{Counter(statuses)}; the servers said {errors}"


def _errors(server: Server) -> list[str]:
    """The exception lines of a server's log (what a 5xx came from)."""
    lines = server.log_text().splitlines()
    return [line for line in lines if line[:1].isalpha() and "Error" in line.split(":")[0]]


def _queue_texts(db_url: str, phones: list[str], bodies: list[str]) -> None:
    """Queue texts through the use case, from several threads, as staff would."""
    engine = make_engine(db_url)
    desk = Desk(SqlUnitOfWorkFactory(engine, clock := SystemClock()), clock, DeskConfig())
    try:
        with ThreadPoolExecutor(4) as pool:
            jobs = [
                pool.submit(send_text, desk, phones[n % len(phones)], body, actor="drill")
                for n, body in enumerate(bodies)
            ]
            for job in jobs:
                job.result(timeout=120)
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "load", variants(Load(10, 60, 40), Load(scaled(40), scaled(300), scaled(120)))
)
def test_two_servers_act_once_per_message_sid_and_send_each_text_once(
    load: Load, postgres_url: str, tmp_path: Path
) -> None:
    db = Db(postgres_url)
    phones = [number(n, block=8) for n in range(load.numbers)]
    starts = [Inbound(phone, "START", new_sid(n, block=8)) for n, phone in enumerate(phones)]
    others = [
        Inbound(number(n, block=9), "STOP" if n % 2 else f"drill-hello-{n:04d}", new_sid(n, 9))
        for n in range(load.pairs)
    ]
    bodies = [f"drill text {n:05d}" for n in range(load.texts)]
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = base_env(postgres_url, twilio, slack, OPTDESK_SMS_PER_SECOND="20")
        upgrade = cli(env, tmp_path, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        with (
            serving({**env, "TWILIO_FROM_NUMBER": SENDER_A}, tmp_path, "a") as a,
            serving({**env, "TWILIO_FROM_NUMBER": SENDER_B}, tmp_path, "b") as b,
            http_client(WORKERS, keepalive=False) as http,  # see test_database_outage
        ):
            token = twilio.auth_token
            _both_at_once(http, [a, b], token, starts)
            queueing = threading.Thread(target=_queue_texts, args=(postgres_url, phones, bodies))
            queueing.start()
            try:
                _both_at_once(http, [a, b], token, others)
            finally:
                queueing.join(180)
            assert not queueing.is_alive()
            wait_for(lambda: len(twilio.sent) >= len(bodies), 180, "every text sent")
            wait_for(lambda: not db.unsettled(), 180, "every outbox row delivered")
            verify = cli(env, tmp_path, "ledger", "verify")

    sent = Counter(r["body"] for r in twilio.sent)
    assert sent == Counter(bodies), "each text exactly once"
    senders = Counter(r["from_"] for r in twilio.sent)
    assert senders[SENDER_A] and senders[SENDER_B], f"one process sent everything: {senders}"

    inbound = starts + others
    assert Counter(db.inbound_sids()) == Counter(sms.sid for sms in inbound), "each SID once"
    stops = [sms for sms in others if sms.body == "STOP"]
    events = db.events()
    assert Counter((e.phone, e.status) for e in events) == Counter(
        [(s.from_, "opted in") for s in starts] + [(s.from_, "opted out") for s in stops]
    )
    assert verify.returncode == 0 and f"ledger ok: {len(events)} events" in verify.stdout

    hellos = [sms.body for sms in others if sms.body != "STOP"]
    posts = [str(c.args.get("text")) for c in slack.calls_to("chat.postMessage") if c.ok]
    assert Counter(h for h in hellos for text in posts if h in text) == Counter(hellos)
    db.close()
