"""What the drills share: `optdesk serve` processes, signed Twilio webhooks, database reads.

Every wait polls with a deadline (a loaded 2-core machine is slow, never wrong), every
process runs in its own process group and is killed with it in a `finally`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa
from _pytest.mark import ParameterSet

from consent.services.dispatch import Dispatcher
from storage.engine import make_engine
from storage.tables import event_t, idempotency_t, message_t, outbox_t, phone_t
from tests.fakes import FakeSlack, FakeTwilio
from tests.webhooks.helpers import inbound_form, sign

T = TypeVar("T")

SCALE = float(os.environ.get("OPTDESK_DRILL_SCALE", "1") or "1")
OPTDESK = str(Path(sys.executable).with_name("optdesk"))
PUBLIC_URL = "https://optdesk.example.com"  # what Twilio signs; servers listen on 127.0.0.1
SENDER = "+15005550006"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FULL = [pytest.mark.drill, pytest.mark.timeout(900 * max(SCALE, 1))]  # marks of a full drill


def variants(bounded: T, full: T) -> list[ParameterSet]:
    """The bounded size (runs in `make test`) and the full one (`make drills`)."""
    return [
        pytest.param(bounded, id="bounded"),
        pytest.param(full, id="full", marks=FULL),
    ]


def db_variants(
    bounded: T, full: T, *, bounded_on: tuple[str, ...] = ("sqlite",)
) -> list[ParameterSet]:
    """(size, database) pairs for `parametrize(("size", "db_url"), ..., indirect=["db_url"])`:
    the full size on SQLite and PostgreSQL, the bounded one on `bounded_on`."""
    out = []
    for kind in ("sqlite", "postgres"):
        marks = [pytest.mark.postgres] if kind == "postgres" else []
        if kind in bounded_on:
            out.append(pytest.param(bounded, kind, id=f"{kind}-bounded", marks=marks))
        out.append(pytest.param(full, kind, id=f"{kind}-full", marks=[*marks, *FULL]))
    return out


def scaled(n: int) -> int:
    return max(1, round(n * SCALE))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], T], timeout: float, what: str, every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        time.sleep(every)


def number(n: int, block: int = 0) -> str:
    """A distinct US number per (block, n): +1 415 6BB NNNN."""
    return f"+1415{600 + block:03d}{n:04d}"


def new_sid(n: int, block: int = 0) -> str:
    return f"SM{block:08x}{n:08x}" + "d" * 16


# processes -------------------------------------------------------------------------------


def base_env(db_url: str, twilio: FakeTwilio, slack: FakeSlack, **extra: str) -> dict[str, str]:
    """The environment of an `optdesk` process wired to the fakes (nothing from ours leaks)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPTDESK_", "SLACK_", "TWILIO_"))
    }
    env.update(
        OPTDESK_DATABASE_URL=db_url,
        OPTDESK_PUBLIC_URL=PUBLIC_URL,
        OPTDESK_BUSINESS_NAME="Drill Studio",
        OPTDESK_NOTIFY_CHANNEL="C0NOTIFY",
        OPTDESK_SMS_PER_SECOND="200",
        SLACK_BOT_TOKEN="xoxb-drill",
        SLACK_SIGNING_SECRET=SLACK_SECRET,
        SLACK_API_URL=slack.base_url,
        TWILIO_ACCOUNT_SID=twilio.account_sid,
        TWILIO_AUTH_TOKEN=twilio.auth_token,
        TWILIO_FROM_NUMBER=SENDER,
        TWILIO_API_URL=twilio.base_url,
    )
    env.update(extra)
    return env


