"""The markdown section `make bench` appends to BENCHMARKS.md: machine, versions, figures."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import history
from bench.baseline_apps import UVICORN_KWARGS
from bench.context import Bench
from bench.load import wrk_version
from bench.procs import REPO

PACKAGES = (
    "starlette", "uvicorn", "h11", "httptools", "uvloop", "slack_bolt", "slack_sdk", "aiohttp",
    "twilio", "requests", "SQLAlchemy", "sqlmodel", "psycopg", "pydantic",
)  # fmt: skip
SERVER_HEADER = "### Peak memory"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _postgres_version(bench: Bench) -> str:
    if not bench.opts.postgres:
        return "not used"
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(bench.opts.postgres, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            version = str(conn.scalar(sa.text("SHOW server_version")))
            sync = str(conn.scalar(sa.text("SHOW synchronous_commit")))
        engine.dispose()
        return f"{version} (synchronous_commit={sync})"
    except Exception:
        return "unreachable"


def _serve_config() -> str:
    text = (REPO / "optdesk" / "limits.py").read_text()
    match = re.search(r"uvicorn\.Config\((.*?)\n    \)\n", text, re.S)
    return " ".join(match.group(1).split()) if match else "(not found)"


def _git() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        head = out.stdout.strip() or "unknown"
        return head + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _python() -> str:
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(REPO))
    except ValueError:
        return str(exe)


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else "–"


def render(bench: Bench, parts: list[str], stamp: datetime, elapsed: float, argv: str) -> str:
    r = bench.results
    lines = [
        f"## {stamp:%Y-%m-%d %H:%M} UTC: `make bench`",
        "",
        f"- Machine: {os.cpu_count()} × {_cpu_model()}, {_ram_gib()} RAM, "
        f"Linux {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {_postgres_version(bench)}, {wrk_version()}",
        f"- Packages: {_versions()}",
        f"- Code: {_git()}; parts: {', '.join(parts)}; total {elapsed / 60:.1f} min",
        f"- Command: `{_python()} -m bench.run{(' ' + argv) if argv else ''}` "
        "(what `make bench` runs, without arguments)",
        f"- uvicorn: optdesk/limits.py has `uvicorn.Config({_serve_config()})`; the baselines "
        f"in bench/baseline_apps.py use {UVICORN_KWARGS}. One process each.",
        f"- Load: wrk, 1 thread, closed loop, {bench.opts.seconds:g} s per point after a "
        f"{bench.opts.warmup:g} s warmup at the same concurrency; everything (wrk, server, "
        "PostgreSQL, the fakes in the harness process) shares the same cores on 127.0.0.1.",
    ]
    background = r.get("background_cpu") or {}
    if background:
        shares = ", ".join(
            f"{part} {seen['mean']:g}% (max {seen['max']:g}%)" for part, seen in background.items()
        )
        lines.append(
            f"- CPU used by processes outside the benchmark during each part, sampled every "
            f"2 s (100% = one core): {shares}. Other sessions share this machine."
        )
    lines += [
        "",
    ]
    if "stop" in r:
        lines += _stop(r["stop"])
    if "slack" in r:
        lines += _slack(r["slack"])
    if "home" in r:
        lines += _home(r["home"], bench)
    if "dispatch" in r:
        lines += _dispatch(r["dispatch"])
    lines += _memory(bench)
    lines += _targets(r, bench)
    if r.get("profiles"):
        lines += _profiles(r["profiles"])
    lines += [
        "### Commands",
        "",
        "Every optdesk process also gets TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
        "TWILIO_FROM_NUMBER=+15005550006 and TWILIO_API_URL (FakeTwilio), SLACK_BOT_TOKEN, "
        "SLACK_SIGNING_SECRET and SLACK_API_URL (FakeSlack; not for workers), "
        "OPTDESK_NOTIFY_CHANNEL and OPTDESK_SECRET_KEY; $WORK is the run's temporary directory.",
        "",
        "```",
        *bench.commands,
        "```",
        "",
    ]
    if bench.notes:
        lines += ["### Notes", ""] + [f"- {n}" for n in bench.notes] + [""]
    return "\n".join(lines)


def _failed(name: str, part: dict[str, Any]) -> list[str]:
    return [f"### {name}", "", f"Failed: `{part['error']}`", ""]


def _stop(part: dict[str, Any]) -> list[str]:
    name = "1. Inbound STOP webhooks (one server process)"
    if "error" in part:
        return _failed(name, part)
    points = part["points"]
    ceiling = {p["connections"]: p["rps"] for p in points if p["server"] == "sigonly"}
    floor = {p["connections"]: p["rps"] for p in points if p["server"] == "twiml"}
    checks = {(c["backend"], c.get("connections")): c for c in part["checks"]}
    lines = [
        f"### {name}",
        "",
        "Ratios are to the signature-only ceiling (b) at the same concurrency. "
        "Check: ledger events added = 200 answers (+ requests in flight when wrk stopped), "
        "one event per number, a Slack outbox row per event or more, no body reused.",
        "",
        "| server | database | conns | req/s | × ceiling | × bare | p50 ms | p99 ms | "
        "non-2xx | check |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    names = {"twiml": "(a) bare Starlette TwiML", "sigonly": "(b) form + signature only"}
    for p in points:
        c = p["connections"]
        check = checks.get((p["backend"], c))
        verdict = "–"
        if check is not None:
            verdict = (
                f"{'ok' if check['ok'] else 'MISMATCH'}: {check['events_added']} events / "
                f"{check['answered_200']} × 200 (+{check['in_flight_at_stop']})"
            )
        lines.append(
            f"| {names.get(p['server'], 'optdesk serve')} | {p['backend']} | {c} | "
            f"{_f(p['rps'], 0)} | {_ratio(p['rps'], ceiling.get(c))} | "
            f"{_ratio(p['rps'], floor.get(c))} | {p['p50_ms']:.2f} | {p['p99_ms']:.2f} | "
            f"{p['non_2xx']} | {verdict} |"
        )
    for check in part["checks"]:
        if "ledger_verify" in check:
            lines.append("")
            lines.append(
                f"`optdesk ledger verify` ({check['backend']}): `{check['ledger_verify']}`"
            )
    return [*lines, ""]


def _slack(part: dict[str, Any]) -> list[str]:
    name = "2. Slack slash command acknowledgement"
    if "error" in part:
        return _failed(name, part)
    points = part["points"]
    bare = {p["connections"]: p for p in points if p["server"] == "bare bolt"}
    checks = {(c["server"], c["command"], c["connections"]): c for c in part["checks"]}
    lines = [
        f"### {name}",
        "",
        "Ratios are to the bare Bolt app (acks only) at the same concurrency. "
        "optdesk answers in the ack when the work is quick, otherwise through the "
        "response_url (FakeSlack) afterwards. Check: every ack 200, and every command "
        "answered (its answer in the ack body, or a response_url post; the count of posts "
        "includes the warmup's).",
        "",
        "| app | command | conns | req/s | × bare Bolt | p50 ms | p99 ms | × bare p99 | check |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for p in points:
        c = p["connections"]
        base = bare.get(c)
        check = checks.get((p["server"], p["command"], c))
        verdict = "–"
        if check is not None:
            verdict = f"{'ok' if check['ok'] else 'FAILED'}: {check['acked_200']} acks"
            if "answered_in_ack" in check:
                verdict += (
                    f", {check['answered_in_ack']} answered in the ack, "
                    f"{check['followups_seen']} via response_url"
                )
        lines.append(
            f"| {p['server']} | `{p['command']}` | {c} | {_f(p['rps'], 0)} | "
            f"{_ratio(p['rps'], base['rps'] if base else None)} | {p['p50_ms']:.2f} | "
            f"{p['p99_ms']:.2f} | {_ratio(p['p99_ms'], base['p99_ms'] if base else None)} | "
            f"{verdict} |"
        )
    return [*lines, ""]


def _home(part: dict[str, Any], bench: Bench) -> list[str]:
    name = (
        f"3. `/sms status` and the App Home view ({bench.opts.contacts:,} contacts, "
        f"{bench.opts.messages:,} messages)"
    )
    if "error" in part:
        return _failed(name, part)
    backends = part["backends"]
    lines = [
        f"### {name}",
        "",
        "Timed in-process through the server's code (build_core, consent/services, "
        "bot/ renderers), median of N calls on random contacts; × = ratio to the indexed "
        "one-row SELECT on the same engine.",
        "",
    ]
    for b in backends:
        s = b["seed"]
        lines.append(
            f"- {b['backend']}: seeded {s['contacts']:,} contacts, {s['numbers']:,} numbers, "
            f"{s['events']:,} consent events, {s['links']:,} links, {s['messages']:,} messages "
            f"in {b['seed_s']} s"
        )
    header = "| measure | " + " | ".join(
        f"{b['backend']} median ms | {b['backend']} p90 ms | ×" for b in backends
    )
    lines += ["", header + " |", "|---|" + "--:|--:|--:|" * len(backends)]
    by_key = [{row["key"]: row for row in b["timings"]} for b in backends]
    for row in backends[0]["timings"] if backends else []:
        cells = []
        for table in by_key:
            t = table.get(row["key"])
            cells.append(
                f"{t['median_ms']:.3f} | {t['p90_ms']:.3f} | {t['ratio']:,.0f}"
                if t
                else "– | – | –"
            )
        lines.append(f"| {row['name']} (n={row['n']}) | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _dispatch(part: dict[str, Any]) -> list[str]:
    name = "4. Dispatcher: texts per second to FakeTwilio (PostgreSQL)"
    if "error" in part:
        return _failed(name, part)
    if "skipped" in part:
        return [f"### {name}", "", f"Skipped: {part['skipped']}", ""]
    runs = part["runs"]
    base = next((x["per_second"] for x in runs if x["workers"] == 0), None)
    lines = [
        f"### {name}",
        "",
        "Seconds from the commit that queued the texts to the last one accepted. "
        "Check: each text accepted once, only opted-in numbers, outbox settled.",
        "",
        "| sender | texts | seconds | texts/s | × SDK loop | steady texts/s | check |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for x in runs:
        steady = _f(x["steady_per_second"]) if "steady_per_second" in x else "–"
        detail = (
            f"{x['accepted']} accepted, {x.get('sent_twice', 0)} twice, "
            f"{x.get('wrong_recipient', 0)} wrong"
        )
        lines.append(
            f"| {x['label']} | {x['texts']} | {x['seconds']:.2f} | {_f(x['per_second'])} | "
            f"{_ratio(x['per_second'], base)} | {steady} | "
            f"{'ok' if x['ok'] else 'FAILED'}: {detail} |"
        )
    return [*lines, ""]


def _memory(bench: Bench) -> list[str]:
    lines = [
        SERVER_HEADER,
        "",
        "VmHWM (peak resident set) of each server process, read from /proc just before it "
        "was stopped, i.e. over everything it served.",
        "",
        "| process | peak RSS MB |",
        "|---|--:|",
    ]
    for s in bench.servers:
        peak = f"{s['peak_kb'] / 1024:.1f}" if s.get("peak_kb") else "–"
        lines.append(f"| {s['role']} | {peak} |")
    return [*lines, ""]


def peak_optdesk_mb(bench: Bench) -> float | None:
    peaks = [s["peak_kb"] for s in bench.servers if "optdesk" in s["role"] and s.get("peak_kb")]
    return max(peaks) / 1024 if peaks else None


def _targets(r: dict[str, Any], bench: Bench) -> list[str]:
    top = max(bench.opts.connections)
    rows: list[tuple[str, str, str]] = []
    stop = r.get("stop", {})
    if "points" in stop:
        ceiling = next(
            (
                p["rps"]
                for p in stop["points"]
                if p["server"] == "sigonly" and p["connections"] == top
            ),
            None,
        )
        for backend, share in (("sqlite", 0.5), ("postgres", 0.4)):
            p = next(
                (
                    p
                    for p in stop["points"]
                    if p["server"] == "optdesk"
                    and p["backend"] == backend
                    and p["connections"] == top
                ),
                None,
            )
            if p is None or not ceiling:
                continue
            ratio = p["rps"] / ceiling
            met = ratio >= share and p["p99_ms"] < 50
            rows.append(
                (
                    f"STOP on {backend}: ≥ {share:.2f} × ceiling and p99 < 50 ms at {top}",
                    f"{ratio:.2f} × ({p['rps']:.0f} / {ceiling:.0f} req/s), "
                    f"p99 {p['p99_ms']:.1f} ms",
                    "yes" if met else "**no**",
                )
            )
    slack = r.get("slack", {})
    if "points" in slack:
        bare = next(
            (p for p in slack["points"] if p["server"] == "bare bolt" and p["connections"] == top),
            None,
        )
        for p in slack["points"]:
            if p["server"] != "optdesk" or p["connections"] != top or not bare:
                continue
            ratio = p["rps"] / bare["rps"]
            tail = p["p99_ms"] / bare["p99_ms"]
            met = ratio >= 0.5 and (p["p99_ms"] < 20 or tail <= 1.5)
            rows.append(
                (
                    f"Slack `{p['command']}` ack: ≥ 0.5 × bare Bolt and p99 < 20 ms or "
                    f"≤ 1.5 × bare Bolt's p99, at {top}",
                    f"{ratio:.2f} × ({p['rps']:.0f} / {bare['rps']:.0f}), "
                    f"p99 {p['p99_ms']:.1f} ms ({tail:.2f} × {bare['p99_ms']:.1f} ms)",
                    "yes" if met else "**no**",
                )
            )
    peak = peak_optdesk_mb(bench)
    if peak is not None:
        rows.append(
            ("optdesk serve peak RSS < 150 MB", f"{peak:.1f} MB", "yes" if peak < 150 else "**no**")
        )
    if not rows:
        return []
    lines = ["### Targets (issue 12)", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return [*lines, ""]


def _profiles(profiles: dict[str, Any]) -> list[str]:
    lines = [
        "### Profiles (py-spy --gil during an extra, unrecorded run at top concurrency)",
        "",
        "Shares of the samples in which some thread held the GIL: where the time goes "
        "(each sample counted once, by the most specific frame), self time by package, "
        "and inclusive time of the server's own functions (entry points left out).",
        "",
    ]
    for name, summary in profiles.items():
        packages = ", ".join(f"{p} {s}%" for p, s in summary["self_by_package"][:10])
        ours = ", ".join(f"`{f}` {s}%" for f, s in summary["ours_inclusive"][:10])
        buckets = ", ".join(f"{b} {s}%" for b, s in summary.get("buckets", []))
        lines.append(f"- **{name}** ({summary['samples']} samples). Where: {buckets}.")
        lines.append(f"  By package: {packages}.")
        if ours:
            lines.append(f"  Own functions (inclusive): {ours}.")
    return [*lines, ""]


def append(path: Path, markdown: str) -> None:
    """Make `markdown` the newest run of BENCHMARKS.md; the previous newest becomes a row."""
    existing = path.read_text() if path.exists() else ""
    path.write_text(history.fold(existing, markdown))
