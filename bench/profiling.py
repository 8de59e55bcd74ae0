"""Optional sampling profiles of a server under load (`--profile`), with py-spy if found.

py-spy is not a dependency: put it on PATH (or set OPTDESK_BENCH_PYSPY), e.g.
`python3 -m venv /tmp/tools && /tmp/tools/bin/pip install py-spy`. A profile is taken
during an extra, unrecorded run after the measured point (sampling slows the server),
with `--gil`: only the thread holding the GIL is sampled, which for one Python process
is where its CPU time goes. The collapsed stacks are kept in the work directory (see
`--keep`) and summarised by package (self time) and by optdesk function (inclusive).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OURS = ("consent", "storage", "webhooks", "bot", "optdesk", "bench")
# Frames that wrap everything (entry points, the outermost middleware): not informative.
WRAPPERS = {"<module>", "main", "serve", "work", "Perimeter.__call__"}
# (path prefix, bucket). A sample goes to the bucket of the frame nearest its leaf that
# matches a prefix; other frames (asyncio, Starlette's datastructures, the stdlib) are
# transparent, so time in them counts for whoever called them.
BUCKETS = (
    ("consent/services/dispatch.py", "dispatcher"),
    ("bot/notifier.py", "dispatcher"),
    ("aiohttp/", "outgoing HTTP (aiohttp: Slack posts, respond)"),
    ("requests/", "outgoing HTTP (requests: Twilio)"),
    ("urllib3/", "outgoing HTTP (requests: Twilio)"),
    ("twilio/request_validator.py", "Twilio signature check"),
    ("twilio/twiml", "TwiML building"),
    ("webhooks/forms.py", "form reading and parsing"),
    ("webhooks/headers.py", "perimeter middleware (own work)"),
    ("webhooks/perimeter.py", "perimeter middleware (own work)"),
    ("webhooks/limits.py", "perimeter middleware (own work)"),
    ("webhooks/local_only.py", "perimeter middleware (own work)"),
    ("bot/handler.py", "optdesk Slack pre-checks (signature, body)"),
    ("bot/", "optdesk Slack listener (parse, reply blocks)"),
    ("consent/", "use case + SQL (consent, storage, SQLAlchemy, driver)"),
    ("storage/", "use case + SQL (consent, storage, SQLAlchemy, driver)"),
    ("sqlalchemy/", "use case + SQL (consent, storage, SQLAlchemy, driver)"),
    ("psycopg/", "use case + SQL (consent, storage, SQLAlchemy, driver)"),
    ("slack_bolt/", "Bolt (verification, parsing, middleware, ack wait)"),
    ("slack_sdk/", "slack_sdk"),
    ("logging/", "logging (uvicorn access log)"),
    ("anyio/", "thread hop (run_in_threadpool)"),
    ("concurrent/", "thread hop (run_in_threadpool)"),
    ("starlette/datastructures.py", None),  # transparent: counts for its caller
    ("h11/", "HTTP/ASGI (uvicorn, h11, starlette, asyncio)"),
    ("uvicorn/", "HTTP/ASGI (uvicorn, h11, starlette, asyncio)"),
    ("starlette/", "HTTP/ASGI (uvicorn, h11, starlette, asyncio)"),
    ("webhooks/", "webhooks endpoint code"),
)
LOOP = "HTTP/ASGI (uvicorn, h11, starlette, asyncio)"


def py_spy() -> str | None:
    return os.environ.get("OPTDESK_BENCH_PYSPY") or shutil.which("py-spy")


@dataclass
class Profiler:
    popen: subprocess.Popen[bytes]
    raw: Path
    name: str

    @classmethod
    def start(cls, pid: int, prefix: Path, seconds: float) -> Profiler | None:
        exe = py_spy()
        if exe is None:
            return None
        raw = prefix.with_suffix(".collapsed.txt")
        argv = [
            exe, "record", "--pid", str(pid), "--duration", str(max(int(seconds) - 1, 1)),
            "--rate", "250", "--gil", "--format", "raw", "--output", str(raw), "--nonblocking",
        ]  # fmt: skip
        popen = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return cls(popen, raw, prefix.name)

    def finish(self, bench: Any) -> None:
        try:
            self.popen.wait(30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
        if self.raw.exists():
            bench.results.setdefault("profiles", {})[self.name] = summarise(self.raw)
            print(f"    profile: {self.raw}", flush=True)


def _package(path: str) -> str:
    """The top-level package (or stdlib module) of a frame; py-spy gives paths relative
    to sys.path ("sqlalchemy/engine/base.py", "threading.py", "optdesk" for the script)."""
    head = Path(path).parts[0] if path else "?"
    return head.removesuffix(".py")


def _frame(frame: str) -> tuple[str, str, str]:
    """`func (path:line)` -> (function, package, short file)."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return name, _package(path), path


def bucket(paths: list[str]) -> str:
    """Where one sample's time goes, from its frames' paths (root first)."""
    for path in reversed(paths):
        for prefix, name in BUCKETS:
            if path.startswith(prefix):
                if name is None:
                    break  # transparent frame: look at its caller
                return name
    return LOOP if any(p.startswith("asyncio/") for p in paths) else "other"


def summarise(raw: Path, top: int = 20) -> dict[str, Any]:
    """Buckets, self time by package, inclusive time of optdesk's functions (shares in %)."""
    buckets: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame(f) for f in stack.split(";") if " (" in f]
        if not frames:
            continue
        total += count
        buckets[bucket([short for _, _, short in frames])] += count
        by_package[frames[-1][1]] += count
        seen = set()
        for name, package, short in frames:
            if package in OURS and name not in WRAPPERS:
                label = f"{name} ({short})"
                if label not in seen:
                    seen.add(label)
                    ours[label] += count

    def share(n: int) -> float:
        return round(100.0 * n / total, 1) if total else 0.0

    return {
        "samples": total,
        "buckets": [(b, share(n)) for b, n in buckets.most_common()],
        "self_by_package": [(p, share(n)) for p, n in by_package.most_common(top)],
        "ours_inclusive": [(f, share(n)) for f, n in ours.most_common(top)],
    }
