"""The pure consent rules stay readable: modules of at most 250 lines, functions of at most 60."""

from __future__ import annotations

import ast
from pathlib import Path

CONSENT = Path(__file__).parents[2] / "consent"
MODULES = sorted([*CONSENT.glob("*.py"), *CONSENT.glob("phrases/*.py")])


def test_the_consent_language_lives_in_the_modules_checked_here() -> None:
    names = {path.relative_to(CONSENT).as_posix() for path in MODULES}
    assert {"keywords.py", "reading.py", "phrase_match.py", "corpus_report.py"} <= names
    assert {"phrases/english.py", "phrases/spanish_french.py", "phrases/wrong_number.py"} <= names


def test_every_consent_module_is_at_most_250_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    assert {name: size for name, size in sizes.items() if size > 250} == {}


def test_every_function_in_the_consent_modules_is_at_most_60_lines() -> None:
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long.append(f"{path.name}:{node.name} {length} lines")
    assert long == []


def test_the_consent_core_speaks_of_no_vendor_markup_or_error_code() -> None:
    """TwiML, Twilio's error codes and HTML page copy live at the webhooks edge."""
    words = ("twiml", "21610", "<html", "PAGE_HEADING", "PROBLEM_PAGES", "TWILIO_ERRORS")
    found = [
        f"{path.relative_to(CONSENT).as_posix()}: {word}"
        for path in CONSENT.rglob("*.py")
        for word in words
        if word.casefold() in path.read_text(encoding="utf-8").casefold()
    ]
    assert found == []