def cli(env: Mapping[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OPTDESK, *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Server:
    """One `optdesk serve` in its own process group, so SIGKILL takes all of it."""

    _runs = 0

    def __init__(self, env: Mapping[str, str], cwd: Path, name: str = "serve") -> None:
        Server._runs += 1
        self.env, self.cwd = dict(env), cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"{name}-{Server._runs}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [OPTDESK, "serve", "--port", str(self.port)],
                env=self.env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 90) -> None:
        def healthy() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"optdesk serve exited:\n{self.log_text()[-4000:]}")
            try:
                return httpx.get(self.url + "/healthz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(healthy, timeout, f"{self.url}/healthz answers 200", every=0.1)

    def kill9(self) -> None:
        """SIGKILL the whole process group: no cleanup, no flush, like a pulled plug."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # uvicorn's graceful shutdown
            self.proc.wait(20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
        if self.proc.poll() is None:
            self.kill9()


@contextmanager
def serving(env: Mapping[str, str], cwd: Path, name: str = "serve") -> Iterator[Server]:
    server = Server(env, cwd, name)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


# Twilio webhooks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Inbound:
    """One inbound text as Twilio would post it (and re-post it on a retry)."""

    from_: str
    body: str
    sid: str

    def form(self) -> dict[str, str]:
        return inbound_form(self.from_, self.body, self.sid, To=SENDER)


def post_inbound(http: httpx.Client, base_url: str, token: str, sms: Inbound) -> httpx.Response:
    """POST a signed inbound text (signed for PUBLIC_URL, sent to `base_url`)."""
    form = sms.form()
    signature = sign(token, PUBLIC_URL + "/twilio/sms", form)
    return http.post(base_url + "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})


def http_client(workers: int = 8, timeout: float = 60, *, keepalive: bool = True) -> httpx.Client:
    """`keepalive=False`: a new connection per request, as independent webhooks arrive."""
    idle = workers if keepalive else 0
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=idle)
    return httpx.Client(trust_env=False, timeout=timeout, limits=limits)


# the database, read from outside ---------------------------------------------------------


class Db:
    """Reads a drill's database directly (its own engine; never writes)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url, poolclass=sa.pool.NullPool)

    def close(self) -> None:
        self.engine.dispose()

    def rows(self, stmt: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(stmt).all())

    def events(self) -> list[Any]:
        """(seq, phone, status, source, evidence) of every consent event, oldest first."""
        return self.rows(
            sa.select(
                event_t.c.seq,
                event_t.c.phone,
                event_t.c.status,
                event_t.c.source,
                event_t.c.evidence,
            ).order_by(event_t.c.seq)
        )

    def statuses(self) -> dict[str, str]:
        return dict(self.rows(sa.select(phone_t.c.e164, phone_t.c.status)))

    def inbound_sids(self) -> list[str]:
        stmt = sa.select(message_t.c.twilio_sid).where(message_t.c.direction == "in")
        return [row[0] for row in self.rows(stmt)]

    def outbound(self) -> list[Any]:
        """(id, e164, body, status, twilio_sid) of every outbound text."""
        return self.rows(
            sa.select(
                message_t.c.id,
                message_t.c.e164,
                message_t.c.body,
                message_t.c.status,
                message_t.c.twilio_sid,
            ).where(message_t.c.direction == "out")
        )

    def outbox(self) -> list[Any]:
        """(id, kind, status, attempts, leased_until, last_error, message_id) of every row."""
        return self.rows(
            sa.select(
                outbox_t.c.id,
                outbox_t.c.kind,
                outbox_t.c.status,
                outbox_t.c.attempts,
                outbox_t.c.leased_until,
                outbox_t.c.last_error,
                outbox_t.c.message_id,
            ).order_by(outbox_t.c.id)
        )

    def unsettled(self) -> list[Any]:
        return [row for row in self.outbox() if row.status in ("pending", "inflight")]

    def sms_keys(self) -> int:
        stmt = sa.select(sa.func.count()).where(idempotency_t.c.key.like("sms:%"))
        return int(self.rows(stmt)[0][0])


# an in-process dispatcher ------------------------------------------------------------------


class Dispatching:
    """`Dispatcher.run_forever` on its own thread and event loop, as `optdesk serve` runs it."""

    def __init__(self, dispatcher: Dispatcher, idle: float = 0.1) -> None:
        self.dispatcher, self.idle = dispatcher, idle
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="drill-dispatcher", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            self._ready.set()
            await self.dispatcher.run_forever(idle=self.idle, stop=self._stop)

        asyncio.run(main())

    def __enter__(self) -> Dispatching:
        self._thread.start()
        assert self._ready.wait(30), "the dispatcher did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)
        assert not self._thread.is_alive(), "the dispatcher did not stop"
