"""The perimeter of `optdesk serve` as a real process (SPEC §3, §5): what it refuses to
start with, who may reach local mode's pages, bodies and slow clients, and what it says.

What each test proves:
- a half-configured Twilio or Slack side stops `serve` (and `worker`) at start, naming
  what is missing, instead of falling back to local mode;
- local mode's pages answer only a loopback client that came through no proxy, and only
  while the public URL is on localhost;
- the demo questionnaire link is issued once, while the database has no contact;
- a chunked body is cut off at the limit: the server's memory does not grow with it;
- connections that send no headers, half the headers or no body are closed in bounded time;
- request headers past MAX_HEADER_BYTES are refused, however they arrive, and the server
  runs on httptools and uvloop (uvicorn's `standard` stack);
- with Slack configured and OPTDESK_STAFF empty, one warning line says every member may
  text and opt out;
- `optdesk worker` posts to Slack with just SLACK_BOT_TOKEN (a signing secret is only for
  receiving), and never fakes a post.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from consent.records import InboundSms
from consent.services.context import Desk, DeskConfig, SystemClock
from consent.services.inbound import handle_inbound
from optdesk.limits import HEADER_TIMEOUT_S, KEEP_ALIVE_S, MAX_HEADER_BYTES
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.fakes import FakeSlack
from tests.optdesk.test_serve import OPTDESK, SECRET, Running, _free_port
from tests.support import wait_until
from webhooks.limits import BODY_IDLE_TIMEOUT_S

START_WITHIN = 20.0  # a refused start exits long before this; a started server never does
MB = 1024 * 1024


def base_env(db_url: str, **settings: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPTDESK_", "SLACK_", "TWILIO_"))
    }
    env.update(OPTDESK_DATABASE_URL=db_url, OPTDESK_BUSINESS_NAME="Lumen Studio", **settings)
    return env


def start_and_wait(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int | None, str]:
    """Run an optdesk command; its exit code (None: still running after START_WITHIN)."""
    log = cwd / "start.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([OPTDESK, *args], env=env, cwd=cwd, stdout=out, stderr=out)
        try:
            code: int | None = proc.wait(START_WITHIN)
        except subprocess.TimeoutExpired:
            code = None
            proc.kill()
            proc.wait()
    return code, log.read_text()


HALF_CONFIGURED = [
    (
        "twilio-without-sender",
        ["serve"],
        {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t" * 32},
        ["TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"],
    ),
    (
        "twilio-sender-only",
        ["serve"],
        {"TWILIO_FROM_NUMBER": "+15005550006"},
        ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"],
    ),
    ("twilio-api-url-only", ["serve"], {"TWILIO_API_URL": "http://127.0.0.1:9"}, ["TWILIO_AUTH"]),
    ("slack-bot-token-only", ["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, ["SLACK_SIGNING_SECRET"]),
    ("slack-secret-only", ["serve"], {"SLACK_SIGNING_SECRET": SECRET}, ["SLACK_BOT_TOKEN"]),
    ("slack-app-token-only", ["serve"], {"SLACK_APP_TOKEN": "xapp-1"}, ["SLACK_BOT_TOKEN"]),
    (
        "socket-mode-without-app-token",
        ["serve", "--socket-mode"],
        {"SLACK_BOT_TOKEN": "xoxb-1"},
        ["SLACK_APP_TOKEN"],
    ),
    ("worker-slack-secret-only", ["worker"], {"SLACK_SIGNING_SECRET": SECRET}, ["SLACK_BOT_TOKEN"]),
    (
        "worker-twilio-without-sender",
        ["worker"],
        {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t" * 32},
        ["TWILIO_FROM_NUMBER"],
    ),
]


@pytest.mark.parametrize(
    ("args", "settings", "named"),
    [case[1:] for case in HALF_CONFIGURED],
    ids=[case[0] for case in HALF_CONFIGURED],
)
def test_a_half_configured_side_stops_the_server_naming_what_is_missing(
    tmp_path: Path, args: list[str], settings: dict[str, str], named: list[str]
) -> None:
    env = base_env(f"sqlite:///{tmp_path}/optdesk.db", **settings)
    if args[0] == "serve":
        args = [*args, "--port", str(_free_port())]
    code, output = start_and_wait(args, env, tmp_path)
    assert code is not None, f"it started half configured:\n{output[-2000:]}"
    assert code != 0
    for name in named:
        assert name in output, output
    assert "LOCAL MODE" not in output


# ------------------------------------------------------------------ local mode's pages


def serve(tmp_path: Path, env: dict[str, str], port: int, *extra: str) -> Running:
    running = Running.__new__(Running)
    running.env, running.port, running.cwd = env, port, tmp_path
    running.url = f"http://127.0.0.1:{port}"
    running.log = tmp_path / f"serve-{port}.log"
    with running.log.open("wb") as out:
        running.proc = subprocess.Popen(
            [OPTDESK, "serve", "--port", str(port), *extra],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_until(running._healthy, timeout=30, every=0.1)
    return running


@pytest.fixture
def local_desk(tmp_path: Path) -> Iterator[Running]:
    """`optdesk serve` in local mode on every interface, its public URL on localhost."""
    port = _free_port()
    env = base_env(
        f"sqlite:///{tmp_path}/optdesk.db", OPTDESK_PUBLIC_URL=f"http://localhost:{port}"
    )
    running = serve(tmp_path, env, port, "--host", "0.0.0.0")  # noqa: S104
    try:
        yield running
    finally:
        running.stop()


def test_local_pages_answer_only_this_machine_and_never_through_a_proxy(
    local_desk: Running,
) -> None:
    for page in (local_desk.url + "/local/phone", local_desk.url + "/local/desk"):
        assert httpx.get(page).status_code == 200
        for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
            assert httpx.get(page, headers={header: "127.0.0.1"}).status_code == 404, header
    page = local_desk.url + "/local/phone"
    stop = httpx.post(
        page, data={"from": "+14155550100", "body": "STOP"}, headers={"X-Real-IP": "1"}
    )
    assert stop.status_code == 404


def test_local_pages_are_off_while_the_public_url_is_not_localhost(tmp_path: Path) -> None:
    port = _free_port()
    env = base_env(
        f"sqlite:///{tmp_path}/optdesk.db", OPTDESK_PUBLIC_URL="https://desk.example.com"
    )
    running = serve(tmp_path, env, port)
    try:
        assert httpx.get(running.url + "/local/phone").status_code == 404
        assert httpx.get(running.url + "/local/desk").status_code == 404
    finally:
        running.stop()


def test_the_demo_link_is_issued_once_while_the_database_has_no_contact(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/optdesk.db"
    links = []
    for _ in range(2):
        port = _free_port()
        running = serve(
            tmp_path, base_env(url, OPTDESK_PUBLIC_URL=f"http://localhost:{port}"), port
        )
        running.stop()
        links.append([line for line in running.log.read_text().splitlines() if "/q/" in line])
    assert len(links[0]) == 1, links
    assert links[1] == [], "a second start issued another demo link"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM contact")) == 1
    engine.dispose()


# ------------------------------------------------------------------ bodies and slow clients


@pytest.fixture(scope="module")
def slack_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """`optdesk serve` with Slack over HTTP (a fake Web API), Twilio local, no OPTDESK_STAFF."""
    tmp_path = tmp_path_factory.mktemp("slack-desk")
    port = _free_port()
    with FakeSlack() as fake:
        env = base_env(
            f"sqlite:///{tmp_path}/optdesk.db",
            OPTDESK_PUBLIC_URL=f"http://127.0.0.1:{port}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
        )
        running = serve(tmp_path, env, port)
        try:
            yield running
        finally:
            running.stop()


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_chunked_body_past_1_mb_is_cut_off_without_growing_memory(slack_desk: Running) -> None:
    """SPEC §3: a 100 MB chunked, unsigned body to /slack/events; no Content-Length."""
    pid = slack_desk.proc.pid
    before = rss(pid)
    peak = before
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss(pid))
            time.sleep(0.01)

    answer = bytearray()

    def read(sock: socket.socket) -> None:
        try:
            while chunk := sock.recv(65536):
                answer.extend(chunk)
        except OSError:
            pass

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    sent = 0
    with socket.create_connection(("127.0.0.1", slack_desk.port), timeout=30) as sock:
        reader = threading.Thread(target=read, args=(sock,), daemon=True)
        reader.start()
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        try:
            while sent < 100 * MB:
                sock.sendall(framed)
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server stopped reading and closed the connection
        reader.join(20)
    done.set()
    watcher.join(5)
    assert peak - before < 30 * MB, f"RSS grew by {(peak - before) // MB} MB"
    assert sent < 20 * MB, f"the server read {sent // MB} MB before answering"
    assert answer.startswith(b"HTTP/1.1 413"), bytes(answer[:200])


def closed_after(sock: socket.socket, limit: float) -> tuple[float, bytes]:
    """Seconds until the server closed the connection, and what it said before."""
    start = time.monotonic()
    sock.settimeout(limit)
    said = bytearray()
    try:
        while chunk := sock.recv(4096):
            said.extend(chunk)
    except TimeoutError:
        return float("inf"), bytes(said)
    except ConnectionResetError:
        pass
    return time.monotonic() - start, bytes(said)


def test_connections_without_headers_or_body_are_closed_in_bounded_time(
    slack_desk: Running,
) -> None:
    address = ("127.0.0.1", slack_desk.port)
    silent = socket.create_connection(address)
    half_headers = socket.create_connection(address)
    half_headers.sendall(b"POST /twilio/sms HTTP/1.1\r\nHost: x\r\n")
    no_body = socket.create_connection(address)
    no_body.sendall(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\nBody=hi"
    )
    idle = socket.create_connection(address)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    results = {}

    def measure(name: str, sock: socket.socket, limit: float) -> None:
        with sock:
            results[name] = closed_after(sock, limit)

    threads = [
        threading.Thread(target=measure, args=("silent", silent, HEADER_TIMEOUT_S + 10)),
        threading.Thread(target=measure, args=("half", half_headers, HEADER_TIMEOUT_S + 10)),
        threading.Thread(target=measure, args=("no body", no_body, BODY_IDLE_TIMEOUT_S + 10)),
        threading.Thread(target=measure, args=("idle", idle, KEEP_ALIVE_S + 10)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results["silent"][0] <= HEADER_TIMEOUT_S + 3, results["silent"]
    assert results["half"][0] <= HEADER_TIMEOUT_S + 3, results["half"]
    seconds, said = results["no body"]
    assert seconds <= BODY_IDLE_TIMEOUT_S + 3 and said.startswith(b"HTTP/1.1 408"), said[:100]
    seconds, said = results["idle"]
    assert seconds <= KEEP_ALIVE_S + 3 and said.startswith(b"HTTP/1.1 200"), said[:100]


def answer_to(port: int, request: bytes, pieces: int = 1) -> bytes:
    """What the server says to `request`, sent in `pieces` writes; b"" if it just closed."""
    said = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        step = -(-len(request) // pieces)
        try:
            for i in range(0, len(request), step):
                sock.sendall(request[i : i + step])
            while chunk := sock.recv(4096):
                said.extend(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass
    return bytes(said)


@pytest.mark.parametrize("pieces", [1, 64])
def test_request_headers_past_the_limit_are_refused(slack_desk: Running, pieces: int) -> None:
    big = b"X-Padding: " + b"a" * MAX_HEADER_BYTES + b"\r\n"
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big + b"Connection: close\r\n\r\n"
    said = answer_to(slack_desk.port, request, pieces)
    assert said == b"" or said.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431")), said[:100]
    just_under = b"X-Padding: " + b"a" * (MAX_HEADER_BYTES // 2) + b"\r\n"
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + just_under + b"Connection: close\r\n\r\n"
    assert answer_to(slack_desk.port, request, pieces).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("pieces", [1, 8])
def test_a_large_body_read_together_with_small_headers_reaches_the_app(
    slack_desk: Running, pieces: int
) -> None:
    body = b"token=" + b"a" * (3 * MAX_HEADER_BYTES)
    request = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    said = answer_to(slack_desk.port, request, pieces)
    assert said.startswith(b"HTTP/1.1 401"), said[:100]  # the app's answer: unsigned


def test_the_server_runs_on_httptools_and_uvloop(slack_desk: Running) -> None:
    maps = Path(f"/proc/{slack_desk.proc.pid}/maps").read_text()
    assert "httptools" in maps and "uvloop" in maps


def test_an_empty_staff_list_with_slack_is_said_in_one_warning_line(slack_desk: Running) -> None:
    lines = [line for line in slack_desk.log.read_text().splitlines() if "OPTDESK_STAFF" in line]
    assert len(lines) == 1, lines
    assert "WARNING" in lines[0] and "every member" in lines[0] and "opt" in lines[0]


def test_a_staff_list_silences_the_warning(tmp_path: Path) -> None:
    port = _free_port()
    with FakeSlack() as fake:
        env = base_env(
            f"sqlite:///{tmp_path}/optdesk.db",
            OPTDESK_PUBLIC_URL=f"http://127.0.0.1:{port}",
            OPTDESK_STAFF="U0STAFF",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.base_url,
        )
        running = serve(tmp_path, env, port)
        running.stop()
    assert "OPTDESK_STAFF" not in running.log.read_text()


# ------------------------------------------------------------------ the worker


def test_the_worker_posts_to_slack_with_only_a_bot_token(tmp_path: Path) -> None:
    """Socket Mode deployments have no signing secret: the worker must still post."""
    url = f"sqlite:///{tmp_path}/optdesk.db"
    engine = make_engine(url)
    upgrade(engine)
    config = DeskConfig(business_name="Lumen Studio", notify_channel="C0NOTIFY")
    desk = Desk(SqlUnitOfWorkFactory(engine, clock := SystemClock()), clock, config)
    handle_inbound(desk, InboundSms("SM" + "b" * 32, "+14155550100", "+15005550006", "hello?"))
    with FakeSlack() as fake:
        env = base_env(
            url,
            OPTDESK_NOTIFY_CHANNEL="C0NOTIFY",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_API_URL=fake.base_url,
        )
        log = tmp_path / "worker.log"
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [OPTDESK, "worker"], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            wait_until(lambda: fake.calls_to("chat.postMessage"), timeout=20)
        except AssertionError:
            raise AssertionError(f"the worker posted nothing:\n{log.read_text()[-2000:]}") from None
        finally:
            worker.terminate()
            worker.wait(15)
        (post,) = fake.calls_to("chat.postMessage")
        assert post.args["channel"] == "C0NOTIFY" and "hello?" in str(post.args)
    assert "LOCAL MODE (Slack)" not in log.read_text()
    engine.dispose()
