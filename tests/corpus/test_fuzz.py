"""Property-based fuzzing of what reads untrusted text: the keyword classifier, the phone
parser, the slash-command parser, the form readers, and the questionnaire and `/sms`
over HTTP. Bounded: at most 200 examples a property, no deadline, no example database.
"""

from __future__ import annotations

import re
import string
from datetime import datetime
from urllib.parse import urlencode

import phonenumbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from bot import commands as c
from bot.handler import body_problem
from bot.parser import parse
from consent.errors import InvalidPhone
from consent.keywords import (
    HELP_KEYWORDS,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    Intent,
    classify,
)
from consent.phones import parse_phone
from consent.records import InboundSms
from tests.corpus.cases_commands import typed
from tests.corpus.check import changed_tables
from tests.corpus.world import World, fresh_phone, slack_leaks, sms_form
from webhooks.forms import parse_form
from webhooks.twilio_hooks import BadForm, to_inbound_sms

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
HTTP_FUZZ = settings(FUZZ, max_examples=100)
ASCII_E164 = re.compile(r"\A\+[1-9][0-9]{6,14}\Z")
REGIONS = ["US", "CA", "GB", "DE", "FR", "IN", "BR", "AU", "JP", "MX", "NG", "ZA"]
QUOTE_CHARS = '"“”„«»'
ENTITY = re.compile(r"<[^<>]*>")
OUR_ENTITY = re.compile(
    r"\A<(?:!date\^[^<>]*|@[UW][A-Z0-9]+|#C[A-Z0-9]+)>\Z"
)  # dates, staff, channels

# ------------------------------------------------------------------ keywords


