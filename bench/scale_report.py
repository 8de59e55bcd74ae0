"""The `bench.scale` section of BENCHMARKS.md: replaced by each run, kept by bench.history
(a `##` section that is not a `make bench` run stays as it is when a new run is folded)."""

from __future__ import annotations

import platform
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEADING = "## Scale: reads from 10k to 1M contacts (`make bench-scale`)"


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)
    return out.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def _table(backend: str, runs: list[dict[str, Any]]) -> list[str]:
    runs = sorted((r for r in runs if r["backend"] == backend), key=lambda r: r["contacts"])
    if not runs:
        return []
    sizes = [_size(r["contacts"]) for r in runs]
    head = ["read"] + [f"{s}: ms (× baseline)" for s in sizes]
    if len(runs) > 1:
        head.append(f"× baseline, {sizes[-1]} / {sizes[0]}")
    lines = [f"### {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}", ""]
    lines += ["| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 1)]
    for i, row in enumerate(runs[0]["timings"]):
        cells = [row["name"]]
        for run in runs:
            t = run["timings"][i]
            cells.append(f"{t['median_ms']:.2f} ({t['ratio']:.1f})")
        if len(runs) > 1:
            first, last = runs[0]["timings"][i]["ratio"], runs[-1]["timings"][i]["ratio"]
            cells.append(f"{last / first:.2f}" if first else "–")
        lines.append("| " + " | ".join(cells) + " |")
    rss = ["peak RSS of the reading process, MB"] + [f"{r['peak_rss_mb']:.1f}" for r in runs]
    seeds = ["database"] + [r["seed"] for r in runs]
    for extra in (rss, seeds):
        lines.append("| " + " | ".join(extra + ([""] if len(runs) > 1 else [])) + " |")
    return [*lines, ""]


def section(runs: list[dict[str, Any]], took_s: float, command: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    sizes = sorted({r["contacts"] for r in runs})
    lines = [
        HEADING,
        "",
        f"- Run {now} UTC, code {_commit()}, {took_s / 60:.1f} min; `{command}`",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"sizes {', '.join(_size(n) for n in sizes)} contacts, 10 messages each on average "
        "(bench/seed.py: 5 % of contacts with a live link)",
        "- Each figure: median of the calls (different contacts) in one child process, in "
        "ms, and its ratio to a primary-key SELECT of one contact on the same engine in the "
        "same process; the last column is how much that ratio grew from the smallest size "
        "to the largest (1.0 = flat). Other sessions used the CPU during the run: compare "
        "ratios, not absolute figures.",
        "",
    ]
    for backend in ("sqlite", "postgres"):
        lines += _table(backend, runs)
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path, runs: list[dict[str, Any]], took_s: float, command: str) -> None:
    """Replace this file's scale section (or append one) with this run's."""
    text = path.read_text() if path.exists() else ""
    new = section(runs, took_s, command)
    pattern = re.compile(rf"(?ms)^{re.escape(HEADING)}.*?(?=^## |\Z)")
    if pattern.search(text):
        text = pattern.sub(lambda _m: new + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + new
    path.write_text(text)
