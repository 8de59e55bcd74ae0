"""Server subprocesses for the benchmarks: free ports, /healthz waits, sure cleanup.

Every process is started in its own session (process group) so that stopping it
also stops anything it spawned; `Procs` is a context manager that stops whatever
is still running when the block ends, however it ends.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment minus the shell's optdesk/Twilio/Slack settings, plus `extra`."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPTDESK_", "TWILIO_", "SLACK_")) or k == "OPTDESK_BENCH_PYSPY"
    }
    return {**keep, "PYTHONUNBUFFERED": "1", **(extra or {})}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS of a live process, in kB, from /proc."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0])
    return found


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    port: int | None = None
    peak_kb: int | None = None  # VmHWM read just before the process was stopped
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_healthy(self, timeout: float = 60.0, path: str = "/healthz") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", path)
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy after {timeout}s:\n{self.log_tail()}")

    def wait_log(self, needle: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if needle in self.log_path.read_text(errors="replace"):
                    return
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: {needle!r} not logged in {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.alive():
            mem = memory_kb(self.pid)
            if "VmHWM" in mem:
                self.peak_kb = mem["VmHWM"]
            _signal_group(self.popen, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.popen, signal.SIGKILL)
                self.popen.wait(5)
        # the session may hold children that outlived their parent
        _signal_group(self.popen, signal.SIGKILL)


def _signal_group(popen: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, sig)


class Procs:
    """Starts subprocesses into a work directory and stops all of them on exit."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[Proc] = []

    def __enter__(self) -> Procs:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop_all()

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        port: int | None = None,
    ) -> Proc:
        log_path = self.workdir / f"{name}.log"
        full_env = clean_env(env)
        full_env["PYTHONPATH"] = str(REPO)
        with open(log_path, "wb") as log:
            popen = subprocess.Popen(
                list(argv),
                cwd=self.workdir,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc = Proc(name, popen, log_path, port)
        self.running.append(proc)
        return proc

    def stop(self, proc: Proc) -> None:
        proc.stop()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        while self.running:
            self.stop(self.running[-1])


def optdesk_argv(*args: str) -> list[str]:
    return [str(VENV_BIN / "optdesk"), *args]


def python_argv(*args: str) -> list[str]:
    return [sys.executable, *args]


def _cpu_ticks() -> dict[int, tuple[str, int, int]]:
    """pid -> (command line, parent pid, utime + stime ticks) of every process."""
    ticks: dict[int, tuple[str, int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name_end = stat.rfind(")")
        fields = stat[name_end + 2 :].split()
        name = cmdline.strip()[:80] or stat[stat.find("(") + 1 : name_end]
        ticks[int(entry.name)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]))
    return ticks


def _ours(pid: int, table: dict[int, tuple[str, int, int]], root: int) -> bool:
    """Part of this benchmark (our descendants, PostgreSQL serving our databases), or
    PostgreSQL's shared background processes, which work for everybody."""
    name = table[pid][0]
    if "optdesk_bench_" in name:
        return True
    if name.startswith("postgres") and "127.0.0.1(" not in name and "[local]" not in name:
        return True
    seen = 0
    while pid > 1 and seen < 64:
        if pid == root:
            return True
        pid = table.get(pid, ("", 0, 0))[1]
        seen += 1
    return False


def _others(
    before: dict[int, tuple[str, int, int]], after: dict[int, tuple[str, int, int]], dt: float
) -> list[tuple[str, float]]:
    hz = os.sysconf("SC_CLK_TCK")
    root = os.getpid()
    used = []
    for pid, (name, _, ticks) in after.items():
        if pid not in before or _ours(pid, after, root):
            continue
        pct = 100.0 * (ticks - before[pid][2]) / hz / dt
        if pct > 0:
            used.append((name, pct))
    used.sort(key=lambda x: -x[1])
    return used


def background_cpu(seconds: float = 1.0) -> tuple[float, list[tuple[str, float]]]:
    """CPU used by processes that aren't the benchmark's over `seconds` (% of one core),
    and the busiest ones: another session's test suite, say, competes with the figures."""
    before = _cpu_ticks()
    time.sleep(seconds)
    used = _others(before, _cpu_ticks(), seconds)
    return sum(p for _, p in used), used[:3]


class BackgroundMonitor:
    """Samples other processes' CPU use every `every` seconds while a part runs."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self.busiest: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-monitor", daemon=True)

    def __enter__(self) -> BackgroundMonitor:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(self.every + 5)

    def _run(self) -> None:
        before, t0 = _cpu_ticks(), time.monotonic()
        while not self._stop.wait(self.every):
            after, t1 = _cpu_ticks(), time.monotonic()
            used = _others(before, after, t1 - t0)
            self.samples.append(sum(p for _, p in used))
            for name, pct in used[:3]:
                self.busiest[name] = max(self.busiest.get(name, 0.0), pct)
            before, t0 = after, t1

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {"mean": 0.0, "max": 0.0, "busiest": []}
        top = sorted(self.busiest.items(), key=lambda x: -x[1])[:3]
        return {
            "mean": round(sum(self.samples) / len(self.samples), 1),
            "max": round(max(self.samples), 1),
            "busiest": [(n, round(p)) for n, p in top],
        }
