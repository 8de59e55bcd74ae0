"""The consent promise under random sequences of everything clients, staff and the carrier do
(see consent_machine.py): about a minute in `make test`, ten times longer in `make drills`."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.consent.services.consent_machine import ConsentMachine
from tests.drills.harness import scaled, variants


@dataclass(frozen=True)
class Search:
    examples: int  # sequences tried
    steps: int  # rules per sequence, at most
    derandomize: bool = False  # the same sequences on every run (random: new ones each run)


@pytest.mark.timeout(3600)  # a failure is shrunk to its shortest sequence, which takes a while
# `make test` tries the same sequences every run, so CI never fails on a random find; the
# drill searches anew each time (a find there becomes a plain regression test).
@pytest.mark.parametrize(
    "search", variants(Search(100, 50, derandomize=True), Search(scaled(1000), 100))
)
def test_no_text_reaches_a_number_that_did_not_opt_in_whatever_happens(search: Search) -> None:
    ConsentMachine.steps = ConsentMachine.examples = 0
    started = time.monotonic()
    run_state_machine_as_test(
        ConsentMachine,
        settings=settings(
            max_examples=search.examples,
            stateful_step_count=search.steps,
            deadline=None,
            database=None,
            derandomize=search.derandomize,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    took = time.monotonic() - started
    print(
        f"\nconsent machine: {ConsentMachine.examples} sequences, {ConsentMachine.steps} steps "
        f"in {took:.0f} s"
    )
    assert ConsentMachine.steps > search.examples  # it explored, not just started
