"""Drill 4: the database goes away for a moment while Twilio keeps posting.

On a throwaway PostgreSQL cluster of the drill's own: it is stopped in the middle of a
stream of STOPs and started again. Meanwhile every request fails cleanly (a 5xx, so
Twilio can retry; quickly, never a hang; never half-written) and /healthz says 503 with
the database error. Afterwards the same server serves again without a restart, the
retried STOPs count once each, the ledger verifies and the dispatcher delivers again.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from consent.services.context import Desk, DeskConfig, SystemClock
from consent.services.dispatch import LEASE
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
from tests.drills.scratch_pg import ScratchPostgres
from tests.fakes import FakeSlack, FakeTwilio

TWILIO_PATIENCE = 15.0  # seconds Twilio waits for a webhook answer
WORKERS = 4
MAX_REQUESTS = 20_000  # the traffic stops by itself whatever happens
PACE = 0.05  # seconds between one worker's requests


@dataclass(frozen=True)
class Blackout:
    answered_before: int  # STOPs answered 200 before the database goes away
    seconds: float  # how long it stays away
    mode: str  # pg_ctl stop mode: fast (clean shutdown) or immediate (a crash)
    wait_for_leases: bool  # wait until rows leased before the outage are delivered too


@dataclass(frozen=True)
class Answer:
    sms: Inbound
    status: int | None  # None: no HTTP answer at all
    started: float
    seconds: float
    body: str


class Traffic:
    """Twilio posting STOPs from new numbers, `WORKERS` at a time, until stopped."""

    def __init__(self, server: Server, token: str) -> None:
        self.server, self.token = server, token
        self.answers: list[Answer] = []
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._post, daemon=True) for _ in range(WORKERS)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(TWILIO_PATIENCE * 4)
        assert not any(t.is_alive() for t in self._threads), "a webhook request hung"

    def _post(self) -> None:
        # A connection per request: after an unhandled error uvicorn closes the connection
        # (Starlette re-raises past its 500 page), so a request racing onto that kept-alive
        # connection is reset unanswered. Each Twilio webhook is its own request anyway.
        with http_client(1, timeout=TWILIO_PATIENCE * 2, keepalive=False) as http:
            while not self._stop.is_set():
                with self._lock:
                    n = next(self._numbers)
                if n >= MAX_REQUESTS:
                    return
                sms = Inbound(number(n, block=11), "STOP", new_sid(n, block=11))
                started = time.monotonic()
                try:
                    reply = post_inbound(http, self.server.url, self.token, sms)
                    status, body = reply.status_code, reply.text
                except httpx.TransportError as err:
                    status, body = None, repr(err)
                answer = Answer(sms, status, started, time.monotonic() - started, body)
                with self._lock:
                    self.answers.append(answer)
                self._stop.wait(PACE)

    def count(self, ok: bool, since: float = 0.0) -> int:
        with self._lock:
            return sum(1 for a in self.answers if (a.status == 200) == ok and a.started >= since)


def _health(server: Server) -> tuple[int, dict[str, Any]]:
    reply = httpx.get(server.url + "/healthz", timeout=TWILIO_PATIENCE)
    return reply.status_code, reply.json()


@pytest.fixture
def scratch_postgres() -> Iterator[ScratchPostgres]:
    pg = ScratchPostgres()
    try:
        pg.start()
        yield pg
    finally:
        pg.close()


@pytest.mark.parametrize(
    "blackout",
    variants(Blackout(10, 1.5, "fast", False), Blackout(scaled(60), 8.0, "immediate", True)),
)
def test_the_database_going_away_fails_requests_cleanly_and_the_server_recovers(
    blackout: Blackout, scratch_postgres: ScratchPostgres, tmp_path: Path
) -> None:
    pg = scratch_postgres
    db = Db(pg.url)
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = base_env(pg.url, twilio, slack)
        token = twilio.auth_token
        with serving(env, tmp_path) as server:
            client = Inbound(number(1, block=12), "START", new_sid(1, block=12))
            with http_client() as http:
                assert post_inbound(http, server.url, token, client).status_code == 200

            with Traffic(server, token) as traffic:
                enough = blackout.answered_before
                wait_for(lambda: traffic.count(ok=True) >= enough, 120, "STOPs answered")
                went_away, down_since = datetime.now(UTC), time.monotonic()
                pg.stop(blackout.mode)
                _, health = wait_for(lambda: _down(server), 60, "/healthz says 503")
                # a generic reason: the driver's error (host, port, user) goes to the log only
                assert health["ok"] is False, health
                assert health["database"] == {"ok": False, "error": "database unavailable"}
                wait_for(lambda: traffic.count(ok=False, since=down_since), 60, "a failed STOP")
                time.sleep(blackout.seconds)  # the outage goes on
                pg.start()
                back_since = time.monotonic()
                wait_for(lambda: _health(server)[0] == 200, 120, "/healthz says 200 again")
                wait_for(lambda: traffic.count(ok=True, since=back_since), 120, "a STOP after")

            answers = traffic.answers
            failed = [a for a in answers if a.status != 200]
            print(
                f"database outage drill: {len(answers)} STOPs, {len(failed)} failed "
                f"(statuses {sorted({a.status or 0 for a in failed})}), slowest "
                f"{max(a.seconds for a in answers):.2f}s"
            )
            _assert_clean_failures(answers)
            # Twilio retries what failed; each counts once, and retries of the rest do nothing.
            with http_client(WORKERS) as http, ThreadPoolExecutor(WORKERS) as pool:
                again = pool.map(lambda a: post_inbound(http, server.url, token, a.sms), answers)
                assert {reply.status_code for reply in again} == {200}

            stops = [a.sms for a in answers]
            _assert_each_stop_once(db, stops, client)
            verify = cli(env, tmp_path, "ledger", "verify")
            assert verify.returncode == 0, verify.stderr
            assert f"ledger ok: {len(stops) + 1} events" in verify.stdout

            # The dispatcher delivers again, without a restart.
            _text(pg.url, client.from_, "after the outage")
            wait_for(lambda: _bodies(twilio) == ["after the outage"], 120, "the text sent")
            lapsed = went_away + LEASE + timedelta(seconds=5)
            wait_for(lambda: _only_leased_before(db, lapsed), 120, "the outbox drained")
            if blackout.wait_for_leases:  # rows a failed pass held: delivered once it lapses
                wait_for(lambda: not db.unsettled(), LEASE.total_seconds() + 120, "leases")
    db.close()


def _down(server: Server) -> tuple[int, dict[str, Any]] | None:
    status, health = _health(server)
    return (status, health) if status == 503 else None


def _assert_clean_failures(answers: list[Answer]) -> None:
    failed = [a for a in answers if a.status != 200]
    assert failed, "no request saw the outage"
    assert all(a.status is not None and 500 <= a.status < 600 for a in failed), [
        (a.status, a.body[:300]) for a in failed if not a.status or a.status < 500
    ]
    assert not [a for a in failed if "Traceback" in a.body or "psycopg" in a.body]
    slowest = max(a.seconds for a in answers)
    assert slowest < TWILIO_PATIENCE, f"a webhook took {slowest:.1f}s"


def _assert_each_stop_once(db: Db, stops: list[Inbound], client: Inbound) -> None:
    events = db.events()
    assert sorted(e.phone for e in events) == sorted([s.from_ for s in stops] + [client.from_])
    assert sorted(db.inbound_sids()) == sorted([s.sid for s in stops] + [client.sid])
    # Nothing half-written: each claimed MessageSid has its message and its event.
    assert db.sms_keys() == len(stops) + 1


def _text(db_url: str, phone: str, body: str) -> None:
    engine = make_engine(db_url)
    try:
        desk = Desk(SqlUnitOfWorkFactory(engine, clock := SystemClock()), clock, DeskConfig())
        send_text(desk, phone, body, actor="drill")
    finally:
        engine.dispose()


def _bodies(twilio: FakeTwilio) -> list[str]:
    return [r["body"] for r in twilio.sent]


def _only_leased_before(db: Db, lapsed: datetime) -> bool:
    """Delivered, all of it, except rows a pass held when the database went away."""
    return all(
        row.status == "inflight"
        and row.leased_until is not None
        and row.leased_until.replace(tzinfo=row.leased_until.tzinfo or UTC) <= lapsed
        for row in db.unsettled()
    )


@pytest.mark.parametrize("seconds", variants(1.5, 8.0))
def test_a_locked_sqlite_database_makes_requests_wait_not_fail(
    seconds: float, sqlite_url: str, tmp_path: Path
) -> None:
    """SQLite's analogue: another process holds the write lock a while (a backup, a VACUUM).
    Webhooks wait for it (busy timeout) and then succeed; none fails, none is lost."""
    db = Db(sqlite_url)
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = base_env(sqlite_url, twilio, slack)
        with serving(env, tmp_path) as server:
            locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
            try:
                with Traffic(server, twilio.auth_token) as traffic:
                    wait_for(lambda: traffic.count(ok=True) >= 5, 60, "STOPs answered")
                    locker.execute("BEGIN IMMEDIATE")
                    locked_at = time.monotonic()
                    time.sleep(seconds)  # the lock is held this long
                    locker.execute("ROLLBACK")
                    wait_for(lambda: traffic.count(ok=True, since=locked_at + seconds), 60, "after")
            finally:
                locker.close()
            answers = traffic.answers
            assert {a.status for a in answers} == {200}
            waited = max(a.seconds for a in answers if a.started >= locked_at)
            assert seconds * 0.5 < waited < TWILIO_PATIENCE, waited
            assert sorted(e.phone for e in db.events()) == sorted(a.sms.from_ for a in answers)
    db.close()
