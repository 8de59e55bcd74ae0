"""Score the classifier against a labelled corpus: per-intent precision and recall, the
issue-10 safety figures, and every disagreement. Pure: it reads lines it is given.

A corpus is JSON lines: {"text", "intent", "source"} and optionally "lang" and "opted_out".
`python -m consent.keywords --report [path]` prints this report (`make corpus`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from consent.keywords import Decision, Intent, explain


@dataclass(frozen=True)
class Labelled:
    """One corpus message and what a careful reader says it asks for."""

    text: str
    expected: Intent
    source: str
    lang: str = "en"
    opted_out: bool = False


def load(lines: Iterable[str]) -> list[Labelled]:
    """Corpus lines as cases; blank lines are skipped, anything malformed raises."""
    cases = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        source = str(row["source"]).strip()
        if not source:
            raise ValueError(f"no source for {row['text']!r}")
        cases.append(
            Labelled(
                text=str(row["text"]),
                expected=Intent(row["intent"]),
                source=source,
                lang=str(row.get("lang", "en")),
                opted_out=bool(row.get("opted_out", False)),
            )
        )
    return cases


@dataclass(frozen=True)
class Score:
    """What the classifier did on a corpus."""

    cases: Sequence[tuple[Labelled, Decision]]

    def count(self, expected: Intent | None = None, got: Intent | None = None) -> int:
        return sum(
            1
            for case, decision in self.cases
            if (expected is None or case.expected is expected)
            and (got is None or decision.intent is got)
        )

    def precision(self, intent: Intent) -> float:
        predicted = self.count(got=intent)
        return self.count(intent, intent) / predicted if predicted else 1.0

    def recall(self, intent: Intent) -> float:
        labelled = self.count(expected=intent)
        return self.count(intent, intent) / labelled if labelled else 1.0

    @property
    def agreement(self) -> float:
        same = sum(1 for case, decision in self.cases if decision.intent is case.expected)
        return same / len(self.cases) if self.cases else 1.0

    @property
    def ordinary_opted_out(self) -> list[tuple[Labelled, Decision]]:
        """Messages labelled as asking nothing that the classifier opted out."""
        return [
            (case, decision)
            for case, decision in self.cases
            if case.expected is Intent.NONE and decision.intent is Intent.OPT_OUT
        ]

    @property
    def revocations_missed(self) -> list[tuple[Labelled, Decision]]:
        """Clear revocations that got neither an opt-out nor a flag for staff."""
        acted = {Intent.OPT_OUT, Intent.MAYBE_OPT_OUT}
        return [
            (case, decision)
            for case, decision in self.cases
            if case.expected is Intent.OPT_OUT and decision.intent not in acted
        ]

    @property
    def revocations_automatic(self) -> float:
        """Share of clear revocations opted out without staff."""
        return self.recall(Intent.OPT_OUT)

    @property
    def disagreements(self) -> list[tuple[Labelled, Decision]]:
        return [
            (case, decision)
            for case, decision in self.cases
            if decision.intent is not case.expected
        ]


def score(cases: Iterable[Labelled]) -> Score:
    return Score([(case, explain(case.text, opted_out=case.opted_out)) for case in cases])


def _kind(source: str) -> str:
    if source.startswith("paraphrase"):
        return "paraphrase (written here, kind sourced)"
    if "github.com" in source or ".js" in source or ".py" in source:
        return "open-source code or issue thread"
    if source.startswith("optdesk"):
        return "optdesk documents"
    return "vendor or regulator documentation"


def format_report(result: Score) -> str:
    """The report as plain text: sizes, per-intent figures, safety figures, disagreements."""
    cases = [case for case, _ in result.cases]
    lines = [f"corpus: {len(cases)} messages, agreement {result.agreement:.1%}"]
    for name, counts in (
        ("intent", Counter(str(case.expected) for case in cases)),
        ("language", Counter(case.lang for case in cases)),
        ("source kind", Counter(_kind(case.source) for case in cases)),
    ):
        shown = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        lines.append(f"by {name}: {shown}")
    lines += ["", f"{'intent':<15}{'labelled':>9}{'predicted':>10}{'precision':>10}{'recall':>8}"]
    for intent in Intent:
        lines.append(
            f"{intent!s:<15}{result.count(expected=intent):>9}{result.count(got=intent):>10}"
            f"{result.precision(intent):>10.1%}{result.recall(intent):>8.1%}"
        )
    lines += [
        "",
        f"ordinary messages opted out: {len(result.ordinary_opted_out)}",
        f"clear revocations with no action: {len(result.revocations_missed)}",
        f"clear revocations opted out without staff: {result.revocations_automatic:.1%}",
        "",
        f"disagreements ({len(result.disagreements)}):",
    ]
    for case, decision in result.disagreements:
        lines.append(
            f"  expected {case.expected!s:<14} got {decision.intent!s:<14} {case.text!r}"
            f"  [{decision.rule}: {decision.words!r}]"
        )
    return "\n".join(lines)


def main(argv: Sequence[str], default_path: str) -> int:
    """`--report [path]`: print the report; exit 1 when a safety figure fails."""
    if not argv or argv[0] != "--report":
        print("usage: python -m consent.keywords --report [corpus.jsonl]")
        return 2
    path = argv[1] if len(argv) > 1 else default_path
    with open(path, encoding="utf-8") as corpus:
        result = score(load(corpus))
    print(format_report(result))
    failed = (
        result.ordinary_opted_out or result.revocations_missed or result.revocations_automatic < 0.9
    )
    return 1 if failed else 0
