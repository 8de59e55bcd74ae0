"""BENCHMARKS.md keeps the newest `make bench` run in full and one summary row per earlier run.

A new run replaces the newest run's section; that section is folded into a row of the
"Earlier runs" table (date, code, and the headline figures of its Targets table). Any
other section (a `##` heading that is not a run, such as the consent-language figures)
is kept as it is, after the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER = (
    "# Benchmarks\n\nFigures from `make bench` (bench/README.md says what each part "
    "measures): the newest run in full, then one line for each earlier run. Every figure is "
    "a ratio to a baseline measured in the same run, with the absolute numbers beside it; "
    "git history keeps every earlier run in full.\n"
)
EARLIER = "## Earlier runs"
RUN_HEADING = re.compile(r"^## (\d{4}-\d\d-\d\d \d\d:\d\d) UTC: `make bench`", re.M)
COLUMNS = (
    ("STOP on sqlite", "STOP, SQLite, × ceiling"),
    ("STOP on postgres", "STOP, PostgreSQL, × ceiling"),
    ("Slack `/sms help`", "`/sms help` ack"),
    ("Slack `/sms status`", "`/sms status` ack"),
    ("optdesk serve peak RSS", "peak RSS"),
)


@dataclass
class Document:
    runs: list[str] = field(default_factory=list)  # newest first, each a whole section
    rows: list[str] = field(default_factory=list)  # the earlier-runs table rows, newest first
    others: list[str] = field(default_factory=list)  # other sections, in order


def _sections(text: str) -> list[str]:
    """The `## ` sections of a markdown document (the `# ` title and intro dropped)."""
    parts = re.split(r"(?m)^(?=## )", text)
    return [p.rstrip() + "\n" for p in parts if p.startswith("## ")]


def parse(text: str) -> Document:
    doc = Document()
    for section in _sections(text):
        if RUN_HEADING.match(section):
            doc.runs.append(section)
        elif section.startswith(EARLIER):
            doc.rows += [
                line
                for line in section.splitlines()
                if line.startswith("| 2")  # data rows start with their date
            ]
        else:
            doc.others.append(section)
    doc.runs.sort(key=lambda s: RUN_HEADING.match(s).group(1), reverse=True)  # type: ignore[union-attr]
    return doc


def summary_row(section: str) -> str:
    """One table row for a run section: its date, code, parts and headline targets."""
    heading = RUN_HEADING.match(section)
    assert heading is not None
    code = re.search(r"^- Code: ([^;\n]+)(?:; parts: ([^;\n]+))?", section, re.M)
    commit = code.group(1).strip() if code else "?"
    parts = code.group(2).strip() if code and code.group(2) else "?"
    cells = [heading.group(1), f"`{commit}`", parts]
    for prefix, _ in COLUMNS:
        row = re.search(rf"^\| {re.escape(prefix)}[^|]*\| ([^|]+) \| ([^|]+) \|", section, re.M)
        cells.append(_headline(row.group(1), row.group(2)) if row else "–")
    return "| " + " | ".join(cells) + " |"


def _headline(measured: str, met: str) -> str:
    """`0.43 × (1749 / 4082 req/s), p99 53.9 ms` -> `0.43×, p99 53.9 ms` (bold when missed)."""
    ratio = re.search(r"(\d+\.\d+) ×", measured)
    p99 = re.search(r"p99 ([\d.]+ ms)", measured)
    mb = re.search(r"([\d.]+ MB)", measured)
    bits = [f"{ratio.group(1)}×"] if ratio else []
    bits += [f"p99 {p99.group(1)}"] if p99 else []
    bits += [mb.group(1)] if mb and not bits else []
    text = ", ".join(bits) or measured.strip()
    return f"**{text}**" if "no" in met else text


def render(doc: Document) -> str:
    out = [HEADER]
    if doc.runs:
        out.append("\n" + doc.runs[0])
    rows = [summary_row(run) for run in doc.runs[1:]] + doc.rows
    if rows:
        head = ["date (UTC)", "code", "parts"] + [title for _, title in COLUMNS]
        table = [
            f"{EARLIER}\n",
            "Headline figures at the top concurrency; **bold** missed its target then.\n",
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            *rows,
        ]
        out.append("\n" + "\n".join(table) + "\n")
    out += ["\n" + section for section in doc.others]
    return "".join(out)


def fold(existing: str, new_run: str | None) -> str:
    """The document with `new_run` (a whole `## ...` run section) as the newest run."""
    doc = parse(existing)
    if new_run is not None:
        doc.runs.insert(0, new_run.rstrip() + "\n")
    return render(doc)
