"""`make bench`: every benchmark part, then the figures appended to BENCHMARKS.md.

    python -m bench.run                       # everything (about 6-8 minutes on 2 cores)
    python -m bench.run --only stop,slack     # some parts: stop, slack, home, dispatch
    python -m bench.run --quick --no-write    # a fast smoke run, BENCHMARKS.md untouched

See bench/README.md for what each part measures and how it checks itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench.context import DEFAULT_PG, Bench, Options, fakes
from bench.procs import REPO, BackgroundMonitor, Procs

PARTS = ("stop", "slack", "home", "dispatch")


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    p.add_argument("--seconds", type=float, default=8.0, help="per measured load point")
    p.add_argument("--warmup", type=float, default=2.0, help="warmup before each point")
    p.add_argument("--connections", default="1,16,64")
    p.add_argument("--postgres", default=DEFAULT_PG, help="server URL (any database on it)")
    p.add_argument("--no-postgres", action="store_true", help="skip every PostgreSQL run")
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--texts", type=int, default=2000, help="texts per dispatcher run")
    p.add_argument("--repeats", type=int, default=25, help="in-process timings: median of N")
    p.add_argument("--quick", action="store_true", help="short points, small data (smoke test)")
    p.add_argument("--profile", action="store_true", help="py-spy the servers at top load")
    p.add_argument("--no-write", action="store_true", help="don't append to BENCHMARKS.md")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, DBs)")
    p.add_argument("--json", type=Path, help="also write the raw results here")
    return p.parse_args(argv)


def _options(args: argparse.Namespace) -> Options:
    opts = Options(
        seconds=args.seconds,
        warmup=args.warmup,
        connections=tuple(int(c) for c in args.connections.split(",") if c.strip()),
        postgres=None if args.no_postgres else args.postgres,
        contacts=args.contacts,
        messages=args.messages,
        repeats=args.repeats,
        texts=args.texts,
        profile=args.profile,
    )
    if args.quick:
        opts.seconds, opts.warmup = min(opts.seconds, 3.0), min(opts.warmup, 1.0)
        opts.contacts, opts.messages = min(opts.contacts, 10_000), min(opts.messages, 100_000)
        opts.texts, opts.repeats = min(opts.texts, 300), min(opts.repeats, 7)
    return opts


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        print(f"unknown part(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}")
        return 2
    opts = _options(args)
    signal.signal(signal.SIGTERM, _on_signal)
    started = time.monotonic()
    stamp = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="optdesk-bench-"))
    failed: list[str] = []
    bench: Bench | None = None
    try:
        with Procs(workdir) as procs, fakes() as (twilio, slack):
            bench = Bench(opts, workdir, procs, twilio, slack)
            for part in PARTS:
                if part not in parts:
                    continue
                print(f"== {part}", flush=True)
                t0 = time.monotonic()
                monitor = BackgroundMonitor()
                try:
                    with monitor:
                        bench.results[part] = _run_part(part, bench)
                except KeyboardInterrupt:
                    raise
                except Exception as exc:
                    failed.append(part)
                    bench.results[part] = {"error": f"{type(exc).__name__}: {exc}"}
                    print(f"  {part} FAILED: {type(exc).__name__}: {exc}", flush=True)
                    traceback.print_exc(limit=6, file=sys.stdout)
                finally:
                    procs.stop_all()
                bench.results.setdefault("timing", {})[part] = round(time.monotonic() - t0, 1)
                _background(bench, part, monitor.summary())
    except KeyboardInterrupt:
        print("interrupted: servers stopped, databases dropped", flush=True)
        return 130
    finally:
        if bench is not None:
            bench.drop_databases()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    assert bench is not None
    elapsed = time.monotonic() - started
    _finish(bench, args, parts, stamp, elapsed)
    return 1 if failed else 0


def _background(bench: Bench, part: str, seen: dict[str, Any]) -> None:
    """Say when other processes kept the CPUs busy during a part: they compete with it."""
    bench.results.setdefault("background_cpu", {})[part] = seen
    if seen["mean"] >= 15 or seen["max"] >= 50:
        busiest = "; ".join(f"{name} up to {pct}%" for name, pct in seen["busiest"])
        bench.note(
            f"during part {part}, other processes used {seen['mean']:.0f}% of a CPU on "
            f"average, {seen['max']:.0f}% at most (busiest: {busiest}): its figures may be low"
        )


def _run_part(part: str, bench: Bench) -> dict[str, Any]:
    if part == "stop":
        from bench import stop

        return stop.run(bench)
    if part == "slack":
        from bench import slack

        return slack.run(bench)
    if part == "home":
        from bench import home

        return home.run(bench)
    from bench import dispatch

    return dispatch.run(bench)


def _finish(
    bench: Bench, args: argparse.Namespace, parts: list[str], stamp: datetime, elapsed: float
) -> None:
    from bench import report

    argv = " ".join(sys.argv[1:])
    markdown = report.render(bench, parts, stamp, elapsed, argv)
    print()
    print(markdown)
    raw = {
        "stamp": stamp.isoformat(),
        "elapsed_s": round(elapsed, 1),
        "results": bench.results,
        "servers": bench.servers,
        "notes": bench.notes,
        "commands": bench.commands,
    }
    json_path = args.json or REPO / "bench" / "results" / f"{stamp:%Y%m%dT%H%M%SZ}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(raw, indent=1, default=str))
    print(f"raw results: {json_path}")
    if not args.no_write:
        report.append(REPO / "BENCHMARKS.md", markdown)
        print("appended to BENCHMARKS.md")


if __name__ == "__main__":
    raise SystemExit(main())
