"""The `optdesk` command line: keywords, ledger verify, exports and the schema rule."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from consent import messages
from consent.language import Language
from consent.records import InboundSms
from consent.segments import Encoding, segments
from consent.services import inbound, links, staff
from consent.services.context import Desk, DeskConfig
from optdesk.cli import main
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.required_parts import missing_parts
from tests.support import FixedClock


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "TWILIO_AUTH_TOKEN", "OPTDESK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPTDESK_DATABASE_URL", db_url)
    monkeypatch.setenv("OPTDESK_BUSINESS_NAME", "Lumen Studio")
    monkeypatch.setenv("OPTDESK_BUSINESS_CONTACT", "hello@lumen.example")
    return db_url


def _desk(url: str) -> Desk:
    return Desk(SqlUnitOfWorkFactory(make_engine(url), clock := FixedClock()), clock, DeskConfig())


def _history(url: str) -> None:
    assert main(["db", "upgrade"]) == 0
    desk = _desk(url)
    token = links.issue_link(desk, "Ann Lee", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "415 555 0100", "1.2.3.4", "ua")
    sms = InboundSms("SM" + "a" * 32, "+14155550100", "+15005550006", "STOP")
    inbound.handle_inbound(desk, sms)


def test_keywords_prints_the_three_answers_with_name_and_contact(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keywords"]) == 0
    out = capsys.readouterr().out
    assert out.count("Lumen Studio:") == 6  # the three answers in English, then in Spanish
    assert "hello@lumen.example" in out and "Reply START" in out


def test_keywords_prints_each_answer_with_its_required_parts(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keywords"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    answers = {b.split(":\n")[0]: b.split(":\n", 1)[1].strip() for b in blocks if ":\n  " in b}
    business, contact = "Lumen Studio", "hello@lumen.example"
    stop = answers["Opt-out (STOP) confirmation"]
    assert missing_parts("opt-out confirmation", stop, business=business) == []
    start = answers["Opt-in (START) confirmation"]
    assert missing_parts("re-subscribe confirmation", start, business=business) == []
    help_ = answers["Help (HELP) answer"]
    assert missing_parts("help answer", help_, business=business, contact=contact) == []


def test_keywords_prints_the_spanish_answers_with_their_required_parts_in_one_segment(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keywords"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    answers = {b.split(":\n")[0]: b.split(":\n", 1)[1].strip() for b in blocks if ":\n  " in b}
    business, contact = "Lumen Studio", "hello@lumen.example"
    stop = answers["Opt-out (PARAR) confirmation, Spanish"]
    assert missing_parts("opt-out confirmation", stop, business=business, lang="es") == []
    start = answers["Opt-in (START) confirmation, Spanish"]
    assert missing_parts("re-subscribe confirmation", start, business=business, lang="es") == []
    help_ = answers["Help (AYUDA) answer, Spanish"]
    assert missing_parts("help answer", help_, business=business, contact=contact, lang="es") == []
    for answer in (stop, start, help_):
        assert segments(answer).count == 1 and segments(answer).encoding is Encoding.GSM7


def test_ledger_verify_prints_the_count_and_the_newest_hash(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(cli_env)
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 0
    out = capsys.readouterr().out
    assert "2 events" in out
    assert len(out.splitlines()[0].split("newest hash ")[1]) == 64


def test_a_tampered_ledger_fails_verify_naming_the_event(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(cli_env)
    engine = make_engine(cli_env)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # only a superuser can get past the trigger
            conn.execute(sa.text("ALTER TABLE consent_event DISABLE TRIGGER USER"))
        else:  # anyone holding the file can drop it
            conn.execute(sa.text("DROP TRIGGER consent_event_no_update"))
        conn.execute(sa.text("UPDATE consent_event SET status = 'opted in' WHERE seq = 2"))
    engine.dispose()
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 1
    assert "event #2 was changed" in capsys.readouterr().err


def _tamper(url: str, *statements: str) -> None:
    """Run SQL as someone holding the database would, past the triggers that guard the
    events (append-only) and the status column (only with its event)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        postgres = engine.dialect.name == "postgresql"
        on_numbers = " ON phone_number" if postgres else ""
        if postgres:
            conn.execute(sa.text("DROP TRIGGER consent_event_append_only ON consent_event"))
        else:
            conn.execute(sa.text("DROP TRIGGER consent_event_no_delete"))
        for event in ("insert", "update"):
            trigger = f"phone_number_status_follows_ledger_{event}"
            conn.execute(sa.text(f"DROP TRIGGER {trigger}{on_numbers}"))
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def _long_history(url: str) -> None:
    """Five events: Ann opts in and out twice, Bo opts in."""
    _history(url)
    desk = _desk(url)
    sms = InboundSms("SM" + "b" * 32, "+14155550100", "+15005550006", "START")
    inbound.handle_inbound(desk, sms)
    sms = InboundSms("SM" + "c" * 32, "+14155550100", "+15005550006", "STOP")
    inbound.handle_inbound(desk, sms)
    token = links.issue_link(desk, "Bo Chen", actor="U1").url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "415 555 0101", "1.2.3.4", "ua")


