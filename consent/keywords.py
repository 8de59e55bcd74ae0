"""Classify an inbound text as opt-out, opt-in, help, maybe opt-out, or nothing.

Two layers, after SPEC §1 and the FCC "reasonable means" revocation rule (April 2025):
1. Whole-message keywords (Twilio's list plus OPT OUT / OPT-OUT), case-insensitive, with
   surrounding spaces, quotes, trailing punctuation and emoji ignored ("Stop 🛑" is STOP).
2. Longer messages: a curated list of revocation phrases, matched clause by clause over the
   normalized text ("please stop texting me", "take me off your list", "Stop. Thank you").
   A phrase does not count when it is negated ("don't stop sending me updates"), qualified
   by a time ("don't text me before 9"), or a bare "stop" sits among compliments ("Stop! These
   are gorgeous 😍"); such messages, and any other mention of an opt-out word, are
   MAYBE_OPT_OUT so staff can opt the number out with one click.

Spanish: ALTO, BAJA, PARAR, PARE, DETENER and CANCELAR as the whole message opt out, like
their English counterparts, and so do clear phrases ("dame de baja", "no me envíen más");
those words inside other messages are MAYBE_OPT_OUT.
"""

from __future__ import annotations

import enum
import re
import unicodedata


class Intent(enum.StrEnum):
    """What an inbound text asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    MAYBE_OPT_OUT = "maybe_opt_out"
    NONE = "none"


OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
    | {"opt out", "opt-out"}  # the FCC's per-se "opt out", spelled both ways
    | {"remove", "arret"}  # SPEC §1; ARRET (French, "arrêt" too) is required in Canada
)
OPT_IN_KEYWORDS = frozenset({"start", "unstop"})
OPT_IN_WHEN_OPTED_OUT_KEYWORDS = frozenset({"yes"})  # YES means nothing to a subscribed number
HELP_KEYWORDS = frozenset({"help", "info"})
SPANISH_OPT_OUT_KEYWORDS = frozenset(
    {"alto", "baja", "parar", "pare", "detener", "cancelar", "dame de baja", "darme de baja"}
)

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "ʼ": "'", "`": "'"} | dict.fromkeys("“”„«»", '"')
)
_LEADING_JUNK = frozenset("\"'¡¿")
_DELIGHT_EMOJI = frozenset("😍🥰😭🤩😂🤣🥹❤💕💖😊🙌")

# Opt-out words: any mention makes a message at least MAYBE_OPT_OUT.
_TRIGGER = re.compile(
    r"\b(?:(?!stoop\b)sto+p+|stopall|unsubscribe|unsubscribing|unsub|cancel|end|quit|revoke"
    r"|opt ?out|opting out|remove|removed|wrong number|(?:not|no longer) interested|spam"
    r"|alto|baja|parar|pare|detener|cancelar)\b"
)
# A negated opt-out word ("can't stop smiling", "I don't want you to stop") is never OPT_OUT.
_NEGATED = re.compile(
    r"\b(?:don'?t|do not|never|not|can'?t|cannot|won'?t|shouldn'?t|didn'?t|doesn'?t|wouldn'?t"
    r"|isn'?t|no need to)(?: (?:want|wanna|need|you|u|to|ever|please|really|just|i|wish|gonna"
    r"|going|mean|be|have|it|ya)){0,4} (?:sto+p+|stopall|cancel|unsubscribe|unsubscribed|unsub"
    r"|quit|end|opt ?out|remove|removed|revoke)\b"
)
_KW = r"(?:(?!stoop\b)sto+p+|stopall|unsubscribe|unsub|opt ?out|revoke|alto|baja|parar|pare)"
_POLITE = (
    r"(?:please|pls|plz|now|right now|immediately|asap|already|thanks|thank you|thx|ty|ok|okay"
    r"|just|so|again|i said|seriously|no|hey|hi|hello|sorry but|thanks but|no thanks|and|por favor"
    r"|gracias|ya)"
)
# A clause that is nothing but an opt-out word and politeness: "STOP please", "ok stop".
_BARE = re.compile(rf"(?:{_POLITE} )*{_KW}(?: (?:and )?{_KW})*(?: {_POLITE})*")
_NOUNS = (
    r"(?:texts?|txts?|text messages?|messages|msgs?|sms|texting|txting|messaging|msging"
    r"|notifications?|alerts?|reminders?|promos?|promotions|marketing|updates|spam)"
)
_ME = r"(?:me|us|my number|this number|my phone number|my phone|my info)"
_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^(?:{_POLITE} )*(?:i )?(?:unsubscribe|unsub|opt ?out|stopall|stop all|revoke)\b",
        rf"\b(?:sto+p+|quit|cease|discontinue|end)(?: it)?(?: with)?"
        rf"(?: (?:all|the|these|those|this|your|ur|any|every|further|more))* (?:{_NOUNS}"
        r"|contacting|calling|spamming|bothering|harassing)\b",
        rf"\b(?:sto+p+|quit|cease) sending(?: {_ME}| (?:them|these|those|this|any|more|stuff)\b|$)",
        r"\b(?:don'?t|do not|never|no more)(?: ever)? (?:text|txt|message|msg|sms|contact|bother"
        r"|spam|call or text|text or call)(?:ing)?(?: (?:me|us|this number|my number|again|here"
        r"|anymore|any more)\b|$)",
        rf"\b(?:remove|delete|erase|drop|take) {_ME} (?:off|from) (?:[\w']+ ){{0,3}}?"
        rf"(?:list|lists|{_NOUNS}|database|system|contacts?|subscribers?|subscription)\b",
        rf"\b(?:remove|delete|erase|take) {_ME}(?: off)?$",
        rf"\b(?:unsubscribe|unsub) {_ME}\b|\bopt {_ME} out\b",
        r"\b(?:want|wanna|wish|like|need|trying|try|how (?:do|can) i|how to|can you|could you"
        r"|would you|will you|please|pls|plz|let me|i'?m|im|i am) (?:to )?(?:be )?(?:unsubscribe"
        r"|unsubscribed|unsub|opt ?out|opting out|unsubscribing|removed|taken off|off (?:your"
        r"|the|this|ur) (?:list|texts))\b",
        rf"\b(?:cancel|end|quit|terminate) (?:(?:my|the|these|those|this|your|ur|all|text) )*"
        rf"(?:subscriptions?|{_NOUNS})\b",
        rf"\bno more {_NOUNS}\b|\benough (?:with )?(?:(?:the|these|your|ur) )*{_NOUNS}\b",
        rf"\b(?:i'?m|im|i am) (?:done|finished) with (?:(?:the|these|your|ur|all) )*{_NOUNS}\b",
        r"\b(?:lose|delete|forget|erase) (?:my|this) (?:number|phone number|contact|info)\b",
        rf"\b(?:don'?t|do not|no longer) (?:want|wish|need|wanna) (?:to (?:receive|get|keep"
        rf" getting) )?(?:(?:any|these|your|more|the|those|this|ur) )*{_NOUNS}\b"
        r"|\b(?:don'?t|do not|no longer) (?:want|wish) to be (?:contacted|texted|messaged)\b",
        r"\bleave me alone\b|\brevoke\b|\b(?:withdraw|rescind) (?:my )?(?:consent|permission)\b",
        r"\b(?:dame|darme|deme|dar) de baja\b|\bno (?:me )?(?:envie|envien|mande|manden"
        r"|escriba|escriban)\w* mas\b|\b(?:deja|dejen|deje|paren?) de (?:enviar|mandar"
        r"|escribir)\w*|\b(?:ya )?no (?:quiero )?(?:recibir )?mas (?:mensajes|textos)\b",
    )
)
# Phrases that look like revocations but are not: questions, "if you stop", or a time limit.
_NOT_A_REQUEST_BEFORE = re.compile(
    r"\b(?:did|didn't|does|doesn't|do (?:i|we)|will(?! you| u)|why|if|when|whether|glad|hope"
    r"|before|after|until|unless)(?: [\w']+){0,3} ?$"
)
_TIME_LIMIT_AFTER = re.compile(
    r"\b(?:before|after|until|till|til|so early|so late|this early|this late|at night|during"
    r"|in the morning|on (?:weekends?|sundays?|saturdays?)|today|tonight|this week)\b"
)
_DELIGHT = re.compile(
    r"\b(?:love|loving|loved|amazing|gorgeous|beautiful|stunning|obsessed|perfect|incredible"
    r"|omg|wow|cute|adorable|crying|dying|lol|lmao|ha(?:ha)+|awesome)\b"
)


def _junk_at_end(ch: str) -> bool:
    """Spaces, punctuation, invisible marks and symbols that are not emoji (or skin tones)."""
    category = unicodedata.category(ch)
    symbol = category in {"Sm", "Sc", "Sk"} and ord(ch) < 0x1F000
    return ch.isspace() or category[0] == "P" or category == "Cf" or symbol


def _junk_at_start(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or ch in _LEADING_JUNK or category in {"Ps", "Pi", "Pf", "Cf"}


def normalize(text: str) -> str:
    """NFKC, casefold, one space between words, no surrounding quotes or trailing punctuation.

    " Stop. " -> "stop", "STOP!!!" -> "stop", "“Opt  Out”" -> "opt out". Emoji are kept.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    folded = " ".join(folded.translate(_QUOTES).split())
    start, end = 0, len(folded)
    while start < end and _junk_at_start(folded[start]):
        start += 1
    while end > start and _junk_at_end(folded[end - 1]):
        end -= 1
    return folded[start:end]


