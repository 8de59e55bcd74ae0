"""Part 1: inbound STOP webhooks against one server process, beside two baselines.

Servers, in order: (a) bare Starlette answering constant TwiML, (b) form + signature
only, then `optdesk serve` on SQLite and on PostgreSQL. Each point: a warmup at the
same concurrency, then the measured run. Every request to optdesk carries a new
MessageSid and a new From number (bodies are never replayed; `wrapped` says if they
were). After each optdesk point the database is checked: ledger events added equal
the 200 answers (plus at most the requests still in flight when wrk stopped), one
event per number, and at least one Slack outbox row per event.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.context import Bench
from bench.load import Point, run_wrk
from bench.procs import clean_env, free_port, optdesk_argv, python_argv
from bench.profiling import Profiler
from bench.signed import write_stop_bodies
from consent.records import Direction

PATH = "/twilio/sms"
BASELINE_POOL = 30_000  # baselines don't care about repeats; optdesk never gets one
HEADROOM = 1.3


def run(b: Bench) -> dict[str, Any]:
    out: dict[str, Any] = {"points": [], "checks": []}
    ceiling: dict[int, float] = {}
    for kind in ("twiml", "sigonly"):
        points = _baseline(b, kind)
        out["points"] += points
        if kind == "sigonly":
            ceiling = {p["connections"]: p["rps"] for p in points}
    backends = [("sqlite", b.sqlite_url("stop"))]
    if b.postgres_available():
        backends.append(("postgres", b.create_postgres("stop")))
    for backend, url in backends:
        points, checks = _optdesk(b, backend, url, ceiling)
        out["points"] += points
        out["checks"] += checks
        if backend == "postgres":
            b.drop_postgres(url)
    return out


def _baseline(b: Bench, kind: str) -> list[dict[str, Any]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    bodies = b.workdir / f"stop-{kind}.tsv"
    write_stop_bodies(
        bodies, url + PATH, b.twilio.auth_token, b.twilio.account_sid, 0, BASELINE_POOL
    )
    env = {"TWILIO_AUTH_TOKEN": b.twilio.auth_token, "OPTDESK_PUBLIC_URL": url}
    argv = python_argv(
        "-m", "bench.baseline_apps", kind, "--host", "127.0.0.1", "--port", str(port)
    )
    proc = b.procs.start(f"baseline-{kind}", argv, env, port=port)
    b.commands.append(f"python -m bench.baseline_apps {kind} --host 127.0.0.1 --port {port}")
    try:
        proc.wait_healthy()
        points = []
        for conns in b.opts.connections:
            _point(b, f"warmup {kind}", url, bodies, conns, b.opts.warmup)
            point = _point(b, kind, url, bodies, conns, b.opts.seconds)
            points.append(_row(point, kind, "-"))
        return points
    finally:
        b.stopped(proc, f"baseline {kind}")


def _point(b: Bench, label: str, url: str, bodies: Path, conns: int, seconds: float) -> Point:
    point = run_wrk(label, url + PATH, bodies, "twilio", connections=conns, seconds=seconds)
    if not label.startswith(("warmup", "profile")):
        if point.command not in b.commands:
            b.commands.append(point.command.replace(str(b.workdir), "$WORK"))
        print(
            f"  stop {label:<16} c={conns:<3} {point.rps:8.0f} req/s  "
            f"p50 {point.p50_ms:6.2f} ms  p99 {point.p99_ms:7.2f} ms  non-2xx {point.non_2xx}",
            flush=True,
        )
    return point


def _row(point: Point, server: str, backend: str) -> dict[str, Any]:
    row = point.as_dict()
    row.update(server=server, backend=backend)
    return row


def _optdesk(
    b: Bench, backend: str, url: str, ceiling: dict[int, float]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    proc = b.start_optdesk(f"optdesk-stop-{backend}", url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    points: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    next_index = 0
    try:
        for conns in b.opts.connections:
            guess = ceiling.get(conns, 3000.0) * HEADROOM
            for label, seconds in _schedule(b, conns):
                count = int(guess * seconds) + 200
                bodies = b.workdir / f"stop-{backend}-{conns}-{label}.tsv"
                write_stop_bodies(
                    bodies, proc.base_url + PATH, b.twilio.auth_token, b.twilio.account_sid,
                    next_index, count,
                )  # fmt: skip
                next_index += count
                before = _settled_counts(engine)
                b.slack.reset()  # the fake keeps every post in memory
                profiler = None
                if label == "profile":
                    prefix = b.workdir / f"profile-stop-{backend}-{conns}"
                    profiler = Profiler.start(proc.pid, prefix, seconds)
                name = f"optdesk {backend}" if label == "measure" else f"{label} {backend}"
                point = _point(b, name, proc.base_url, bodies, conns, seconds)
                if profiler is not None:
                    profiler.finish(b)
                after = _settled_counts(engine)
                bodies.unlink()
                check = _check(point, before, after)
                if label == "measure":
                    points.append(_row(point, "optdesk", backend))
                    checks.append({"backend": backend, "connections": conns, **check})
                    _say_check(check)
    finally:
        b.stopped(proc, f"optdesk serve ({backend}): STOP runs")
    try:
        total = _counts(engine)["events"]
    finally:
        engine.dispose()
    line = _verify(b, url)
    expected = f"ledger ok: {total} events"
    checks.append({"backend": backend, "ok": line.startswith(expected), "ledger_verify": line})
    return points, checks


def _schedule(b: Bench, conns: int) -> list[tuple[str, float]]:
    """Warmup, the measured run, and (with --profile, at the top concurrency) a profiled run."""
    runs = [("warmup", b.opts.warmup), ("measure", b.opts.seconds)]
    if b.opts.profile and conns == max(b.opts.connections):
        runs.append(("profile", min(b.opts.seconds, 6.0)))
    return runs


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        events, phones = conn.execute(
            sa.text("SELECT count(*), count(DISTINCT phone) FROM consent_event")
        ).one()
        inbound = conn.scalar(
            sa.text("SELECT count(*) FROM message WHERE direction = :d"),
            {"d": str(Direction.INBOUND)},
        )
        slack = conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE kind = 'slack'"))
        keys = conn.scalar(sa.text("SELECT count(*) FROM idempotency_key"))
    return {
        "events": int(events),
        "distinct_phones": int(phones),
        "inbound": int(inbound or 0),
        "slack_rows": int(slack or 0),
        "claimed_sids": int(keys or 0),
    }


def _settled_counts(engine: sa.Engine, timeout: float = 15.0) -> dict[str, int]:
    """Counts once requests still in flight (after wrk stopped) have been committed."""
    last = _counts(engine)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = _counts(engine)
        if now["events"] == last["events"]:
            return now
        last = now
    return last


def _check(point: Point, before: dict[str, int], after: dict[str, int]) -> dict[str, Any]:
    delta = {k: after[k] - before[k] for k in after}
    in_flight = max(point.sent - point.requests - 1, 0)  # wrk calls request() once to verify
    ok = (
        point.ok <= delta["events"] <= point.ok + in_flight
        and delta["events"] == delta["distinct_phones"] == delta["inbound"]
        and delta["claimed_sids"] == delta["inbound"]
        and delta["slack_rows"] >= delta["events"]
        and point.non_2xx == 0
        and point.wrapped == 0
    )
    return {
        "ok": ok,
        "answered_200": point.ok,
        "non_2xx": point.non_2xx,
        "in_flight_at_stop": in_flight,
        "events_added": delta["events"],
        "distinct_numbers": delta["distinct_phones"],
        "inbound_stored": delta["inbound"],
        "sids_claimed": delta["claimed_sids"],
        "slack_outbox_rows": delta["slack_rows"],
        "bodies_reused": point.wrapped,
    }


def _say_check(check: dict[str, Any]) -> None:
    verdict = "ok" if check["ok"] else "MISMATCH"
    print(
        f"    check {verdict}: {check['answered_200']} answered 200, "
        f"{check['events_added']} ledger events (+{check['in_flight_at_stop']} in flight at stop)",
        flush=True,
    )


def _verify(b: Bench, url: str) -> str:
    env = b.optdesk_env(url)
    argv = optdesk_argv("ledger", "verify")
    proc = subprocess.run(
        argv, env=clean_env(env), capture_output=True, text=True, timeout=300,
        cwd=b.workdir, check=False,
    )  # fmt: skip
    text = (proc.stdout.strip() or proc.stderr.strip()).splitlines()
    line = text[-1] if text else f"exit {proc.returncode}"
    print(f"    optdesk ledger verify: {line}", flush=True)
    b.commands.append("optdesk ledger verify")
    return line
