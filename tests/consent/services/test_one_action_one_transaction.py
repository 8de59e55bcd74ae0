"""One staff action is one transaction: a failure half-way leaves nothing half done."""

from __future__ import annotations

from dataclasses import replace
from types import TracebackType
from typing import Any

import pytest

from consent.model import Status
from consent.ports import UnitOfWork, UnitOfWorkFactory
from consent.services import links, queries
from consent.services.context import Desk
from consent.services.home import opt_out_contact

ANN = "+14155550100"
ANN_NEW = "+14155550199"


class _Broken(RuntimeError):
    pass


class _LedgerFailingOn:
    """The real ledger, except that its n-th append (across units of work) fails."""

    def __init__(self, real: Any, calls: list[int], fail_on: int) -> None:
        self._real, self._calls, self._fail_on = real, calls, fail_on

    def append(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        if len(self._calls) == self._fail_on:
            raise _Broken("the database fell over half-way")
        return self._real.append(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _FailingUow:
    def __init__(self, real: Any, calls: list[int], fail_on: int) -> None:
        self._real, self._calls, self._fail_on = real, calls, fail_on

    def __enter__(self) -> UnitOfWork:
        uow = self._real.__enter__()
        uow.ledger = _LedgerFailingOn(uow.ledger, self._calls, self._fail_on)
        return uow  # type: ignore[no-any-return]

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._real.__exit__(et, e, tb)


def _failing_on(factory: UnitOfWorkFactory, fail_on: int) -> UnitOfWorkFactory:
    calls: list[int] = []

    def make(*, write: bool = True) -> Any:
        return _FailingUow(factory(write=write), calls, fail_on)

    return make


def _ann_with_two_numbers(desk: Desk) -> int:
    token = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "(415) 555-0100", "203.0.113.9", "Mozilla/5.0")
    links.issue_link(desk, "Ann Lee", actor="U1", phone="415 555 0199")
    return queries.contact_view(desk, "Ann Lee").contact.id


def test_opting_a_contact_out_that_fails_on_the_second_number_changes_no_number(
    desk: Desk,
) -> None:
    contact_id = _ann_with_two_numbers(desk)
    events_before = queries.verify_ledger(desk).count
    broken = replace(desk, uow=_failing_on(desk.uow, fail_on=2))
    with pytest.raises(_Broken):
        opt_out_contact(broken, contact_id, "asked by phone", actor="U1")
    view = queries.contact_view(desk, "Ann Lee")
    assert {n.e164: n.status for n in view.numbers} == {
        ANN: Status.OPTED_IN,
        ANN_NEW: Status.NOT_SUBSCRIBED,
    }
    assert queries.verify_ledger(desk).count == events_before


def test_opting_a_contact_out_opts_every_number_out_at_once(desk: Desk) -> None:
    contact_id = _ann_with_two_numbers(desk)
    result = opt_out_contact(desk, contact_id, "asked by phone", actor="U1")
    assert sorted(result.changed) == [ANN, ANN_NEW] and result.already == []
    assert sorted(n.e164 for n in result.target.numbers) == [ANN, ANN_NEW]
    view = queries.contact_view(desk, "Ann Lee")
    assert {n.status for n in view.numbers} == {Status.OPTED_OUT}
    again = opt_out_contact(desk, contact_id, "twice", actor="U1")
    assert again.changed == [] and sorted(again.already) == [ANN, ANN_NEW]
