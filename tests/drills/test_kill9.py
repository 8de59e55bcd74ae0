"""Drill 1: `kill -9` the server in the middle of a STOP storm, then restart it.

Every STOP answered 200 is in the ledger, none twice; Twilio's retries of the answered
ones change nothing; the unanswered ones count once they are retried; the hash chain
verifies. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from consent.services.dispatch import LEASE
from tests.drills.harness import (
    Db,
    Inbound,
    Server,
    base_env,
    cli,
    db_variants,
    http_client,
    new_sid,
    number,
    post_inbound,
    scaled,
    serving,
    wait_for,
)
from tests.fakes import FakeSlack, FakeTwilio

WORKERS = 16


@dataclass(frozen=True)
class Storm:
    texts: int  # distinct numbers, one STOP each
    kill_after: int  # answered STOPs before the kill


def _answer(http: httpx.Client, server: Server, token: str, sms: Inbound) -> int | None:
    """The HTTP status, or None when the request died with the server."""
    try:
        return post_inbound(http, server.url, token, sms).status_code
    except httpx.TransportError:
        return None


def _storm(server: Server, token: str, stops: list[Inbound], kill_after: int) -> dict[str, int]:
    """Fire every STOP from a thread pool; SIGKILL the server once `kill_after` were answered.

    Returns the status of each STOP that got an answer before the server died."""
    answered: dict[str, int] = {}
    with http_client(WORKERS, timeout=60) as http, ThreadPoolExecutor(WORKERS) as pool:
        futures: dict[Future[int | None], Inbound] = {
            pool.submit(_answer, http, server, token, sms): sms for sms in stops
        }
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=120, return_when=FIRST_COMPLETED)
            assert done, "the storm stalled"
            for future in done:
                status = future.result()
                if status is not None:
                    answered[futures[future].sid] = status
            ok = sum(status == 200 for status in answered.values())
            if ok >= kill_after and server.proc.poll() is None:
                time.sleep(random.uniform(0, 0.05))  # land anywhere in a request's life
                server.kill9()
    return answered


def _resend(server: Server, token: str, stops: list[Inbound]) -> list[int | None]:
    with http_client(WORKERS) as http, ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda sms: _answer(http, server, token, sms), stops))


@pytest.mark.parametrize(
    ("storm", "db_url"),
    db_variants(Storm(60, 20), Storm(scaled(600), scaled(250)), bounded_on=("sqlite", "postgres")),
    indirect=["db_url"],
)
def test_a_killed_server_keeps_every_answered_stop_once(
    storm: Storm, db_url: str, tmp_path: Path
) -> None:
    stops = [Inbound(number(n), "STOP", new_sid(n)) for n in range(storm.texts)]
    by_sid = {sms.sid: sms for sms in stops}
    db = Db(db_url)
    with FakeTwilio() as twilio, FakeSlack() as slack:
        env = base_env(db_url, twilio, slack)
        if db_url.startswith("postgresql"):
            assert cli(env, tmp_path, "db", "upgrade").returncode == 0
        token = twilio.auth_token
        first = Server(env, tmp_path, "before-kill")
        try:
            first.wait_healthy()
            answered = _storm(first, token, stops, storm.kill_after)
        finally:
            first.kill9()
        killed_at = datetime.now(UTC)
        ok_before = {sid for sid, status in answered.items() if status == 200}
        assert len(ok_before) >= storm.kill_after
        assert all(s == 200 for s in answered.values()), Counter(answered.values())

        # Whatever happened to the rest, what was answered 200 is durable.
        events = db.events()
        print(
            f"kill -9 drill: {len(ok_before)} of {storm.texts} STOPs answered before the kill, "
            f"{len(events) - len(ok_before)} more committed unanswered"
        )
        assert {by_sid[sid].from_ for sid in ok_before} <= {e.phone for e in events}
        assert _no_phone_twice(events)

        with serving(env, tmp_path, "after-kill") as second:
            head = (len(events), events[-1].seq)
            # Twilio retries what it saw answered too (a lost answer looks the same to
            # it): those retries change nothing ...
            again = _resend(second, token, [by_sid[sid] for sid in sorted(ok_before)])
            assert again == [200] * len(ok_before)
            assert (len(db.events()), db.events()[-1].seq) == head
            # ... and the ones that died with the server count now, once each.
            rest = [sms for sms in stops if sms.sid not in ok_before]
            assert _resend(second, token, rest) == [200] * len(rest)
            assert _resend(second, token, stops) == [200] * len(stops)  # and once more: no-op

            _assert_one_opt_out_per_number(db, stops)
            verify = cli(env, tmp_path, "ledger", "verify")
            assert verify.returncode == 0, verify.stderr
            assert f"ledger ok: {storm.texts} events" in verify.stdout
            # The dispatcher picks up the Slack notes; rows leased by the killed process
            # wait out their lease, nothing else is left behind.
            wait_for(lambda: _only_killed_leases(db, killed_at), 120, "pending notes delivered")
    db.close()


def _no_phone_twice(events: list[Any]) -> bool:
    return max(Counter(e.phone for e in events).values(), default=0) <= 1


def _assert_one_opt_out_per_number(db: Db, stops: list[Inbound]) -> None:
    events = db.events()
    assert sorted(e.phone for e in events) == sorted(sms.from_ for sms in stops)
    assert {e.status for e in events} == {"opted out"}
    assert {e.source for e in events} == {"sms_keyword"}
    assert sorted(e.evidence["message_sid"] for e in events) == sorted(s.sid for s in stops)
    assert [e.seq for e in events] == list(range(1, len(stops) + 1))  # no gap, no fork
    assert set(db.statuses().values()) == {"opted out"}
    assert sorted(db.inbound_sids()) == sorted(sms.sid for sms in stops)
    assert db.sms_keys() == len(stops)


def _only_killed_leases(db: Db, killed_at: datetime) -> bool:
    """Every outbox row is delivered, except rows the killed server held (lease not lapsed)."""
    left = db.unsettled()
    return all(
        row.status == "inflight"
        and row.leased_until is not None
        and _aware(row.leased_until) <= killed_at + LEASE + timedelta(seconds=5)
        for row in left
    )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
