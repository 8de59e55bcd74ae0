"""`optdesk ledger verify`: the chain, its recorded head, and every number's status.

The hash chain shows an edited or removed event; the head the database records
shows a removed tail (the chain alone cannot: a shorter chain is still a chain);
and replaying each number's events shows a status column (what the send gate
reads) that was changed without an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from consent.model import ChainReport, ConsentEvent, NumberState, Source, Status, verify_chain


def audit(
    events: Iterable[ConsentEvent],
    head: tuple[int, str],
    numbers: Iterable[NumberState],
) -> ChainReport:
    """Walk the ledger oldest first, then hold it against its recorded `head` (seq, hash)
    and every number on file; the report names the first problem found."""
    replay: dict[str, ConsentEvent] = {}

    def walked() -> Iterator[ConsentEvent]:
        for event in events:
            if event.phone is not None and event.changes_status:
                replay[event.phone] = event  # a number's newest change is what it must say
            yield event

    report = verify_chain(walked())
    if not report.ok:
        return report
    problem = head_problem(report, head)
    checked = 0
    for state in numbers if problem is None else ():
        problem = status_problem(state, replay.pop(state.e164, None))
        if problem is not None:
            break
        checked += 1
    if problem is None and replay:
        problem = f"{min(replay)} has consent events but no number on file"
    if problem is not None:
        return replace(report, ok=False, problem=problem, numbers=checked)
    return replace(report, numbers=checked)


def head_problem(report: ChainReport, head: tuple[int, str]) -> str | None:
    """Does the walked chain end where the database says it does?"""
    seq, hash_ = head
    if report.count < seq:
        return (
            f"the ledger ends at event #{report.count} but the database records #{seq} as its "
            f"head: events after #{report.count} were deleted"
        )
    if report.count > seq:
        return (
            f"the ledger runs to event #{report.count} but the database records #{seq} as its "
            "head: events were added outside optdesk, or the head was moved back"
        )
    if report.head != hash_:
        return f"the newest event #{seq} is not the one the database records as the head"
    return None


def status_problem(state: NumberState, last: ConsentEvent | None) -> str | None:
    """Does the number's status column say what its events say? No events: never asked."""
    status = last.status if last is not None else Status.NOT_SUBSCRIBED
    source: Source | None = last.source if last is not None else None
    if state.status is not status:
        return f"{state.e164} is '{state.status}' but its events say '{status}'"
    if state.source is not source:
        return (
            f"{state.e164} was set by '{state.source or 'nothing'}' but its last event "
            f"came from '{source or 'nothing'}'"
        )
    return None
