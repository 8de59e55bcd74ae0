"""The scale section of BENCHMARKS.md: one per file, replaced by the next scale run, and
kept as it is when `make bench` folds a new run in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.history import fold
from bench.scale_report import HEADING, write
from tests.bench.test_history import RUN


def _run(backend: str, n: int, ms: float) -> dict[str, Any]:
    timings = [
        {"name": "primary-key SELECT of one contact", "median_ms": 0.1, "ratio": 1.0},
        {"name": "App Home, pending", "median_ms": ms, "ratio": ms / 0.1},
    ]
    return {
        "backend": backend,
        "contacts": n,
        "seed": "cached",
        "peak_rss_mb": 80.0,
        "timings": timings,
    }


def test_a_scale_run_replaces_its_section_and_survives_a_bench_fold(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(fold("", RUN.format(day=26, code="aaa1111", ratio="0.43")))
    write(doc, [_run("sqlite", 10_000, 1.0), _run("sqlite", 1_000_000, 2.0)], 60, "cmd")
    write(doc, [_run("sqlite", 10_000, 1.0), _run("sqlite", 1_000_000, 1.5)], 60, "cmd")
    text = doc.read_text()
    assert text.count(HEADING) == 1
    assert "| App Home, pending | 1.00 (10.0) | 1.50 (15.0) | 1.50 |" in text
    folded = fold(text, RUN.format(day=27, code="bbb2222", ratio="0.51"))
    assert folded.count(HEADING) == 1
    assert "| App Home, pending | 1.00 (10.0) | 1.50 (15.0) | 1.50 |" in folded
