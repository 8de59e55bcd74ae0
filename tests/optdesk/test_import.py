"""`optdesk import optouts FILE.csv`: an opt-out list goes through the ledger, once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from consent.model import Status
from consent.services import links
from consent.services.context import Desk, DeskConfig
from consent.services.imports import ImportFile, ImportRow, import_optouts
from optdesk.cli import main
from storage.engine import make_engine
from storage.uow import SqlUnitOfWorkFactory
from tests.support import FixedClock

ANN, BEN, CY = "+14155550100", "+14155550123", "+14155550199"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Desk:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPTDESK_DATABASE_URL", db_url)
    assert main(["db", "upgrade"]) == 0
    clock = FixedClock()
    return Desk(SqlUnitOfWorkFactory(make_engine(db_url), clock), clock, DeskConfig())


def opted_in(desk: Desk, name: str, phone: str) -> None:
    token = links.issue_link(desk, name, actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", phone, "1.2.3.4", "ua")


def number(desk: Desk, e164: str) -> tuple[str, str | None]:
    with desk.uow(write=False) as uow:
        state = uow.numbers.get(e164)
        assert state is not None
        return str(state.status), str(state.source) if state.source else None


def events(desk: Desk) -> list[tuple[str | None, str, str, dict[str, str]]]:
    with desk.uow(write=False) as uow:
        return [(e.phone, str(e.status), str(e.source), dict(e.evidence)) for e in uow.ledger.all()]


def write(tmp_path: Path, text: str, name: str = "old-tool.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_number_becomes_opted_out_with_the_file_as_evidence(
    env: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opted_in(env, "Ann Lee", ANN)
    path = write(tmp_path, f"name,phone,reason\nAnn,{ANN},asked by phone\nCy,(415) 555-0199,\n")
    assert main(["import", "optouts", str(path)]) == 0
    out = capsys.readouterr().out
    assert "opted out: 2\nalready opted out: 0\nskipped: 0" in out
    assert number(env, ANN) == number(env, CY) == ("opted out", "import")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    imported = [e for e in events(env) if e[2] == "import"]
    assert [(e[0], e[1], e[3]["row"]) for e in imported] == [
        (ANN, "opted out", "2"),
        (CY, "opted out", "3"),
    ]
    assert imported[0][3] | {"row": "-"} == {
        "file": "old-tool.csv",
        "sha256": sha,
        "row": "-",
        "reason": "asked by phone",
    }
    assert main(["ledger", "verify"]) == 0


def test_bad_rows_are_reported_with_their_line_and_skipped(
    env: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, f"phone\n{ANN}\nnot a number\n\n415 555\n{BEN}\n")
    assert main(["import", "optouts", str(path)]) == 0
    captured = capsys.readouterr()
    assert "opted out: 2\nalready opted out: 0\nskipped: 2" in captured.out
    assert "line 3: skipped:" in captured.err and "line 5: skipped:" in captured.err
    assert "rows: 2 opted out" in captured.err  # progress


def test_the_same_file_twice_changes_nothing_the_second_time(
    env: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, f"phone\n{ANN}\n{BEN}\n{ANN}\n")
    assert main(["import", "optouts", str(path)]) == 0
    assert "opted out: 2\nalready opted out: 1\nskipped: 0" in capsys.readouterr().out
    before = events(env)
    assert main(["import", "optouts", str(path)]) == 0
    assert "opted out: 0\nalready opted out: 3\nskipped: 0" in capsys.readouterr().out
    assert events(env) == before


def test_no_column_can_opt_a_number_in(
    env: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, f"phone,status,source\n{ANN},opted in,questionnaire\n")
    assert main(["import", "optouts", str(path)]) == 0
    path = write(tmp_path, f"phone,status\n{ANN},opted in\n{ANN},START\n", "again.csv")
    assert main(["import", "optouts", str(path)]) == 0
    assert number(env, ANN) == ("opted out", "import")
    assert {e[1] for e in events(env)} == {str(Status.OPTED_OUT)}


def test_a_file_without_a_phone_column_changes_nothing(
    env: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, f"number\n{ANN}\n")
    assert main(["import", "optouts", str(path)]) == 2
    assert 'no column named "phone"' in capsys.readouterr().err
    assert events(env) == []
    assert main(["import", "optouts", str(tmp_path / "missing.csv")]) == 2


def test_an_imported_opt_out_waits_for_start_like_a_staff_one(env: Desk, tmp_path: Path) -> None:
    opted_in(env, "Ann Lee", ANN)
    assert main(["import", "optouts", str(write(tmp_path, f"phone\n{ANN}\n"))]) == 0
    token = links.issue_link(env, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(env, token, "yes", ANN, "1.2.3.4", "ua")
    assert number(env, ANN) == ("opted out", "import")


def test_rows_go_in_batches_with_progress_after_each(env: Desk) -> None:
    rows = [ImportRow(n + 2, f"+1415555{n:04d}") for n in range(100, 105)]
    seen: list[int] = []
    report = import_optouts(
        env,
        rows,
        ImportFile("list.csv", "0" * 64),
        actor="import",
        batch=2,
        progress=lambda r: seen.append(r.opted_out),
    )
    assert seen == [2, 4, 5] and report.opted_out == 5
