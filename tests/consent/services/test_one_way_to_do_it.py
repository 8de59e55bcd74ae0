"""Each thing the use cases do is written once: queueing a text, finding a project by name."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).parents[3] / "consent" / "services"


def _callers(method: str) -> set[str]:
    """The service modules that call `<something>.<method>(...)`."""
    found = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == method
            ):
                found.add(path.name)
    return found


def test_every_text_is_queued_through_queue_text() -> None:
    assert _callers("add_outbound") == {"outbound.py"}


def test_every_project_typed_by_name_is_found_through_project_named() -> None:
    assert _callers("by_name") == {"projects.py"}
