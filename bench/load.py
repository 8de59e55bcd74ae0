"""Driving wrk: one measured point = a short warmup, then a timed run, both on 127.0.0.1."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.procs import REPO

LUA = REPO / "bench" / "lua" / "replay.lua"


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package)")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, check=False)
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0] if text else "wrk (unknown version)"


@dataclass
class Point:
    """One wrk run: throughput, latency and what the Lua script counted."""

    label: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    timeouts: int
    sent: int  # requests the script handed to wrk (completed + in flight at the end + 1)
    wrapped: int  # times a thread ran out of distinct bodies and started over
    marked: int  # 2xx answers whose body held the marker (when one was given)
    command: str

    @property
    def ok(self) -> int:
        return self.requests - self.non_2xx

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_wrk(
    label: str,
    url: str,
    bodies: Path,
    mode: str,
    *,
    connections: int,
    seconds: float,
    threads: int = 1,
    timeout_s: float = 10.0,
    marker: str = "",
) -> Point:
    threads = max(1, min(threads, connections))
    argv = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={timeout_s:g}s",
        "--latency",
        "-s",
        str(LUA),
        url,
        "--",
        str(bodies),
        mode,
        str(threads),
    ]
    if marker:
        argv.append(marker)
    proc = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + 60, check=False, cwd=REPO
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    seconds_run = data["duration_us"] / 1e6
    shown = ["wrk", *argv[1:]]
    command = " ".join(shlex.quote(a) for a in shown).replace(str(REPO) + "/", "")
    return Point(
        label=label,
        connections=connections,
        seconds=round(seconds_run, 3),
        requests=data["requests"],
        rps=data["requests"] / seconds_run if seconds_run else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non_2xx=data["status_errors"],
        socket_errors=data["connect_errors"] + data["read_errors"] + data["write_errors"],
        timeouts=data["timeouts"],
        sent=data["sent"],
        wrapped=data["wrapped"],
        marked=data["marked"],
        command=command,
    )