def random_case(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(ch.upper() if up else ch.lower() for ch, up in zip(word, flips, strict=True))


SPACES = st.text(alphabet=" \t\n\r\u00a0\u2003\u3000", max_size=4)
TRAILING = st.text(alphabet=".!?,;:…-", max_size=5)


@st.composite
def keyword_message(draw: st.DrawFn, words: frozenset[str]) -> str:
    word = draw(st.sampled_from(sorted(words)))
    inner = draw(st.text(alphabet=" \t", min_size=1, max_size=3))
    cased = random_case(draw, word).replace(" ", inner)
    return draw(SPACES) + cased + draw(TRAILING) + draw(SPACES)


@FUZZ
@given(st.text(max_size=300), st.booleans())
def test_classify_never_raises(text: str, opted_out: bool) -> None:
    assert isinstance(classify(text, opted_out=opted_out), Intent)


@FUZZ
@given(keyword_message(OPT_OUT_KEYWORDS), st.booleans())
def test_an_exact_opt_out_keyword_in_any_case_and_padding_opts_out(text: str, out: bool) -> None:
    assert classify(text, opted_out=out) is Intent.OPT_OUT, repr(text)


@FUZZ
@given(keyword_message(OPT_IN_KEYWORDS), st.booleans())
def test_start_and_unstop_opt_in(text: str, out: bool) -> None:
    assert classify(text, opted_out=out) is Intent.OPT_IN, repr(text)


@FUZZ
@given(keyword_message(frozenset({"yes"})), st.booleans())
def test_yes_opts_in_only_an_opted_out_number(text: str, out: bool) -> None:
    assert classify(text, opted_out=out) is (Intent.OPT_IN if out else Intent.NONE), repr(text)


@FUZZ
@given(keyword_message(HELP_KEYWORDS), st.booleans())
def test_help_and_info_ask_for_help(text: str, out: bool) -> None:
    assert classify(text, opted_out=out) is Intent.HELP, repr(text)


# ------------------------------------------------------------------ phones

EXAMPLES = {
    region: phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    for region in REGIONS
}
DIGIT_SCRIPTS = [0x30, 0xFF10, 0x660, 0x966]  # ASCII, fullwidth, Arabic-Indic, Devanagari


@st.composite
def formatted_number(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number as people type it, and its E.164 form."""
    region = draw(st.sampled_from(REGIONS))
    number = EXAMPLES[region]
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    style = draw(st.sampled_from([PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL]))
    text = phonenumbers.format_number(number, style)
    text = text.replace(" ", draw(st.sampled_from([" ", "-", ".", "  ", "\u00a0", ""])))
    zero = draw(st.sampled_from(DIGIT_SCRIPTS))
    text = "".join(chr(zero + int(ch)) if ch.isdigit() else ch for ch in text)
    prefix = draw(st.sampled_from(["", "tel:", " ", "\u200b"]))
    return prefix + text + draw(st.sampled_from(["", " ", "\u200d"])), e164


@FUZZ
@given(st.text(max_size=60), st.sampled_from(REGIONS))
def test_any_text_is_ascii_e164_or_invalid_phone_and_parsing_is_idempotent(
    text: str, region: str
) -> None:
    try:
        e164 = parse_phone(text, region)
    except InvalidPhone as refused:
        assert refused.reason
        return
    assert ASCII_E164.match(e164), e164
    assert parse_phone(e164, region) == e164
    assert parse_phone(e164, "US") == e164


@FUZZ
@given(formatted_number(), st.sampled_from(REGIONS))
def test_a_valid_number_in_any_notation_parses_to_its_e164(
    typed_number: tuple[str, str], region: str
) -> None:
    text, e164 = typed_number
    assert parse_phone(text, region) == e164


# ------------------------------------------------------------------ the slash-command parser

SUBCOMMANDS = [
    "link",
    "status",
    "send",
    "reply",
    "optout",
    "project",
    "schedule",
    "broadcast",
    "history",
    "scheduled",
    "cancel",
    "rename",
    "help",
    "opt-out",
    "projects",
    "?",
]
PIECES = st.one_of(
    st.sampled_from(SUBCOMMANDS),
    st.sampled_from(
        [
            "new",
            "list",
            "set",
            "--email",
            "--phone",
            "--project",
            "--required",
            "--phone=",
            "--email=x",
            "2026-07-02",
            "10:00",
            "2026-02-30",
            "25:00",
            "2026-07-02T10:00",
            "+1",
            "(415)",
            "555-0100",
            "+14155550100",
        ]
    ),
    st.sampled_from(['"', "“", "”", "„", "«", "»", "'", "&amp;", "&lt;", "&gt;", "#", "--"]),
    st.sampled_from(
        [
            "<@U123>",
            "<@U123|ann>",
            "<#C0123ABCD|general>",
            "<#lower|x>",
            "<!here>",
            "<!channel>",
            "<!subteam^S1|@team>",
            "<mailto:a@b.co|a@b.co>",
            "<tel:+14155550100|+1 415>",
            "<https://x.example|x>",
            "<!date^1^x|today>",
            "<>",
            "<",
            ">",
            "<<@U1>>",
        ]
    ),
    st.text(max_size=12),
)


def must_parse_or_refuse(text: str) -> c.Command | None:
    try:
        command = parse(text)
    except c.UsageError as err:
        assert err.problem and err.usage
        return None
    assert isinstance(
        command,
        c.Link
        | c.Status
        | c.Send
        | c.OptOut
        | c.ProjectNew
        | c.ProjectList
        | c.ProjectSet
        | c.Schedule
        | c.Broadcast
        | c.History
        | c.Scheduled
        | c.Cancel
        | c.Rename
        | c.Help,
    )
    return command


@FUZZ
@given(st.text(max_size=200))
def test_any_text_is_a_command_or_a_usage_error(text: str) -> None:
    must_parse_or_refuse(text)


@FUZZ
@given(st.lists(PIECES, max_size=10), st.lists(st.sampled_from([" ", "", "  ", "\t"]), max_size=10))
def test_command_shaped_text_is_a_command_or_a_usage_error(
    parts: list[str], gaps: list[str]
) -> None:
    text = "".join(p + (gaps[i] if i < len(gaps) else " ") for i, p in enumerate(parts))
    must_parse_or_refuse(text)


NAME = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters=QUOTE_CHARS
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
TEXT = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters=QUOTE_CHARS
        ),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool)
)


@FUZZ
@given(st.sampled_from(["send", "reply"]), NAME, TEXT)
def test_send_round_trips_any_name_and_text(sub: str, name: str, text: str) -> None:
    assert parse(f'{sub} "{typed(name)}" {typed(text)}') == c.Send(name, text, reply=sub == "reply")


@FUZZ
@given(NAME, st.sampled_from(["“", "„"]))
def test_curly_quotes_round_trip_too(name: str, opening: str) -> None:
    assert parse(f"history {opening}{typed(name)}”") == c.History(name)


@FUZZ
@given(NAME, TEXT)
def test_optout_status_history_and_link_round_trip(name: str, reason: str) -> None:
    quoted = f'"{typed(name)}"'
    assert parse(f"optout {quoted} {typed(reason)}") == c.OptOut(name, reason)
    assert parse(f"status {quoted}") == c.Status(name)
    assert parse(f"history {quoted}") == c.History(name)
    assert parse(f"link {quoted} --required") == c.Link(name, required=True)


@FUZZ
@given(NAME, NAME, TEXT)
def test_project_and_broadcast_round_trip(name: str, project: str, text: str) -> None:
    quoted = f'"{typed(project)}"'
    assert parse(f"project new {quoted}") == c.ProjectNew(project)
    assert parse(f'project set "{typed(name)}" {quoted}') == c.ProjectSet(name, project)
    assert parse(f"broadcast {quoted} {typed(text)}") == c.Broadcast(project, text)


@FUZZ
@given(NAME, st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), TEXT)
def test_schedule_round_trips_any_time_and_text(name: str, at: datetime, text: str) -> None:
    at = at.replace(second=0, microsecond=0)
    when = f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"
    assert parse(f'schedule "{typed(name)}" {when} {typed(text)}') == c.Schedule(name, at, text)


# ------------------------------------------------------------------ form readers

TWILIO_FIELDS = [
    "MessageSid",
    "SmsSid",
    "SmsMessageSid",
    "From",
    "To",
    "Body",
    "OptOutType",
    "NumMedia",
    "MediaUrl0",
    "MediaContentType0",
    "AccountSid",
    "FromCity",
]
FIELD_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "SM" + "a" * 32,
            "+14155550100",
            "  +1 415 555 0100 ",
            "https://x.example/a",
            "STOP",
            "",
            "SM" + "A" * 31,
            "＋１４１５５５５０１００",
            "+1４１５５５５０１００",  # ASCII "+1", then fullwidth digits: no E.164 shortcut
        ]
    ),
)


@FUZZ
@given(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(max_size=10)), FIELD_VALUES),
        max_size=16,
    )
)
def test_twilio_form_translation_gives_an_sms_or_bad_form(pairs: list[tuple[str, str]]) -> None:
    for form in (FormData(pairs), dict(pairs)):
        try:
            sms = to_inbound_sms(form, "US")
        except BadForm:
            continue
        assert isinstance(sms, InboundSms)
        assert ASCII_E164.match(sms.from_), sms.from_
        assert len(sms.body) <= 5000


@FUZZ
@given(st.dictionaries(st.sampled_from(TWILIO_FIELDS), FIELD_VALUES, min_size=1, max_size=3))
def test_a_good_inbound_form_with_fields_replaced_gives_an_sms_or_bad_form(
    changes: dict[str, str],
) -> None:
    form = {**sms_form("+14155550100", "hello"), **changes}
    try:
        sms = to_inbound_sms(FormData(list(form.items())), "US")
    except BadForm:
        return
    assert ASCII_E164.match(sms.from_), sms.from_
    assert sms.sid.isascii() and len(sms.sid) == 34


@FUZZ
@given(st.lists(st.sampled_from(DIGIT_SCRIPTS), min_size=10, max_size=10))
def test_a_sender_in_any_digits_becomes_its_ascii_e164(scripts: list[int]) -> None:
    digits = "".join(chr(zero + int(d)) for d, zero in zip("4155550143", scripts, strict=True))
    sms = to_inbound_sms(sms_form("+1" + digits, "hi"), "US")
    assert sms.from_ == "+14155550143"


@FUZZ
@given(st.binary(max_size=300))
def test_parse_form_reads_any_bytes_or_answers_400(raw: bytes) -> None:
    try:
        form = parse_form(raw)
    except HTTPException as err:
        assert err.status_code == 400
    else:
        assert all("\x00" not in k + str(v) for k, v in form.multi_items())


@FUZZ
@given(
    st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
            "application/json; charset=utf-8",
            "multipart/form-data",
        ]
    ),
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.text(max_size=100).map(lambda t: ("payload=" + t).encode()),
    ),
)
def test_slack_body_problem_never_raises(content_type: str, raw: bytes) -> None:
    problem = body_problem(content_type, raw)
    assert problem is None or isinstance(problem, str)


# ------------------------------------------------------------------ over HTTP


PRINTABLE_COOKIE = st.text(alphabet=string.ascii_letters + string.digits + ".-_", max_size=60)


@HTTP_FUZZ
@given(
    answer=st.one_of(
        st.none(), st.sampled_from(["yes", "no", "YES", " no "]), st.text(max_size=25)
    ),
    phone=st.one_of(
        st.none(), st.text(max_size=50), st.sampled_from(["+14155550100", "415 555 0100"])
    ),
    csrf=st.one_of(st.none(), st.text(max_size=60)),
    cookie=st.one_of(st.none(), PRINTABLE_COOKIE),
)
def test_a_questionnaire_post_without_a_valid_csrf_token_changes_nothing(
    world: World, answer: str | None, phone: str | None, csrf: str | None, cookie: str | None
) -> None:
    w = world
    fields = {
        k: v for k, v in (("answer", answer), ("phone", phone), ("csrf", csrf)) if v is not None
    }
    before = w.state()
    response = w.page_post(w.path("live"), urlencode(fields), cookie=cookie)
    assert response.status_code < 500
    assert response.status_code in (400, 403), response.text[:200]
    assert "<script>alert" not in response.text
    after = w.state()
    assert after == before, changed_tables(before, after)


@HTTP_FUZZ
@given(
    answer=st.one_of(st.none(), st.sampled_from(["yes", "no", "Yes "]), st.text(max_size=25)),
    phone=st.one_of(st.none(), st.text(max_size=50), st.just("fresh")),
)
def test_a_questionnaire_post_with_a_valid_csrf_token_is_answered_clearly(
    world: World, answer: str | None, phone: str | None
) -> None:
    w = world
    token = w.page_csrf("required")
    number = fresh_phone() if phone == "fresh" else phone
    fields = {
        "csrf": token,
        **{k: v for k, v in (("answer", answer), ("phone", number)) if v is not None},
    }
    before = w.state()
    response = w.page_post(w.path("required"), urlencode(fields), cookie=token)
    assert response.status_code in (200, 400, 422), response.text[:200]
    assert "<script>alert" not in response.text
    if response.status_code != 200:
        after = w.state()
        assert after == before, changed_tables(before, after)


@HTTP_FUZZ
@given(text=st.one_of(st.text(max_size=120), st.lists(PIECES, max_size=6).map(" ".join)))
def test_any_sms_command_text_gets_an_answer_over_http(world: World, text: str) -> None:
    w = world
    mark = w.mark()
    answer = w.command(text)
    assert answer.response.status_code == 200
    assert answer.body is not None
    assert answer.text.strip()
    assert not slack_leaks(answer.text), slack_leaks(answer.text)
    strays = [e for e in ENTITY.findall(answer.text) if not OUR_ENTITY.match(e)]
    assert strays == [], "only the app's own Slack entities may appear unescaped"
    assert w.errors_since(mark) == []
