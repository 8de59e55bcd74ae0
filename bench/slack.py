"""Part 2: slash command acknowledgement, optdesk's `/slack/events` beside a bare Bolt app.

Both apps use the same Starlette adapter (AsyncSlackRequestHandler), the same uvicorn
settings and FakeSlack as the Web API (auth.test). Bodies are signed with slack_sdk's
SignatureVerifier when the part starts (Slack's window is 5 minutes); identical bodies
are fine for slash commands. `/sms status` acks at once and answers through the
response_url (FakeSlack) afterwards; `/sms help` answers in the ack itself.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.context import Bench
from bench.load import Point, run_wrk
from bench.procs import Proc, free_port, python_argv
from bench.profiling import Profiler
from bench.signed import slash_body, write_slash_bodies

PATH = "/slack/events"
# help first: status may leave follow-up work behind. The marker is text of the answer,
# counted in the ack bodies (the rest must come through the response_url).
COMMANDS = {"help": "/sms subcommands", "status": "opted in: "}
POOL = 256


def run(b: Bench) -> dict[str, Any]:
    out: dict[str, Any] = {"points": [], "checks": []}
    proc = _start_bolt(b)
    try:
        status = _bodies(b, "status")  # signed now: Slack accepts them for 5 minutes
        for conns in b.opts.connections:
            point = _measure(b, proc, "bare bolt", status, conns, COMMANDS["status"])
            out["points"].append(_row(point, "bare bolt", "/sms status"))
            check = {"ok": point.non_2xx == 0 and point.socket_errors == 0, "acked_200": point.ok}
            out["checks"].append(
                {"server": "bare bolt", "command": "/sms status", "connections": conns, **check}
            )
        out["auth_test_calls"] = len(b.slack.calls_to("auth.test"))
    finally:
        b.stopped(proc, "bare Bolt app (baseline)")
    proc = b.start_optdesk("optdesk-slack-sqlite", b.sqlite_url("slack"))
    try:
        for text, marker in COMMANDS.items():
            bodies = _bodies(b, text)
            for conns in b.opts.connections:
                _quiet(b)
                b.slack.reset()
                point = _measure(b, proc, f"optdesk {text}", bodies, conns, marker)
                out["points"].append(_row(point, "optdesk", f"/sms {text}"))
                check = _check(b, point, text)
                out["checks"].append(
                    {"server": "optdesk", "command": f"/sms {text}", "connections": conns, **check}
                )
    finally:
        b.stopped(proc, "optdesk serve (sqlite): Slack runs")
    return out


def _quiet(b: Bench, settle: float = 1.0, timeout: float = 30.0) -> None:
    """Wait until the server's follow-up work from earlier points stopped reaching FakeSlack."""
    deadline = time.monotonic() + timeout
    last, since = len(b.slack.calls), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = len(b.slack.calls)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle:
            return


def _bodies(b: Bench, text: str) -> Path:
    path = b.workdir / f"slash-{text}.tsv"
    response_url = b.slack.response_url("bench")
    write_slash_bodies(
        path, b.signing_secret, [slash_body(text, response_url, n=i) for i in range(POOL)]
    )
    return path


def _start_bolt(b: Bench) -> Proc:
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": b.slack_token,
        "SLACK_SIGNING_SECRET": b.signing_secret,
        "SLACK_API_URL": b.slack.base_url,
    }
    argv = python_argv(
        "-m", "bench.baseline_apps", "bolt", "--host", "127.0.0.1", "--port", str(port)
    )
    proc = b.procs.start("baseline-bolt", argv, env, port=port)
    b.commands.append(f"python -m bench.baseline_apps bolt --host 127.0.0.1 --port {port}")
    proc.wait_healthy()
    return proc


def _measure(b: Bench, proc: Proc, label: str, bodies: Path, conns: int, marker: str) -> Point:
    url = proc.base_url + PATH
    load = {"connections": conns, "marker": marker}
    run_wrk("warmup", url, bodies, "slack", seconds=b.opts.warmup, **load)
    point = run_wrk(label, url, bodies, "slack", seconds=b.opts.seconds, **load)
    command = point.command.replace(str(b.workdir), "$WORK")
    if command not in b.commands:
        b.commands.append(command)
    print(
        f"  slack {label:<16} c={conns:<3} {point.rps:8.0f} req/s  "
        f"p50 {point.p50_ms:6.2f} ms  p99 {point.p99_ms:7.2f} ms  non-2xx {point.non_2xx}",
        flush=True,
    )
    if b.opts.profile and conns == max(b.opts.connections):
        seconds = min(b.opts.seconds, 6.0)
        name = "profile-slack-" + label.replace(" ", "-").replace("/", "")
        profiler = Profiler.start(proc.pid, b.workdir / name, seconds)
        run_wrk("profile", url, bodies, "slack", seconds=seconds, **load)
        if profiler is not None:
            profiler.finish(b)
    return point


def _row(point: Point, server: str, command: str) -> dict[str, Any]:
    row = point.as_dict()
    row.update(server=server, command=command)
    return row


def _check(b: Bench, point: Point, text: str) -> dict[str, Any]:
    """Every request acked 200 and answered: in the ack itself (its body holds the answer)
    or, for work that took longer, through the response_url afterwards."""
    followups = 0
    if text == "status":
        # the follow-ups of the last requests (and of the warmup) may still be on their way
        deadline = time.monotonic() + 20
        last = -1
        while time.monotonic() < deadline:
            followups = len(b.slack.responses_for("bench"))
            if followups == last and point.marked + followups >= point.ok:
                break
            last = followups
            time.sleep(0.5)
    ok = point.non_2xx == 0 and point.socket_errors == 0 and point.timeouts == 0
    ok = ok and point.marked + followups >= point.ok
    return {
        "ok": ok,
        "acked_200": point.ok,
        "answered_in_ack": point.marked,
        "followups_seen": followups,
    }
