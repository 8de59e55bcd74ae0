"""`python -m bench.import_optouts`: how fast `optdesk import optouts` takes a large list.

Writes a CSV of N rows (default 100,000: distinct valid US numbers, a reason column, one
bad row in a hundred), then times, in this one process:

- the baseline: reading the file with `csv` and parsing every number with the same
  phone parser the import uses (what any import must do before touching a database);
- the import into a fresh SQLite file and a fresh PostgreSQL database (every number
  new, so each gets a contact, an event in the hash chain and its status);
- the same file again on each (every number already opted out: nothing changes).

Rows per second and the ratio to the baseline are printed as a Markdown table for
BENCHMARKS.md. Nothing is asserted: speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import platform
import tempfile
import time
import uuid
from pathlib import Path

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from consent.errors import InvalidPhone
from consent.phones import parse_phone
from consent.services.context import Desk, DeskConfig, SystemClock
from optdesk.importing import run_import
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
AREAS = ("212", "312", "415", "503", "617", "702", "808", "919")


def write_csv(path: Path, rows: int) -> int:
    """`rows` data rows; every hundredth is not a number. Returns the count of bad rows."""
    bad = 0
    numbers = _numbers()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["phone", "name", "reason"])
        for n in range(rows):
            if n % 100 == 99:
                out.writerow([f"call me {n}", "Bad Row", ""])
                bad += 1
                continue
            out.writerow([next(numbers), f"Client {n}", "on the old tool's do-not-text list"])
    return bad


def _numbers():  # type: ignore[no-untyped-def]
    for area in AREAS:
        for exchange in range(201, 1000):
            for line in range(0, 10000, 37):
                number = f"+1{area}{exchange}{line:04d}"
                if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                    yield number


def baseline(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for record in reader:
            with contextlib.suppress(InvalidPhone):
                parse_phone(record[0], "US")
    return time.perf_counter() - started


def timed_import(url: str, path: Path) -> tuple[float, str]:
    engine = make_engine(url)
    try:
        desk = Desk(SqlUnitOfWorkFactory(engine, clock := SystemClock()), clock, DeskConfig())
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        assert run_import(desk, str(path), out=out, err=err) == 0
        return time.perf_counter() - started, out.getvalue()
    finally:
        engine.dispose()


def _admin(server: str) -> sa.Engine:
    url = make_url(server).set(database="postgres")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.import_optouts", description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--postgres", default=DEFAULT_PG, help="server URL (any database on it)")
    p.add_argument("--no-postgres", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="optdesk-import-") as work:
        path = Path(work) / "optouts.csv"
        bad = write_csv(path, args.rows)
        base = baseline(path)
        results = [("baseline: csv + phone parsing", base, "")]
        urls = [("SQLite", f"sqlite:///{Path(work) / 'import.db'}")]
        db = f"optdesk_bench_import_{uuid.uuid4().hex[:8]}"
        if not args.no_postgres:
            with _admin(args.postgres).connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{db}"'))
            urls.append(
                ("PostgreSQL", make_url(args.postgres).set(database=db).render_as_string(False))
            )
        try:
            for label, url in urls:
                upgrade(url)
                first, out = timed_import(url, path)
                results.append((f"{label}: import, every number new", first, out))
                again, out2 = timed_import(url, path)
                results.append((f"{label}: the same file again", again, out2))
        finally:
            if not args.no_postgres:
                with _admin(args.postgres).connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    print(f"{args.rows} rows ({bad} bad), Python {platform.python_version()}")
    print("| run | seconds | rows/s | × baseline time |")
    print("|---|--:|--:|--:|")
    for label, seconds, out in results:
        counts = " · ".join(line for line in out.splitlines()[1:]) if out else ""
        print(f"| {label} | {seconds:.2f} | {args.rows / seconds:,.0f} | {seconds / base:.1f}× |")
        if counts:
            print(f"|   ({counts}) | | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