def test_verify_catches_a_deleted_tail_by_the_recorded_head(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _long_history(cli_env)
    _tamper(cli_env, "DELETE FROM consent_event WHERE seq >= 4")
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 1
    err = capsys.readouterr().err
    assert "the ledger ends at event #3" in err and "records #5 as its head" in err


def test_verify_catches_a_status_column_that_differs_from_its_events(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _long_history(cli_env)
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 0
    _tamper(
        cli_env,
        "UPDATE phone_number SET status = 'opted in', status_source = 'questionnaire' "
        "WHERE e164 = '+14155550100'",
    )
    assert main(["ledger", "verify"]) == 1
    err = capsys.readouterr().err
    assert "+14155550100 is 'opted in' but its events say 'opted out'" in err


def test_verify_catches_a_changed_status_source(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Yes re-opts in only numbers whose opt-out came on the questionnaire: the source
    # is what decides, so it must match the events too.
    _long_history(cli_env)
    _tamper(
        cli_env,
        "UPDATE phone_number SET status_source = 'questionnaire' WHERE e164 = '+14155550100'",
    )
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 1
    assert "+14155550100 was set by 'questionnaire' but its last event" in capsys.readouterr().err


def test_verify_catches_a_number_whose_row_was_deleted(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _long_history(cli_env)
    _tamper(cli_env, "DELETE FROM phone_number WHERE e164 = '+14155550101'")
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 1
    assert "+14155550101 has consent events but no number on file" in capsys.readouterr().err


def test_verify_counts_the_numbers_it_checked(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _long_history(cli_env)
    capsys.readouterr()
    assert main(["ledger", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ledger ok: 5 events, newest hash ")
    assert "2 numbers match their events" in out


def test_export_consent_is_one_row_per_number_with_iso_utc_times(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(cli_env)
    capsys.readouterr()
    assert main(["export", "consent"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["phone", "contact", "status", "changed_at", "source"]
    assert rows[1] == [
        "+14155550100",
        "Ann Lee",
        "opted out",
        "2026-07-01T16:00:00Z",
        "sms_keyword",
    ]


def test_export_events_lists_every_event_oldest_first(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(cli_env)
    capsys.readouterr()
    assert main(["export", "events"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["seq"], r["status"], r["source"]) for r in rows] == [
        ("1", "opted in", "questionnaire"),
        ("2", "opted out", "sms_keyword"),
    ]
    assert "Msg & data rates may apply" in rows[0]["evidence"]


def test_the_events_export_shows_the_language_and_disclaimer_version_the_client_saw(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    desk = _desk(cli_env)
    token = links.issue_link(desk, "Ana", actor="U1", language=Language.ES).url.rsplit("/", 1)[1]
    links.submit_answer(desk, token, "yes", "415 555 0100", "1.2.3.4", "ua", Language.ES)
    capsys.readouterr()
    assert main(["export", "events"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    evidence = json.loads(row["evidence"])
    assert evidence["language"] == "es"
    assert evidence["disclaimer_version"] == messages.DISCLAIMER_VERSIONS[Language.ES]
    assert "El consentimiento no es condición de compra" in evidence["disclaimer"]
    assert main(["export", "consent"]) == 0  # the consent export gains no column
    header = next(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header == ["phone", "contact", "status", "changed_at", "source"]


def test_sqlite_commands_apply_pending_migrations_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001_initial")
    monkeypatch.setenv("OPTDESK_DATABASE_URL", url)
    assert main(["ledger", "verify"]) == 0
    assert "0 events" in capsys.readouterr().out
    with make_engine(url).connect() as conn:
        assert "0001_initial" not in str(
            conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        )


@pytest.mark.parametrize(
    "argv",
    [["sms", "status", "Demo Client"], ["ledger", "verify"], ["export", "consent"], ["worker"]],
)
def test_a_command_run_away_from_the_database_says_where_it_looked_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPTDESK_DATABASE_URL", raising=False)
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert f"no database at {tmp_path / 'optdesk.db'}" in err
    assert "OPTDESK_DATABASE_URL" in err and ".env" in err and "optdesk db upgrade" in err
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_still_creates_a_new_sqlite_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPTDESK_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "optdesk.db").exists()
    assert main(["ledger", "verify"]) == 0


@pytest.mark.postgres
def test_postgres_commands_refuse_an_old_schema(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPTDESK_DATABASE_URL", postgres_url)
    assert main(["export", "consent"]) == 2
    assert "optdesk db upgrade" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 0
    assert main(["export", "consent"]) == 0


def test_a_bad_setting_is_named_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPTDESK_DEFAULT_REGION", "XX")
    assert main(["keywords"]) == 2
    assert "OPTDESK_DEFAULT_REGION" in capsys.readouterr().err


# SPEC §1: the revocation words Twilio does not handle unless added to its custom keywords.
NOT_TWILIO_KEYWORDS = {"REMOVE", "ARRET", "ALTO", "BAJA", "PARAR", "PARE", "DETENER", "CANCELAR"}


def custom_keywords_listed(out: str) -> set[str]:
    heading = "Opt-out words Twilio does not know"
    (line,) = [line for line in out.splitlines() if line.startswith(heading)]
    listed = out.splitlines()[out.splitlines().index(line) + 1]
    return {word.strip() for word in listed.split(",")}


def test_keywords_lists_the_revocation_words_for_twilio_custom_keywords(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keywords"]) == 0
    out = capsys.readouterr().out
    assert custom_keywords_listed(out) == NOT_TWILIO_KEYWORDS
    assert out.count("Lumen Studio:") == 6  # the three answers, in English and in Spanish
    assert out.index("Help (HELP) answer") < out.index("Opt-out words Twilio does not know")


def test_the_installed_optdesk_keywords_command_prints_the_same_list(cli_env: str) -> None:
    optdesk = str(Path(sys.executable).with_name("optdesk"))
    run = subprocess.run([optdesk, "keywords"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert custom_keywords_listed(run.stdout) == NOT_TWILIO_KEYWORDS
    assert run.stdout.count("Lumen Studio:") == 6  # in English and in Spanish


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "-@x", "=1+2"]


def test_exports_write_free_text_that_starts_a_formula_as_text(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC §5: a leading ' for =, +, -, @, tab, CR; phone numbers stay plain E.164."""
    assert main(["db", "upgrade"]) == 0
    desk = _desk(cli_env)
    for i, name in enumerate(FORMULAS):
        phone = f"+1415555{100 + i:04d}"
        token = links.issue_link(desk, name, actor="U1").url.rsplit("/", 1)[1]
        links.submit_answer(desk, token, "yes", phone, "1.2.3.4", "=cmd|' /C calc'!A0")
        staff.opt_out_by_staff(desk, phone, "-reason", actor=["@U1", "\tU2", "\rU3"][i % 3])
    capsys.readouterr()
    assert main(["export", "consent"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["contact"] for r in rows) == sorted("'" + name for name in FORMULAS)
    assert all(r["phone"].startswith("+1415555") for r in rows)
    assert main(["export", "events"]) == 0
    events = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    actors = {r["actor"] for r in events if r["source"] == "staff"}
    assert actors == {"'@U1", "'\tU2", "'\rU3"}
    assert all(r["phone"].startswith("+1415555") for r in events)
    for row in events:
        for column, cell in row.items():
            if column != "phone":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
