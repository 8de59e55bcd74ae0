"""What every benchmark part shares: options, the work directory, fakes, databases, results."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.procs import Proc, Procs, free_port, optdesk_argv
from tests.fakes import FakeSlack, FakeTwilio

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOTIFY_CHANNEL = "C0BENCH01"


class TimedFakeTwilio(FakeTwilio):
    """FakeTwilio that also keeps the monotonic time each text was accepted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted_at: list[float] = []
        self._times_lock = threading.Lock()

    def _create_message(self, request: Any) -> Any:
        reply = super()._create_message(request)  # type: ignore[misc]
        if reply.status == 201:
            with self._times_lock:
                self.accepted_at.append(time.monotonic())
        return reply

    def reset(self) -> None:
        super().reset()
        with self._times_lock:
            self.accepted_at.clear()


@dataclass
class Options:
    seconds: float = 8.0  # per measured point
    warmup: float = 2.0
    connections: tuple[int, ...] = (1, 16, 64)
    postgres: str | None = DEFAULT_PG
    contacts: int = 100_000
    messages: int = 1_000_000
    repeats: int = 25  # in-process timings: median of this many
    texts: int = 2000
    profile: bool = False  # py-spy the server at the highest concurrency (if py-spy is found)


@dataclass
class Bench:
    opts: Options
    workdir: Path
    procs: Procs
    twilio: TimedFakeTwilio
    slack: FakeSlack
    slack_token: str = field(default_factory=lambda: "xoxb-bench-" + secrets.token_hex(8))
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    servers: list[dict[str, Any]] = field(default_factory=list)
    _databases: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    # ---------------------------------------------------------------- databases

    def sqlite_url(self, name: str) -> str:
        return f"sqlite:///{self.workdir / (name + '.db')}"

    def postgres_available(self) -> bool:
        if not self.opts.postgres:
            return False
        try:
            engine = sa.create_engine(self.opts.postgres, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
            return True
        except Exception as exc:
            self.note(f"PostgreSQL not reachable at {self.opts.postgres}: {type(exc).__name__}")
            return False

    def _admin(self) -> sa.Engine:
        assert self.opts.postgres
        url = make_url(self.opts.postgres).set(database="postgres")
        return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def create_postgres(self, name: str) -> str:
        """A new, empty database `optdesk_bench_<name>_<random>`; dropped by drop_databases()."""
        assert self.opts.postgres
        db = f"optdesk_bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = self._admin()
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{db}"'))
        finally:
            admin.dispose()
        self._databases.append(db)
        return make_url(self.opts.postgres).set(database=db).render_as_string(hide_password=False)

    def drop_postgres(self, url: str) -> None:
        db = make_url(url).database
        if db not in self._databases:
            return
        admin = self._admin()
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        finally:
            admin.dispose()
        self._databases.remove(db)

    def drop_databases(self) -> None:
        for db in list(self._databases):
            with contextlib.suppress(Exception):
                self.drop_postgres(make_url(self.opts.postgres or DEFAULT_PG).set(database=db))

    # ---------------------------------------------------------------- optdesk processes

    def optdesk_env(
        self, database_url: str, port: int | None = None, **extra: str
    ) -> dict[str, str]:
        public = f"http://127.0.0.1:{port}" if port else "http://127.0.0.1:8000"
        env = {
            "OPTDESK_DATABASE_URL": database_url,
            "OPTDESK_PUBLIC_URL": public,
            "OPTDESK_BUSINESS_NAME": "Bench Studio",
            "OPTDESK_BUSINESS_CONTACT": "hello@bench.example",
            "OPTDESK_NOTIFY_CHANNEL": NOTIFY_CHANNEL,
            "OPTDESK_SECRET_KEY": self.secret_key,
            "TWILIO_ACCOUNT_SID": self.twilio.account_sid,
            "TWILIO_AUTH_TOKEN": self.twilio.auth_token,
            "TWILIO_FROM_NUMBER": "+15005550006",
            "TWILIO_API_URL": self.twilio.base_url,
            "SLACK_BOT_TOKEN": self.slack_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_API_URL": self.slack.base_url,
        }
        env.update(extra)
        return env

    def start_optdesk(self, name: str, database_url: str, **extra: str) -> Proc:
        port = free_port()
        env = self.optdesk_env(database_url, port, **extra)
        argv = optdesk_argv("serve", "--host", "127.0.0.1", "--port", str(port))
        proc = self.procs.start(name, argv, env, port=port)
        proc.extra["database_url"] = database_url
        self.command(env, argv)
        proc.wait_healthy(timeout=90)
        return proc

    def command(self, env: dict[str, str], argv: list[str]) -> None:
        shown = ("OPTDESK_DATABASE_URL", "OPTDESK_PUBLIC_URL", "OPTDESK_SMS_PER_SECOND")
        prefix = " ".join(f"{k}={env[k]}" for k in shown if k in env)
        line = f"{prefix} {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}"
        line = line.replace(str(self.workdir), "$WORK")
        if line not in self.commands:
            self.commands.append(line.strip())

    def stopped(self, proc: Proc, role: str) -> None:
        """Stop a server and keep its peak RSS for the memory figure."""
        self.procs.stop(proc)
        self.servers.append({"name": proc.name, "role": role, "peak_kb": proc.peak_kb})


@contextlib.contextmanager
def fakes() -> Iterator[tuple[TimedFakeTwilio, FakeSlack]]:
    twilio = TimedFakeTwilio()
    slack = FakeSlack(keep_alive=True)  # as Slack's API: connections are kept and reused
    twilio.start()
    try:
        slack.start()
        try:
            yield twilio, slack
        finally:
            slack.stop()
    finally:
        twilio.stop()
