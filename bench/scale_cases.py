"""The timed cases of `bench.scale`, run in a child process on one seeded database."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from bench import seed

WARMUP_CALLS = 2
# The baseline is a fraction of a millisecond and runs first in a fresh process (new
# connections, cold caches): its median of a few calls moved 4x between runs.
BASELINE_CALLS, BASELINE_WARMUP = 8, 50


def _time(fn: Callable[[int], Any], picks: list[int], warmup: int = WARMUP_CALLS) -> list[float]:
    for pick in (picks * warmup)[:warmup]:
        fn(pick)
    samples = []
    for pick in picks:
        t = time.perf_counter()
        fn(pick)
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _cases(core: Any, n: int) -> list[tuple[str, str, Callable[[int], Any]]]:
    from bot.home_view import home_view
    from bot.parser import parse
    from bot.runner import Caller, execute
    from consent.services.home import HomeFilter, home_page
    from consent.services.queries import counts
    from storage.tables import contact_t

    desk, engine = core.desk, core.engine
    caller = Caller("U0STAFF01", True)
    one_row = sa.select(contact_t.c.id, contact_t.c.name, contact_t.c.email).where(
        contact_t.c.id == sa.bindparam("cid")
    )

    def baseline(i: int) -> Any:
        with engine.connect() as conn:
            return conn.execute(one_row, {"cid": i}).first()

    def cmd(text: Callable[[int], str]) -> Callable[[int], Any]:
        return lambda i: execute(desk, parse(text(i), region="US"), caller)

    def home(status: str | None = None, project: int | None = None, page: int = 0) -> Any:
        wanted = HomeFilter(status, project, page)
        return lambda _i: json.dumps(home_view(home_page(desk, wanted)))

    return [
        ("baseline", "primary-key SELECT of one contact", baseline),
        ("status_phone", "/sms status <phone>", cmd(lambda i: f"status {seed.primary_phone(i)}")),
        ("status_name", "/sms status <name>", cmd(lambda i: f'status "{seed.contact_name(i)}"')),
        ("status_nobody", "/sms status <a name nobody has>", cmd(lambda i: f'status "Nobody {i}"')),
        ("history", "/sms history <name>", cmd(lambda i: f'history "{seed.contact_name(i)}"')),
        ("status_counts", "/sms status (counts)", cmd(lambda _i: "status")),
        ("counts", "counts() use case (numbers + pending)", lambda _i: counts(desk)),
        ("home", "App Home, first page", home()),
        ("home_opted_in", "App Home, opted in", home("opted in")),
        ("home_opted_out", "App Home, opted out", home("opted out")),
        ("home_not_subscribed", "App Home, not subscribed", home("not subscribed")),
        ("home_pending", "App Home, pending", home("pending")),
        ("home_project", "App Home, project 1", home(None, 1)),
        ("home_project_out", "App Home, project 1 + opted out", home("opted out", 1)),
        ("home_project_pending", "App Home, project 1 + pending", home("pending", 1)),
        ("home_page_50", "App Home, page 51", home(None, None, 50)),
        ("home_pending_page_10", "App Home, pending page 11", home("pending", None, 10)),
    ]


def run_cases(url: str, n: int, repeats: int) -> list[dict[str, Any]]:
    from optdesk.root import build_core
    from optdesk.settings import Settings

    core = build_core(Settings(OPTDESK_DATABASE_URL=url, OPTDESK_DEFAULT_REGION="US"))
    try:
        rng = random.Random(12)
        picks = [rng.randint(1, n) for _ in range(repeats)]
        rows: list[dict[str, Any]] = []
        base = 0.0
        for key, name, fn in _cases(core, n):
            if key == "baseline":  # every ratio divides by it: many calls, warmed well
                more = [rng.randint(1, n) for _ in range(BASELINE_CALLS * repeats)]
                samples = _time(fn, more, BASELINE_WARMUP)
            else:
                samples = _time(fn, picks)
            median = statistics.median(samples)
            base = base or median
            rows.append(
                {
                    "key": key,
                    "name": name,
                    "n": len(samples),
                    "median_ms": round(median, 3),
                    "p90_ms": round(sorted(samples)[int(0.9 * (len(samples) - 1))], 3),
                    "ratio": round(median / base, 1),
                }
            )
        return rows
    finally:
        core.engine.dispose()
