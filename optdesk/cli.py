"""The `optdesk` command line: serve, worker, db upgrade, sms, keywords, ledger, export,
import."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from consent import messages
from consent.errors import ConsentError
from consent.keywords import SPANISH_OPT_OUT_KEYWORDS, TWILIO_CUSTOM_OPT_OUT_KEYWORDS
from consent.language import Language
from optdesk.root import Core, build_core
from optdesk.settings import Settings
from storage.engine import missing_sqlite_file
from storage.migrate import SchemaOutdated, ensure, upgrade


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="optdesk", description="SMS consent desk for Slack.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, serve every endpoint, dispatch")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--socket-mode", action="store_true", help="Slack over Socket Mode")
    sub.add_parser("worker", help="run the dispatcher alone")
    db = sub.add_parser("db", help="database commands")
    db.add_argument("action", choices=["upgrade"])
    sms = sub.add_parser("sms", help="the /sms commands, from a terminal")
    sms.add_argument("args", nargs=argparse.REMAINDER)
    sub.add_parser("keywords", help="print the STOP/START/HELP answers and words for Twilio")
    ledger = sub.add_parser("ledger", help="the consent ledger")
    ledger.add_argument("action", choices=["verify"])
    export = sub.add_parser("export", help="CSV on stdout")
    export.add_argument("what", choices=["consent", "events"])
    imp = sub.add_parser("import", help="import a CSV of numbers to opt out")
    imp.add_argument("what", choices=["optouts"])
    imp.add_argument("file", help="a CSV file with a phone column (and an optional reason)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = Settings()
    except ValidationError as err:
        for problem in err.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "settings"
            print(f"optdesk: bad setting {name}: {problem['msg']}", file=sys.stderr)
        return 2
    if args.command == "keywords":
        return _keywords(settings)
    if args.command in ("serve", "worker"):
        from optdesk.sides import half_configured

        socket_mode = args.command == "serve" and args.socket_mode
        receiving = args.command == "serve"
        problems = half_configured(settings, socket_mode=socket_mode, receiving=receiving)
        for sentence in problems:
            print(f"optdesk: {sentence}", file=sys.stderr)
        if problems:
            return 2
    if args.command not in ("serve", "db") and _no_database(settings.database_url):
        return 2
    core = build_core(settings)
    try:
        if args.command in ("serve", "db"):
            upgrade(core.engine)
            if args.command == "db":
                print("Database schema is up to date.")
                return 0
        else:
            ensure(core.engine)
    except SchemaOutdated as err:
        print(err, file=sys.stderr)
        return 2
    if args.command == "serve":
        from optdesk.serve import serve

        return serve(core, host=args.host, port=args.port, socket_mode=args.socket_mode)
    if args.command == "worker":
        from optdesk.serve import work

        return work(core)
    if args.command == "sms":
        return _sms(core, args.args)
    if args.command == "ledger":
        return _verify(core)
    if args.command == "import":
        from optdesk.importing import main_import

        return main_import(core.desk, args.file)
    return _export(core, args.what)


def _no_database(url: str) -> bool:
    """Say so when the SQLite file is not there, rather than start an empty second desk."""
    missing = missing_sqlite_file(url)
    if missing is None:
        return False
    print(
        f"optdesk: no database at {missing}.\n"
        "The SQLite path in OPTDESK_DATABASE_URL (default sqlite:///./optdesk.db) is read\n"
        "from the folder you run optdesk in. Run it from the folder that holds your .env\n"
        "and optdesk.db, or set OPTDESK_DATABASE_URL=sqlite:////full/path/to/optdesk.db.\n"
        "To start a new database there on purpose, run `optdesk db upgrade`.",
        file=sys.stderr,
    )
    return True


def _keywords(settings: Settings) -> int:
    business, contact, es = settings.business_name, settings.business_contact, Language.ES
    print("Paste these into Twilio Console > Messaging Service > Opt-Out Management")
    print("(Advanced Opt-Out), so Twilio answers each keyword exactly once:\n")
    print("Opt-out (STOP) confirmation:\n  " + messages.opt_out_confirmation(business) + "\n")
    print("Opt-in (START) confirmation:\n  " + messages.resubscribe_confirmation(business) + "\n")
    print("Help (HELP) answer:\n  " + messages.help_answer(business, contact))
    print("\nOpt-out words Twilio does not know (add each under Opt-out keywords, as custom):")
    print("  " + ", ".join(word.upper() for word in TWILIO_CUSTOM_OPT_OUT_KEYWORDS))
    print("Added there, Twilio answers them with the opt-out confirmation above; left out,")
    print("optdesk sends that confirmation itself, in the contact's language.")
    spanish = ", ".join(
        word.upper() for word in sorted(SPANISH_OPT_OUT_KEYWORDS) if " " not in word
    )
    print(f"\nThe Spanish answers, for the Spanish words ({spanish}; help: AYUDA)")
    print("if you give them a Spanish language in Advanced Opt-Out:\n")
    print("Opt-out (PARAR) confirmation, Spanish:")
    print("  " + messages.opt_out_confirmation(business, es) + "\n")
    print("Opt-in (START) confirmation, Spanish:")
    print("  " + messages.resubscribe_confirmation(business, es) + "\n")
    print("Help (AYUDA) answer, Spanish:\n  " + messages.help_answer(business, contact, es))
    return 0


def _sms(core: Core, args: Sequence[str]) -> int:
    from bot.cli import join_args, run_cli_reply

    try:
        reply = run_cli_reply(core.desk, join_args(args), actor="cli")
    except ConsentError as err:
        print(err.reason, file=sys.stderr)
        return 1
    print(reply.plain, file=sys.stdout if reply.ok else sys.stderr)
    return 0 if reply.ok else 1


def _verify(core: Core) -> int:
    from consent.services.queries import verify_ledger

    report = verify_ledger(core.desk)
    if not report.ok:
        print(f"LEDGER BROKEN: {report.problem}", file=sys.stderr)
        print(f"events verified before the break: {report.count}", file=sys.stderr)
        return 1
    print(f"ledger ok: {report.count} events, newest hash {report.head}")
    print(f"{report.numbers} numbers match their events")
    return 0


def _export(core: Core, what: str) -> int:
    from consent.services.queries import consent_rows, event_rows

    # RFC 4180 line ends: the writer then quotes any cell holding a CR as well as an LF
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    if what == "consent":
        out.writerow(["phone", "contact", "status", "changed_at", "source"])
        for phone, *rest in consent_rows(core.desk):
            out.writerow([phone, *map(as_text, rest)])
        return 0
    out.writerow(
        [
            "seq",
            "at",
            "phone",
            "contact_id",
            "status",
            "source",
            "actor",
            "evidence",
            "prev_hash",
            "hash",
        ]
    )
    for ev in event_rows(core.desk):
        at = ev.at.isoformat().replace("+00:00", "Z")
        evidence = json.dumps(dict(ev.evidence), sort_keys=True, ensure_ascii=False)
        free = [ev.status, ev.source, ev.actor, evidence, ev.prev_hash, ev.hash]
        out.writerow([ev.seq, at, ev.phone, ev.contact_id, *map(as_text, free)])
    return 0


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: object) -> str:
    """A free-text cell as a spreadsheet must show it: text, never a formula (SPEC §5).

    A leading `'` makes Excel, LibreOffice and Google Sheets read the cell as text; phone
    numbers (E.164, `+...`) are written by the callers as they are.
    """
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


if __name__ == "__main__":
    raise SystemExit(main())
