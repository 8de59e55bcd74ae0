"""BENCHMARKS.md keeps the newest run in full and one summary row per earlier run."""

from __future__ import annotations

from bench.history import fold

RUN = """## 2026-11-{day} 10:00 UTC: `make bench`

- Code: {code}; parts: stop, slack; total 4.0 min

### Targets (issue 5)

| target | measured | met |
|---|---|---|
| STOP on sqlite: ≥ 0.50 × ceiling at 64 | {ratio} × (1749 / 4082), p99 53.9 ms | **no** |
| optdesk serve peak RSS < 150 MB | 120.3 MB | yes |
"""
OTHER = "## 2026-11-29: consent language\n\nagreement 99.9%\n"


def test_a_new_run_replaces_the_newest_and_folds_it_into_a_summary_row() -> None:
    first = fold("", RUN.format(day=26, code="aaa1111", ratio="0.43"))
    first += "\n" + OTHER
    second = fold(first, RUN.format(day=27, code="bbb2222", ratio="0.51"))
    assert second.count(" UTC: `make bench`") == 1  # one run in full
    assert "- Code: bbb2222" in second and "- Code: aaa1111" not in second
    row = next(line for line in second.splitlines() if line.startswith("| 2026-11-26"))
    assert "`aaa1111`" in row and "**0.43×, p99 53.9 ms**" in row and "120.3 MB" in row
    assert second.index("## Earlier runs") < second.index("## 2026-11-29: consent language")


def test_folding_twice_keeps_every_earlier_row_newest_first() -> None:
    doc = ""
    for day in (24, 25, 26):
        doc = fold(doc, RUN.format(day=day, code=f"c{day}", ratio="0.40"))
    rows = [line for line in doc.splitlines() if line.startswith("| 2026-")]
    assert [r.split(" | ")[0] for r in rows] == ["| 2026-11-25 10:00", "| 2026-11-24 10:00"]
    assert fold(doc, None) == doc  # folding without a new run changes nothing
