"""Importing an opt-out list (`optdesk import optouts FILE.csv`): a business moving from
another texting tool, or holding a do-not-text list.

Every good row opts its number out through the ledger (event first, then status), with
the file's name, SHA-256 and row as evidence. The one status this module ever sets is
`opted out`: whatever else a file holds, no number is opted in. A number already opted
out is left alone, so importing the same file again changes nothing. Rows go in
batches, one transaction each, so a large file neither holds the write lock for long
nor loses more than one batch to a crash (running it again completes it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice

from consent.errors import InvalidPhone
from consent.model import Source, Status, may_staff_set
from consent.phones import parse_phone_shown
from consent.records import NewOptOut
from consent.services.context import Desk, record_change

BATCH = 1000
MAX_REASON = 500


@dataclass(frozen=True)
class ImportRow:
    line: int  # the file's line number, as a person finds it in an editor
    phone: str
    reason: str = ""


@dataclass(frozen=True)
class ImportFile:
    name: str
    sha256: str


@dataclass
class ImportReport:
    opted_out: int = 0
    already_out: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def import_optouts(
    desk: Desk,
    rows: Iterable[ImportRow],
    source: ImportFile,
    *,
    actor: str,
    batch: int = BATCH,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Opt out every number among `rows`; bad rows are skipped and named with their line."""
    may_staff_set(Status.OPTED_OUT)
    report = ImportReport()
    for chunk in _chunks(iter(rows), batch):
        good = []
        for row in chunk:
            try:
                good.append((row, *parse_phone_shown(row.phone, desk.config.default_region)))
            except InvalidPhone as err:
                report.skipped.append((row.line, err.reason))
        _import_batch(desk, good, source, actor, report)
        if progress is not None:
            progress(report)
    return report


def _import_batch(
    desk: Desk,
    good: list[tuple[ImportRow, str, str]],
    source: ImportFile,
    actor: str,
    report: ImportReport,
) -> None:
    if not good:
        return
    now = desk.clock.now()
    opted = already = 0
    with desk.uow() as uow:
        states = uow.numbers.get_many([e164 for _row, e164, _shown in good], lock=True)
        new: dict[str, NewOptOut] = {}
        for row, e164, shown in good:
            state = states.get(e164)
            if e164 in new or (state is not None and state.status is Status.OPTED_OUT):
                already += 1
            elif state is None:  # not on file: a contact named by the number, as a text's
                new[e164] = NewOptOut(e164, shown, Source.IMPORT, actor, _evidence(row, source))
                opted += 1
            else:
                evidence = _evidence(row, source)
                record_change(
                    uow, state, Status.OPTED_OUT, Source.IMPORT, actor, evidence, now, note=False
                )
                states[e164] = replace(state, status=Status.OPTED_OUT)  # a repeat: "already"
                opted += 1
        uow.optout_import.add_opted_out(list(new.values()), now)
        uow.commit()
    report.opted_out += opted
    report.already_out += already


def _evidence(row: ImportRow, source: ImportFile) -> dict[str, str]:
    return {
        "file": source.name,
        "sha256": source.sha256,
        "row": str(row.line),
        "reason": " ".join(row.reason.split())[:MAX_REASON] or "imported opt-out list",
    }


def _chunks(rows: Iterator[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    while chunk := list(islice(rows, max(size, 1))):
        yield chunk
