"""Part 4: the dispatcher's texts per second to FakeTwilio, one and two workers on PostgreSQL.

Texts to opted-in numbers are queued the way `send_text` queues them (an outbound
message and its outbox row) in one commit, while the `optdesk worker` processes are
already up and idle; the clock runs from that commit until FakeTwilio has accepted
every text. OPTDESK_SMS_PER_SECOND is high so the limiter doesn't set the pace.
Checks: every text arrived exactly once (bodies are unique), only to opted-in
numbers, and every outbox row is settled. Baseline: one process calling the twilio
SDK's messages.create in a loop against the same FakeTwilio.
"""

from __future__ import annotations

import json
import math
import subprocess
import time
from collections import Counter
from typing import Any

import sqlalchemy as sa

from bench import seed
from bench.context import Bench
from bench.procs import clean_env, optdesk_argv, python_argv

PER_SECOND = "1000"
TIMEOUT_S = 180.0


def run(b: Bench) -> dict[str, Any]:
    if not b.postgres_available():
        return {"skipped": "PostgreSQL not reachable"}
    out: dict[str, Any] = {"runs": []}
    out["runs"].append(_baseline(b))
    url = b.create_postgres("dispatch")
    try:
        numbers = _prepare(b, url)
        for workers in (1, 2):
            out["runs"].append(_workers(b, url, numbers, workers))
    finally:
        b.drop_postgres(url)
    return out


def _say(row: dict[str, Any]) -> None:
    print(
        f"  dispatch {row['label']:<22} {row['texts']} texts in {row['seconds']:6.2f} s "
        f"= {row['per_second']:7.1f} texts/s  check {'ok' if row['ok'] else 'FAILED'}",
        flush=True,
    )


def _baseline(b: Bench) -> dict[str, Any]:
    b.twilio.reset()
    env = {
        "TWILIO_ACCOUNT_SID": b.twilio.account_sid,
        "TWILIO_AUTH_TOKEN": b.twilio.auth_token,
        "TWILIO_API_URL": b.twilio.base_url,
        "TWILIO_FROM_NUMBER": "+15005550006",
    }
    argv = python_argv("-m", "bench.twilio_loop", "--count", str(b.opts.texts))
    proc = b.procs.start("twilio-loop", argv, env)
    try:
        proc.popen.wait(TIMEOUT_S)
    finally:
        b.procs.stop(proc)
    line = next(
        (x for x in proc.log_path.read_text().splitlines() if x.startswith("BENCH-JSON ")), None
    )
    if line is None:
        raise RuntimeError(f"twilio loop failed:\n{proc.log_tail()}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    b.commands.append(f"python -m bench.twilio_loop --count {b.opts.texts}")
    sent = len(b.twilio.sent)
    row = {
        "label": "SDK loop (baseline)",
        "workers": 0,
        "texts": data["count"],
        "seconds": round(data["seconds"], 3),
        "per_second": data["count"] / data["seconds"],
        "ok": sent == data["count"],
        "accepted": sent,
    }
    _say(row)
    return row


def _prepare(b: Bench, url: str) -> list[str]:
    """Migrate with `optdesk db upgrade`, seed contacts, return opted-in numbers to text."""
    env = b.optdesk_env(url)
    subprocess.run(
        optdesk_argv("db", "upgrade"), env=clean_env(env), cwd=b.workdir, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    b.commands.append("optdesk db upgrade")
    contacts = math.ceil(b.opts.texts / 0.6) + 10
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        seed.seed(engine, contacts, 0)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT e164 FROM phone_number WHERE status = 'opted in' ORDER BY id LIMIT :n"
                ),
                {"n": b.opts.texts},
            ).all()
    finally:
        engine.dispose()
    return [r[0] for r in rows]


def _queue(url: str, numbers: list[str], tag: str) -> float:
    """One commit: an outbound message and an outbox row per number; returns the commit time."""
    from consent.model import SendKind
    from consent.records import OutboundDraft, OutboxKind
    from consent.services.context import SystemClock
    from storage.engine import make_engine
    from storage.uow import SqlUnitOfWorkFactory

    engine = make_engine(url)
    try:
        uow_factory = SqlUnitOfWorkFactory(engine, SystemClock())
        now = SystemClock().now()
        with uow_factory() as uow:
            for i, e164 in enumerate(numbers):
                state = uow.numbers.get(e164)
                assert state is not None
                draft = OutboundDraft(
                    state.contact_id, e164, f"{tag} text {i}", SendKind.MANUAL, "U0STAFF01", now
                )
                message = uow.messages.add_outbound(draft, now)
                uow.outbox.add(OutboxKind.SMS, {}, now, message.id)
            uow.commit()
            return time.monotonic()
    finally:
        engine.dispose()


def _workers(b: Bench, url: str, numbers: list[str], count: int) -> dict[str, Any]:
    env = b.optdesk_env(url, OPTDESK_SMS_PER_SECOND=PER_SECOND)
    for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        env.pop(key)  # texts only: no Slack notes are queued by accepted sends
    workers = []
    try:
        for n in range(count):
            proc = b.procs.start(f"worker-{count}-{n}", optdesk_argv("worker"), env)
            b.command(env, optdesk_argv("worker"))
            workers.append(proc)
        for proc in workers:
            proc.wait_log("optdesk worker dispatching", timeout=60)
        b.twilio.reset()
        tag = f"run{count}"
        committed = _queue(url, numbers, tag)
        deadline = time.monotonic() + TIMEOUT_S
        while len(b.twilio.sent) < len(numbers) and time.monotonic() < deadline:
            time.sleep(0.01)
        times = list(b.twilio.accepted_at)
        time.sleep(1.0)  # anything sent twice would show up now
    finally:
        for proc in workers:
            b.procs.stop(proc)
    row = _check(b, url, numbers, tag, committed, times)
    row.update(label=f"{count} optdesk worker{'s' if count > 1 else ''}", workers=count)
    _say(row)
    return row


def _check(
    b: Bench, url: str, numbers: list[str], tag: str, committed: float, times: list[float]
) -> dict[str, Any]:
    sent = list(b.twilio.sent)
    bodies = Counter(str(s["body"]) for s in sent)
    allowed = set(numbers)
    twice = sum(1 for _, n in bodies.items() if n > 1)
    wrong = sum(1 for s in sent if s["to"] not in allowed or not str(s["body"]).startswith(tag))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            unsettled = conn.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'inflight')")
            )
    finally:
        engine.dispose()
    last = max(times) if times else committed
    first = min(times) if times else committed
    seconds = last - committed
    ok = len(sent) == len(numbers) and twice == 0 and wrong == 0 and unsettled == 0
    return {
        "texts": len(numbers),
        "accepted": len(sent),
        "sent_twice": twice,
        "wrong_recipient": wrong,
        "unsettled_outbox": int(unsettled or 0),
        "seconds": round(seconds, 3),
        "per_second": len(sent) / seconds if seconds > 0 else 0.0,
        "steady_per_second": (len(times) - 1) / (last - first) if last > first else 0.0,
        "first_after_s": round(first - committed, 3),
        "ok": ok,
    }
