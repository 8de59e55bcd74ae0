"""Settings reach the consent desk: OPTDESK_DOUBLE_OPT_IN (SPEC §2), off by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from optdesk.root import build_core
from optdesk.settings import Settings


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True), ("false", False)])
def test_double_opt_in_comes_from_the_environment_and_is_off_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, expected: bool
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working directory
    monkeypatch.setenv("OPTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    if value is None:
        monkeypatch.delenv("OPTDESK_DOUBLE_OPT_IN", raising=False)
    else:
        monkeypatch.setenv("OPTDESK_DOUBLE_OPT_IN", value)
    core = build_core(Settings())
    try:
        assert core.desk.config.double_opt_in is expected
    finally:
        core.engine.dispose()
