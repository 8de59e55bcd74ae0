"""Part 3: `/sms status` and the App Home view over 100,000 contacts and 1,000,000 messages.

Timed in this process through the same code the server runs (the composition root's
`build_core`, the use cases in consent/services, the pure Block Kit builders in bot/),
median of N calls on different contacts, beside a trivial indexed SELECT of one contact
row on the same engine in the same run.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from bench import seed
from bench.context import Bench

WARMUP_CALLS = 2
MIN_SAMPLES = 5
BUDGET_S = 4.0  # per case: stop early (after MIN_SAMPLES) once this much time went by


def run(b: Bench) -> dict[str, Any]:
    out: dict[str, Any] = {"backends": []}
    backends = [("sqlite", b.sqlite_url("home"))]
    if b.postgres_available():
        backends.append(("postgres", b.create_postgres("home")))
    for backend, url in backends:
        try:
            out["backends"].append(_backend(b, backend, url))
        finally:
            if backend == "postgres":
                b.drop_postgres(url)
    return out


def _core(url: str) -> Any:
    from optdesk.root import build_core
    from optdesk.settings import Settings

    return build_core(Settings(OPTDESK_DATABASE_URL=url, OPTDESK_DEFAULT_REGION="US"))


def _backend(b: Bench, backend: str, url: str) -> dict[str, Any]:
    from storage.migrate import upgrade

    core = _core(url)
    try:
        t0 = time.perf_counter()
        upgrade(core.engine)
        counts = seed.seed(core.engine, b.opts.contacts, b.opts.messages)
        seeded_s = time.perf_counter() - t0
        print(
            f"  home {backend}: seeded {counts['contacts']:,} contacts, "
            f"{counts['messages']:,} messages, {counts['events']:,} events in {seeded_s:.1f} s",
            flush=True,
        )
        timings = _measure(b, core)
        for row in timings:
            print(
                f"  home {backend:<8} {row['name']:<40} median {row['median_ms']:8.3f} ms "
                f"({row['ratio']:.0f}x baseline)",
                flush=True,
            )
        return {
            "backend": backend,
            "seed": counts,
            "seed_s": round(seeded_s, 1),
            "timings": timings,
        }
    finally:
        core.engine.dispose()


def _time(fn: Callable[[int], Any], targets: list[int]) -> list[float]:
    for target in targets[:WARMUP_CALLS]:
        fn(target)
    samples: list[float] = []
    started = time.perf_counter()
    for target in targets:
        t = time.perf_counter()
        fn(target)
        samples.append((time.perf_counter() - t) * 1000)
        if len(samples) >= MIN_SAMPLES and time.perf_counter() - started > BUDGET_S:
            break
    return samples


def _measure(b: Bench, core: Any) -> list[dict[str, Any]]:
    from bot.home_view import home_view
    from bot.parser import parse
    from bot.runner import Caller, execute
    from consent.services.home import HomeFilter, home_page
    from consent.services.queries import contact_view, counts
    from storage.tables import contact_t

    desk, engine = core.desk, core.engine
    rng = random.Random(5)
    n, repeats = b.opts.contacts, b.opts.repeats
    picks = [rng.randint(1, n) for _ in range(repeats)]
    caller = Caller("U0STAFF01", True)
    one_row = sa.select(contact_t.c.id, contact_t.c.name, contact_t.c.email).where(
        contact_t.c.id == sa.bindparam("cid")
    )

    def baseline(i: int) -> Any:
        with engine.connect() as conn:
            return conn.execute(one_row, {"cid": i}).first()

    def status_cmd(text: str) -> Any:
        return execute(desk, parse(text, region="US"), caller)

    def home(wanted: HomeFilter) -> Callable[[int], Any]:
        def build(_i: int) -> Any:
            page = home_page(desk, wanted)
            return json.dumps(home_view(page))

        return build

    def by_phone(i: int) -> Any:
        return contact_view(desk, seed.primary_phone(i))

    def by_name(i: int) -> Any:
        return contact_view(desk, seed.contact_name(i))

    def status_phone(i: int) -> Any:
        return status_cmd(f"status {seed.primary_phone(i)}")

    def status_name(i: int) -> Any:
        return status_cmd(f'status "{seed.contact_name(i)}"')

    cases: list[tuple[str, str, Callable[[int], Any]]] = [
        ("baseline", "indexed SELECT of one contact row", baseline),
        ("contact_view", "contact_view(phone) (use case)", by_phone),
        ("contact_view_name", "contact_view(name) (use case)", by_name),
        ("status_phone", "/sms status <phone> (parse+use case+reply)", status_phone),
        ("status_name", "/sms status <name> (parse+use case+reply)", status_name),
        ("status_counts", "/sms status (counts)", lambda _i: status_cmd("status")),
        ("counts_use_case", "counts() (use case)", lambda _i: counts(desk)),
        ("home", "App Home view, first page (home_page+home_view+JSON)", home(HomeFilter())),
        ("home_opted_out", "App Home view, filter opted out", home(HomeFilter("opted out"))),
        ("home_pending", "App Home view, filter pending", home(HomeFilter("pending"))),
        ("home_page_50", "App Home view, page 51", home(HomeFilter(page=50))),
    ]
    rows = []
    base = None
    for key, name, fn in cases:
        samples = _time(fn, picks)
        median = statistics.median(samples)
        if base is None:
            base = median
        rows.append(
            {
                "key": key,
                "name": name,
                "n": len(samples),
                "median_ms": round(median, 4),
                "p90_ms": round(sorted(samples)[int(0.9 * (len(samples) - 1))], 4),
                "ratio": round(median / base, 1) if base else 0.0,
            }
        )
    sample = json.loads(home(HomeFilter())(0))
    rows[-1]["home_blocks"] = len(sample["blocks"])
    rows[-1]["home_json_bytes"] = len(json.dumps(sample))
    return rows
