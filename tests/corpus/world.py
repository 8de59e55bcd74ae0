"""One running desk for a whole corpus module: every endpoint served by one uvicorn server.

The sidecar is built as the composition root builds it (questionnaire, Twilio webhooks,
health and the Bolt handler on `/slack/events`), plus a second, local-mode server for
`/local/phone`; both on one database, seeded once with contacts in every state. Cases
share the world: each compares a digest of every row of every table before and after
its request, so it needs no fresh database, and accepted cases use their own numbers
and names so they do not disturb the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import re
import socket
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator

from bot.app import create_bolt_app
from bot.handler import slack_route
from bot.notifier import SlackNotifier
from consent.services.context import Desk, DeskConfig
from consent.services.dispatch import Dispatcher
from consent.services.links import issue_link, token_hash
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import metadata
from storage.uow import SqlUnitOfWorkFactory
from tests.bot import seed
from tests.bot.harness import SECRET, STAFF, signed_headers
from tests.fakes import FakeSlack
from tests.support import NOON_NY, FixedClock, RecordingGateway
from tests.webhooks.helpers import LiveServer, inbound_form, new_sid
from webhooks.app import create_app
from webhooks.csrf import COOKIE, Csrf

BUSINESS = "Bloom & <Branch> Florists"
PUBLIC_URL = "https://optdesk.example.com"
LOCAL_URL = "http://localhost:8000"  # the local-mode server's public URL
SENDER = "+14155550199"
TWILIO_TOKEN = "corpus-twilio-auth-token-0123456789ab"
CSRF_SECRET = b"corpus-csrf-secret-0123456789abcdef"
NOTIFY = "C0NOTIFY"
THREAD_TS = "1700000000.000100"
FORM = "application/x-www-form-urlencoded"
TIMEOUT = 10.0  # every request has one: a hang fails the case instead of the run

ANN = "+14155550100"  # opted in, project Garden, a thread in C0NOTIFY
BOB = "+14155550101"  # opted out by staff
EVE = "+14155550102"  # opted in, a hostile name
OLIVE = "+14155550105"  # opted in: the one a staff opt-out case may act on
STRANGER = "+14155550109"  # never seen
EVIL_NAME = "Eve <script>alert(1)</script> <!channel> <@U123EVIL> *bold* & co"
EVIL_PROJECT = "<b>Evil</b> & <!here>"
ADA = "Ada <script>alert('x')</script> O'Brien 🙂"
GUEST = "UGUEST"  # a workspace member who is not staff

# What user input may put in a message and must never reach Slack or a page unescaped.
SLACK_MARKERS = (
    "<script",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123EVIL",
    "<https://evil",
    "<img",
    "<b>",
    "<Branch>",  # the business name (set by the operator, still escaped everywhere)
)
BROADCAST_WORD = re.compile(r"(?<![\w.])@(channel|here|everyone)\b", re.IGNORECASE)
HTML_MARKERS = ("<script>alert", "<img src=x", "<svg onload", "<b>Evil", "<Branch>")

_numbers = itertools.count(200)
_names = itertools.count(1)


def fresh_phone() -> str:
    """A valid US number no other case uses (+1 415-555-02xx...)."""
    return f"+1415555{next(_numbers):04d}"


def fresh_name(stem: str = "Corpus") -> str:
    return f"{stem} {next(_names):04d}"


def slack_leaks(text: str) -> list[str]:
    """Raw mentions, links or tags from user input in Slack text (empty: all escaped)."""
    found = [marker for marker in SLACK_MARKERS if marker in text]
    found += [m.group(0) for m in BROADCAST_WORD.finditer(text)]
    return found


def html_leaks(text: str) -> list[str]:
    return [marker for marker in HTML_MARKERS if marker in text]


def strings_in(value: Any) -> Iterator[str]:
    """Every text Slack reads as mrkdwn in a message, view or answer: each "text" except
    inside plain_text objects (Slack shows those literally; button values, metadata and
    ids are never shown)."""
    if isinstance(value, Mapping):
        if value.get("type") == "plain_text":
            return
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            elif key in ("errors",) and isinstance(item, Mapping):
                yield from (v for v in item.values() if isinstance(v, str))
            else:
                yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


@dataclass(frozen=True)
class Mark:
    """How much the app had sent to Slack and logged, at one moment."""

    calls: int
    responses: int
    errors: int


class _Errors(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@dataclass
class Answer:
    """What Slack showed for one slash command: the ack body or the response_url post."""

    response: httpx.Response
    body: dict[str, Any] | None

    @property
    def text(self) -> str:
        return "\n".join(strings_in(self.body or {}))


@dataclass(repr=False)
class World:
    desk: Desk
    engine: Engine
    clock: FixedClock
    http: httpx.Client  # the sidecar (Twilio token set)
    local: httpx.Client  # a local-mode sidecar on the same database (/local/phone)
    local_public: httpx.Client  # local mode, but OPTDESK_PUBLIC_URL is not localhost
    slack: FakeSlack
    dispatcher: Dispatcher
    gateway: RecordingGateway
    csrf: Csrf
    links: dict[str, str]  # name -> token: live, required, expired
    contacts: dict[str, int]
    ann_sid: str = ""  # the Twilio sid of the confirmation texted to Ann
    errors: list[logging.LogRecord] = field(default_factory=list)  # optdesk.* at ERROR
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # ---------------------------------------------------------------- watching

    def mark(self) -> Mark:
        return Mark(len(self.slack.calls), len(self.slack.response_calls), len(self.errors))

    def slack_output(self, since: Mark | None = None) -> list[str]:
        """Every text the app sent to Slack (since a mark): Web API calls, response_url posts."""
        texts: list[str] = []
        calls = list(self.slack.calls)[since.calls if since else 0 :]
        for call in calls:
            if call.method in ("auth.test", "users.info", "usergroups.users.list"):
                continue
            args = dict(call.args)
            for key in ("blocks", "view"):
                if isinstance(args.get(key), str):
                    with suppress(ValueError):
                        args[key] = json.loads(args[key])
            texts.extend(strings_in(args))
        for response in list(self.slack.response_calls)[since.responses if since else 0 :]:
            texts.extend(strings_in(response.body))
        return texts

    def errors_since(self, since: Mark) -> list[str]:
        return [record.getMessage() for record in self.errors[since.errors :]]

    def wait_for_slack(self, since: Mark, what: str) -> None:
        """Until the app's follow-up arrived: a response_url post (`what` = "response") or
        a Web API call by that method name."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            if what == "response":
                if len(self.slack.response_calls) > since.responses:
                    return
            elif any(c.method == what for c in list(self.slack.calls)[since.calls :]):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} from the app within {TIMEOUT}s")
            time.sleep(0.005)

    def wait_for_change(self, before: dict[str, tuple[int, str]]) -> None:
        """Until the app's background work changed the database (an ack comes first)."""
        deadline = time.monotonic() + TIMEOUT
        while self.state() == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing changed within {TIMEOUT}s")
            time.sleep(0.01)

    # ---------------------------------------------------------------- database

    def state(self) -> dict[str, tuple[int, str]]:
        """Per table: row count and a digest of every row (equal: nothing changed)."""
        out: dict[str, tuple[int, str]] = {}
        with self.engine.connect() as conn:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(sa.select(table).order_by(*order)).all()
                out[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
        return out

    def ledger_head(self) -> tuple[int, str]:
        """The ledger's length and newest hash (what `optdesk ledger verify` prints)."""
        with self.desk.uow(write=False) as uow:
            return uow.ledger.head()

    def dispatch(self) -> int:
        """One dispatcher pass: queued texts to the recording gateway, notes to FakeSlack."""
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self.dispatcher.run_once()).result(TIMEOUT * 3)

    # ---------------------------------------------------------------- Twilio

    def twilio(
        self,
        path: str,
        params: Mapping[str, str] | Sequence[tuple[str, str]],
        *,
        sign_params: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
        signed_url: str | None = None,
        token: str = TWILIO_TOKEN,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
        query: str = "",
    ) -> httpx.Response:
        """A form post to a Twilio webhook, signed over `sign_params` (default: `params`)."""
        pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
        signing = sign_params if sign_params is not None else pairs
        signing_pairs = list(signing.items()) if isinstance(signing, Mapping) else list(signing)
        url = signed_url or PUBLIC_URL + path + (f"?{query}" if query else "")
        if signature is None:
            signature = sign_multi(token, url, signing_pairs)
        sent = {"Content-Type": FORM, "X-Twilio-Signature": signature, **(headers or {})}
        target = path + (f"?{query}" if query else "")
        return self.http.post(target, content=urlencode(pairs).encode(), headers=sent)

    def twilio_raw(
        self,
        path: str,
        body: bytes,
        content_type: str | None = FORM,
        *,
        sign_params: Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Bytes as they are; signed over `sign_params` when given, else a random signature."""
        signature = (
            sign_multi(TWILIO_TOKEN, PUBLIC_URL + path, sign_params)
            if sign_params is not None
            else "c2lnbmF0dXJlIG9mIG5vdGhpbmc="
        )
        sent = {"X-Twilio-Signature": signature, **(headers or {})}
        if content_type is not None:
            sent["Content-Type"] = content_type
        return self.http.post(path, content=body, headers=sent)

    # ---------------------------------------------------------------- pages

    def path(self, link: str) -> str:
        return f"/q/{self.links[link]}"

    def page_csrf(self, link: str = "live") -> str:
        """A valid CSRF token for a link's form, as its GET would have set it."""
        return self.csrf.issue(token_hash(self.links[link]))

    def page_post(
        self,
        path: str,
        body: bytes | str,
        *,
        cookie: str | None,
        content_type: str | None = FORM,
        headers: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
    ) -> httpx.Response:
        sent: dict[str, str | bytes] = dict(headers or {})
        if cookie is not None:
            sent["Cookie"] = f"{COOKIE}={cookie}".encode()  # bytes: a hostile cookie may be UTF-8
        if content_type is not None:
            sent["Content-Type"] = content_type
        data = body.encode() if isinstance(body, str) else body
        return (client or self.http).post(path, content=data, headers=sent)

    def raw_http(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: Sequence[str] = (),
        *,
        client: httpx.Client | None = None,
    ) -> httpx.Response:
        """One request written by hand on a socket (httpx would normalise `..` away)."""
        base = (client or self.http).base_url
        host, port = base.host, base.port
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        lines += [*headers, f"Content-Length: {len(body)}"] if body else list(headers)
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        with socket.create_connection((host, port or 80), timeout=TIMEOUT) as sock:
            sock.sendall(head + body)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        status_line, _, rest = raw.partition(b"\r\n")
        header_blob, _, content = rest.partition(b"\r\n\r\n")
        parsed = [
            tuple(part.strip() for part in line.split(":", 1))
            for line in header_blob.decode("latin-1").split("\r\n")
            if ":" in line
        ]
        header_pairs = [(k, v) for k, v in parsed if k.lower() != "transfer-encoding"]
        return httpx.Response(int(status_line.split()[1]), headers=header_pairs, content=content)

    # ---------------------------------------------------------------- Slack

    def slack_post(
        self,
        body: str | bytes,
        content_type: str = FORM,
        *,
        headers: Mapping[str, str] | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        sent = signed_headers(body, content_type) if signed else {"content-type": content_type}
        sent.update(headers or {})
        return self.http.post("/slack/events", content=body, headers=sent)

    def command_fields(self, text: str, *, user: str = STAFF, name: str = "") -> dict[str, str]:
        return {
            "token": "legacy",
            "team_id": "T0001",
            "team_domain": "optdesk-test",
            "channel_id": "C0CMD",
            "channel_name": "desk",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/sms",
            "text": text,
            "response_url": self.slack.response_url(name or self.response_name()),
            "trigger_id": f"{next(self._ids)}.1.trigger",
            "api_app_id": "A0001",
        }

    def response_name(self) -> str:
        return f"corpus{next(self._ids)}"

    def command(self, text: str, *, user: str = STAFF) -> Answer:
        """Run `/sms <text>` as Slack sends it; the answer (ack body or response_url post)."""
        name = self.response_name()
        fields = self.command_fields(text, user=user, name=name)
        response = self.slack_post(urlencode(fields))
        if response.status_code != 200:
            return Answer(response, None)
        if response.content:
            return Answer(response, response.json())
        deadline = time.monotonic() + TIMEOUT
        while not self.slack.responses_for(name):
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer to /sms {text[:80]!r} within {TIMEOUT}s")
            time.sleep(0.005)
        return Answer(response, self.slack.responses_for(name)[0])


def sign_multi(token: str, url: str, pairs: Sequence[tuple[str, str]]) -> str:
    """X-Twilio-Signature over form pairs, repeated fields included (as Twilio would)."""
    return str(RequestValidator(token).compute_signature(url, FormData(list(pairs))))


def sms_form(from_: str = STRANGER, body: str = "hello", **extra: str) -> dict[str, str]:
    return inbound_form(from_, body, new_sid(), **extra)


def _seed(desk: Desk, uow_factory: SqlUnitOfWorkFactory, clock: FixedClock) -> dict[str, Any]:
    garden = seed.project(desk, "Garden")
    seed.project(desk, EVIL_PROJECT)
    ann = seed.opted_in(desk, "Ann Lee", ANN, project="Garden", email="ann@example.com")
    bob = seed.opted_out(desk, "Bob Stone", BOB)
    eve = seed.opted_in(desk, EVIL_NAME, EVE, project=EVIL_PROJECT)
    olive = seed.opted_in(desk, "Olive Out", OLIVE)
    seed.project(desk, "Empty")
    pat = seed.pending(desk, "Pat Pending")
    # two contacts of one name (told apart by email): every lookup by name is ambiguous
    sam1 = issue_link(desk, "Sam Twin", actor="USEED", email="sam1@example.com").contact.id
    issue_link(desk, "Sam Twin", actor="USEED", email="sam2@example.com", phone="+14155550104")
    seed.thread(desk, NOTIFY, ann, THREAD_TS)
    live = issue_link(desk, ADA, actor="USEED").url.rsplit("/", 1)[1]
    required = issue_link(desk, "Rae Required", actor="USEED", required=True)
    then = FixedClock(clock.at - timedelta(days=45))
    past = Desk(SqlUnitOfWorkFactory(uow_factory.engine, then), then, desk.config)
    expired = issue_link(past, "Old Link", actor="USEED").url.rsplit("/", 1)[1]
    return {
        "contacts": {"ann": ann, "bob": bob, "eve": eve, "olive": olive, "pat": pat, "sam": sam1},
        "links": {
            "live": live,
            "required": required.url.rsplit("/", 1)[1],
            "expired": expired,
        },
        "garden": garden,
    }


@contextmanager
def running_world(db_url: str) -> Iterator[World]:
    """Migrate, seed, start FakeSlack and both servers; stop everything afterwards."""
    engine = make_engine(db_url)
    upgrade(engine)
    clock = FixedClock(NOON_NY)
    uow_factory = SqlUnitOfWorkFactory(engine, clock)
    config = DeskConfig(
        business_name=BUSINESS,
        business_contact="hello@bloom.example",
        public_url=PUBLIC_URL,
        sender=SENDER,
        notify_channel=NOTIFY,
    )
    desk = Desk(uow_factory, clock, config)
    seeded = _seed(desk, uow_factory, clock)
    users: dict[str, dict[str, Any]] = {"UTOKYO": {"tz": "Asia/Tokyo"}}
    with FakeSlack(users=users) as fake:
        client = AsyncWebClient(token="xoxb-corpus", base_url=fake.base_url)
        bolt = create_bolt_app(desk, client=client, signing_secret=SECRET, staff=[STAFF, "UTOKYO"])

        def health() -> dict[str, Any]:
            return {"ok": True, "dialect": engine.dialect.name}

        app = create_app(
            desk,
            twilio_auth_token=TWILIO_TOKEN,
            csrf_secret=CSRF_SECRET,
            local_mode=False,
            health=health,
            extra_routes=[slack_route(bolt, signing_secret=SECRET)],
        )
        # local mode's pages answer only while the public URL is on localhost
        local_desk = Desk(uow_factory, clock, replace(config, public_url=LOCAL_URL))
        local_app = create_app(
            local_desk,
            twilio_auth_token=None,
            csrf_secret=CSRF_SECRET,
            local_mode=True,
            health=health,
        )
        public_app = create_app(
            desk, twilio_auth_token=None, csrf_secret=CSRF_SECRET, local_mode=True, health=health
        )
        server, local_server = LiveServer(app).start(), LiveServer(local_app).start()
        public_server = LiveServer(public_app).start()
        gateway = RecordingGateway()
        notifier = SlackNotifier(AsyncWebClient(token="xoxb-corpus", base_url=fake.base_url))
        world = World(
            desk=desk,
            engine=engine,
            clock=clock,
            http=httpx.Client(base_url=server.url, trust_env=False, timeout=TIMEOUT),
            local=httpx.Client(base_url=local_server.url, trust_env=False, timeout=TIMEOUT),
            local_public=httpx.Client(base_url=public_server.url, trust_env=False, timeout=TIMEOUT),
            slack=fake,
            dispatcher=Dispatcher(desk, gateway, notifier),
            gateway=gateway,
            csrf=Csrf(CSRF_SECRET, secure=True),
            links=seeded["links"],
            contacts=seeded["contacts"],
        )
        recorder = _Errors(world.errors)
        logging.getLogger("optdesk").addHandler(recorder)
        try:
            world.dispatch()  # the seeds' confirmations and notes go out
            with desk.uow(write=False) as uow:
                sent = uow.messages.for_contact(seeded["contacts"]["ann"], 10)
            world.ann_sid = next(m.twilio_sid for m in sent if m.twilio_sid)
            yield world
        finally:
            logging.getLogger("optdesk").removeHandler(recorder)
            world.http.close()
            world.local.close()
            world.local_public.close()
            server.stop()
            local_server.stop()
            public_server.stop()
            engine.dispose()
