"""Start-up: the first second of a server that is (re)started under traffic.

Starts `optdesk serve` on a fresh SQLite database, waits only until its port accepts a
TCP connection (not for /healthz: that would warm it), then at once fires signed `/sms
help` commands and STOP webhooks, each from its own wrk process (32 connections each, for
1 s), and reports p50/p99/max of each. Repeated; figures are medians over the repeats.
Before the warm-up (optdesk/warmup.py) the first requests paid for imports and first-use
builds while the rest queued.

    .venv/bin/python -m bench.startup --repeats 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.context import Bench, Options, fakes
from bench.load import Point, run_wrk
from bench.procs import Procs, free_port, optdesk_argv
from bench.signed import slash_body, write_slash_bodies, write_stop_bodies

CONNS = 32
SECONDS = 1.0


def _wait_port(port: int, timeout: float = 60.0) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return time.monotonic() - t0
        time.sleep(0.005)
    raise TimeoutError(f"port {port} never opened")


def _burst(b: Bench, base: str, tag: str) -> dict[str, Point]:
    """`/sms help` and STOP at once, CONNS connections each, for SECONDS."""
    help_bodies = b.workdir / f"help-{tag}.tsv"
    stop_bodies = b.workdir / f"stop-{tag}.tsv"
    points: dict[str, Point] = {}

    def fire(name: str, path: str, bodies: Path, mode: str, marker: str) -> None:
        points[name] = run_wrk(
            name, base + path, bodies, mode, connections=CONNS, seconds=SECONDS, marker=marker
        )

    threads = [
        threading.Thread(
            target=fire, args=("help", "/slack/events", help_bodies, "slack", "/sms subcommands")
        ),
        threading.Thread(target=fire, args=("stop", "/twilio/sms", stop_bodies, "twilio", "")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return points


def _bodies(b: Bench, base: str, tag: str, first_index: int) -> None:
    response_url = b.slack.response_url("startup")
    write_slash_bodies(
        b.workdir / f"help-{tag}.tsv",
        b.signing_secret,
        [slash_body("help", response_url, n=i) for i in range(4000)],
    )
    write_stop_bodies(
        b.workdir / f"stop-{tag}.tsv",
        base + "/twilio/sms",
        b.twilio.auth_token,
        b.twilio.account_sid,
        first_index,
        6000,
    )


def _figures(points: dict[str, Point]) -> dict[str, Any]:
    return {
        name: {
            "requests": p.requests,
            "p50_ms": round(p.p50_ms, 1),
            "p99_ms": round(p.p99_ms, 1),
            "max_ms": round(p.max_ms, 1),
            "non_2xx": p.non_2xx,
            "socket_errors": p.socket_errors,
        }
        for name, p in points.items()
    }


def _once(b: Bench, k: int) -> dict[str, Any]:
    """One start: the first second, then (after a pause) a second burst for comparison."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    _bodies(b, base, f"{k}-first", k * 20_000)
    _bodies(b, base, f"{k}-later", k * 20_000 + 10_000)
    env = b.optdesk_env(b.sqlite_url(f"startup-{k}"), port)
    argv = optdesk_argv("serve", "--host", "127.0.0.1", "--port", str(port))
    proc = b.procs.start(f"startup-{k}", argv, env, port=port)
    try:
        opened = _wait_port(port)
        first = _burst(b, base, f"{k}-first")
        time.sleep(2.0)  # the first burst's follow-up work (Slack posts) settles
        later = _burst(b, base, f"{k}-later")
    finally:
        b.procs.stop(proc)
    return {"port_open_s": round(opened, 3), "first": _figures(first), "later": _figures(later)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.startup")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="optdesk-startup-"))
    runs = []
    try:
        with Procs(workdir) as procs, fakes() as (twilio, slack):
            b = Bench(Options(), workdir, procs, twilio, slack)
            for k in range(args.repeats):
                run = _once(b, k)
                print(json.dumps(run), flush=True)
                runs.append(run)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    summary: dict[str, Any] = {
        f"{when} {name}": {
            key: statistics.median(r[when][name][key] for r in runs)
            for key in ("requests", "p50_ms", "p99_ms", "max_ms")
        }
        for when in ("first", "later")
        for name in ("help", "stop")
    }
    summary["port_open_s"] = statistics.median(r["port_open_s"] for r in runs)
    print("median:", json.dumps(summary), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "median": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
