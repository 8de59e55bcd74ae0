"""Scale: the reads staff make stay flat from 10k to 1M contacts (`make bench-scale`).

For each database (SQLite, PostgreSQL) and size (contacts, 10 messages each on average),
a child process opens the seeded database through the composition root and times, median
of N calls on different contacts, the App Home first page and every filter (also within a
project, and a deep page), `/sms status <phone>` and `<name>`, `/sms status` (counts) and
`/sms history <name>`, beside a primary-key SELECT of one contact on the same engine in the
same process, and reports its own peak RSS (VmHWM). The child is the process a server
would be: it imports the same code and holds the same caches.

Seeding is slow at 1M, so each seeded database is kept and reused across runs, keyed by
the schema revision and size: `$OPTDESK_BENCH_CACHE` (default ~/.cache/optdesk-bench) for
SQLite files, `optdesk_scale_<revision>_<size>` databases on PostgreSQL (made under a
temporary name and renamed once complete). `--fresh` seeds again.

    .venv/bin/python -m bench.scale                          # 10k, 100k, 1M on both
    .venv/bin/python -m bench.scale --sizes 10000,100000 --no-postgres --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.context import DEFAULT_PG

MESSAGES_PER_CONTACT = 10


def _revision() -> str:
    """The schema revision, and a digest of the migration scripts (a revision edited in
    place, before release, must not reuse a database seeded under its old text)."""
    import hashlib

    from storage.migrate import head_revision

    versions = Path(__file__).resolve().parent.parent / "storage" / "migrations" / "versions"
    digest = hashlib.sha256()
    for script in sorted(versions.glob("*.py")):
        digest.update(script.read_bytes())
    return f"{head_revision()}_{digest.hexdigest()[:8]}"


def _cache_dir() -> Path:
    default = Path.home() / ".cache" / "optdesk-bench"
    path = Path(os.environ.get("OPTDESK_BENCH_CACHE", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _seed(url: str, n: int) -> float:
    from bench import seed
    from storage.engine import make_engine
    from storage.migrate import upgrade

    engine = make_engine(url)
    try:
        t0 = time.perf_counter()
        upgrade(engine)
        seed.seed(engine, n, n * MESSAGES_PER_CONTACT)
        return time.perf_counter() - t0
    finally:
        engine.dispose()


def sqlite_db(n: int, fresh: bool) -> tuple[str, float | None]:
    path = _cache_dir() / f"scale-{_revision()}-{n}.db"
    if path.exists() and not fresh:
        return f"sqlite:///{path}", None
    partial = path.with_suffix(".partial")
    for p in (path, partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    took = _seed(f"sqlite:///{partial}", n)
    partial.rename(path)
    return f"sqlite:///{path}", took


def _server(base: str) -> sa.Engine:
    return sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def postgres_db(base: str, n: int, fresh: bool) -> tuple[str, float | None]:
    name = f"optdesk_scale_{_revision()}_{n}".lower()
    server = _server(base)
    try:
        with server.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}
            )
            if exists and not fresh:
                return make_url(base).set(database=name).render_as_string(False), None
            for db in (name, name + "_partial"):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}_partial"'))
        took = _seed(make_url(base).set(database=name + "_partial").render_as_string(False), n)
        with server.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"'))
        return make_url(base).set(database=name).render_as_string(False), took
    finally:
        server.dispose()


def measure(url: str, n: int, repeats: int) -> dict[str, Any]:
    """Runs in the child process: every case, then this process's peak RSS."""
    from bench.scale_cases import run_cases

    rows = run_cases(url, n, repeats)
    return {"timings": rows, "peak_rss_mb": _vmhwm_mb()}


def _vmhwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _child(url: str, n: int, repeats: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.scale", "--child", url, "--n", str(n)]
    argv += ["--repeats", str(repeats)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--postgres", default=DEFAULT_PG)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument(
        "--postgres-sizes", default=None, help="sizes for PostgreSQL (default: --sizes)"
    )
    ap.add_argument("--fresh", action="store_true", help="seed again even if cached")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.n, args.repeats)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    pg_sizes = [int(s) for s in (args.postgres_sizes or args.sizes).split(",")]
    runs: list[dict[str, Any]] = []
    started = time.perf_counter()
    plan = [("sqlite", n) for n in sizes]
    plan += [] if args.no_postgres else [("postgres", n) for n in pg_sizes]
    for backend, n in plan:
        if backend == "sqlite":
            url, seeded = sqlite_db(n, args.fresh)
        else:
            url, seeded = postgres_db(args.postgres, n, args.fresh)
        seed_note = "cached" if seeded is None else f"seeded in {seeded:.0f} s"
        print(f"scale {backend} {n:,}: {seed_note}", flush=True)
        result = _child(url, n, args.repeats)
        result.update(backend=backend, contacts=n, seed=seed_note)
        for row in result["timings"]:
            print(
                f"  {row['name']:<44} {row['median_ms']:9.3f} ms  {row['ratio']:8.1f}x",
                flush=True,
            )
        print(f"  peak RSS {result['peak_rss_mb']} MB", flush=True)
        runs.append(result)
    took = time.perf_counter() - started
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"scale-{stamp}.json").write_text(json.dumps(runs, indent=1))
    if not args.no_write:
        from bench.scale_report import write

        write(
            Path("BENCHMARKS.md"),
            runs,
            took,
            " ".join(["python -m bench.scale", *(argv or sys.argv[1:])]),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
