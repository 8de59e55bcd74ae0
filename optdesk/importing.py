"""`optdesk import optouts FILE.csv`: read the file at the edge (its name, SHA-256, the
`phone` and optional `reason` columns, each row's line), hand the rows to the use case,
and print progress and the counts. Only the `phone` and `reason` columns are read: no
other column can change what happens (in particular, nothing is ever opted in)."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from consent.services.context import Desk
from consent.services.imports import ImportFile, ImportReport, ImportRow, import_optouts

SHOW_SKIPPED = 50
ACTOR = "import"


class BadFile(ValueError):
    """The file cannot be imported at all (missing, not CSV, no `phone` column)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(handle: TextIO) -> Iterator[ImportRow]:
    reader = csv.reader(handle)
    header = next(reader, None)
    columns = [(cell or "").strip().casefold() for cell in header or []]
    if "phone" not in columns:
        raise BadFile('the file has no column named "phone" in its first line')
    phone_at = columns.index("phone")
    reason_at = columns.index("reason") if "reason" in columns else None
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue  # a blank line is no row
        phone = record[phone_at].strip() if phone_at < len(record) else ""
        reason = record[reason_at] if reason_at is not None and reason_at < len(record) else ""
        yield ImportRow(reader.line_num, phone, reason)


def run_import(desk: Desk, path_text: str, *, out: TextIO, err: TextIO) -> int:
    path = Path(path_text)
    if not path.is_file():
        print(f"optdesk: no file at {path.resolve()}", file=err)
        return 2
    source = ImportFile(path.name, _sha256(path))
    live = err.isatty()

    def progress(report: ImportReport) -> None:
        done = report.opted_out + report.already_out + len(report.skipped)
        line = (
            f"{done} rows: {report.opted_out} opted out, {report.already_out} already out, "
            f"{len(report.skipped)} skipped"
        )
        print(("\r" + line) if live else line, end="" if live else "\n", file=err, flush=True)

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            report = import_optouts(desk, _rows(handle), source, actor=ACTOR, progress=progress)
    except (BadFile, UnicodeDecodeError, csv.Error) as problem:
        print(f"\noptdesk: cannot import {path.name}: {problem}", file=err)
        return 2
    if live:
        print(file=err)
    for line, why in report.skipped[:SHOW_SKIPPED]:
        print(f"line {line}: skipped: {why}", file=err)
    if len(report.skipped) > SHOW_SKIPPED:
        print(f"...and {len(report.skipped) - SHOW_SKIPPED} more skipped rows", file=err)
    print(f"{source.name} (sha256 {source.sha256})", file=out)
    print(f"opted out: {report.opted_out}", file=out)
    print(f"already opted out: {report.already_out}", file=out)
    print(f"skipped: {len(report.skipped)}", file=out)
    return 0


def main_import(desk: Desk, path_text: str) -> int:
    return run_import(desk, path_text, out=sys.stdout, err=sys.stderr)