def _without_symbols(text: str) -> str:
    """Emoji and other symbols removed, then normalized again: "stop 🛑" -> "stop"."""
    kept = (
        " " if unicodedata.category(ch) in {"So", "Sk", "Cf", "Co", "Cs", "Cn", "Me", "Mn"} else ch
        for ch in text
    )
    return normalize("".join(kept))


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _clauses(normalized: str) -> list[str]:
    """Accent-free clauses of plain words: "Wrong #, STOP!" -> ["wrong", "stop"]."""
    clauses = re.split(r"[.!?;,:\n…]+", _fold_accents(normalized))
    words = (" ".join(re.sub(r"[^\w']|_", " ", clause).split()).strip("' ") for clause in clauses)
    return [clause for clause in words if clause]


def _revocation_in(clause: str) -> str | None:
    """'bare' ("stop please"), 'phrase' ("remove me"), 'near' (a qualified phrase) or None."""
    if _BARE.fullmatch(clause):
        return "bare"
    near = False
    for pattern in _PHRASES:
        for match in pattern.finditer(clause):
            before, after = clause[: match.start()], clause[match.end() :]
            if _NOT_A_REQUEST_BEFORE.search(before) or _TIME_LIMIT_AFTER.search(after):
                near = True
            else:
                return "phrase"
    return "near" if near else None


def _delighted(words: str, normalized: str) -> bool:
    """Compliments or laughter around a bare "stop": "Stop! These are gorgeous 😍"."""
    return bool(_DELIGHT.search(words)) or not _DELIGHT_EMOJI.isdisjoint(normalized)


def _keyword(core: str, opted_out: bool) -> Intent | None:
    plain = _fold_accents(core)
    if core in OPT_OUT_KEYWORDS or plain == "arret" or plain in SPANISH_OPT_OUT_KEYWORDS:
        return Intent.OPT_OUT
    if core in OPT_IN_KEYWORDS:
        return Intent.OPT_IN
    if core in OPT_IN_WHEN_OPTED_OUT_KEYWORDS:
        return Intent.OPT_IN if opted_out else Intent.NONE
    if core in HELP_KEYWORDS:
        return Intent.HELP
    return None


def classify(text: str, *, opted_out: bool = False) -> Intent:
    """What an inbound text asks for; `opted_out` says whether its number is opted out now."""
    normalized = normalize(text)
    core = _without_symbols(normalized)
    keyword = _keyword(core, opted_out)
    if keyword is Intent.OPT_OUT and core != normalized and _delighted(core, normalized):
        return Intent.MAYBE_OPT_OUT  # "Stop 😂" is banter, not a revocation
    if keyword is not None:
        return keyword
    clauses = _clauses(normalized)
    if any(_NEGATED.search(clause) for clause in clauses):
        return Intent.MAYBE_OPT_OUT
    found = {_revocation_in(clause) for clause in clauses}
    if "phrase" in found:
        return Intent.OPT_OUT
    words = " ".join(clauses)
    if "bare" in found:
        return Intent.MAYBE_OPT_OUT if _delighted(words, normalized) else Intent.OPT_OUT
    if "near" in found or _TRIGGER.search(words) or "🛑" in normalized:
        return Intent.MAYBE_OPT_OUT
    return Intent.NONE
