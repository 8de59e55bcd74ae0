"""Wrong-number replies: the text reached someone else, so the number may be reassigned and
is opted out (staff are told why)."""

from __future__ import annotations

from consent.phrases.rule import Means, Rule

# Capitalised words that follow "I'm not" without being a name ("I'm not Sure yet").
_NOT_A_NAME = (
    r"Sure|Available|Interested|Going|Able|Ready|Coming|Home|Here|There|The|An?"
    r"|Free|Sorry|Happy|Okay|Ok|OK|Mad|Upset|Angry|Sick|Feeling|Done|Really|Very|So|That"
    r"|This|It|In|At|On|Yet|Quite|Too|Worried|Certain|Aware|Allowed|Trying|Asking|Saying"
    r"|Getting|Looking|Doing|What|Who|Mine|Me|Your|You|Mr|Mrs|Ms|Dr|Even|Just|Always|Never"
    r"|Yes|No|Gonna|Taking|Paying|Cancel\w*|Stop\w*|Bad|Now|Today|Tomorrow|Tonight|Much|Exactly"
    r"|Likely|Anymore|Again|Enough|Everyone|All|Bothered|Interested"
)
# In capitals ("I'M NOT MARIA") no capital letter marks a name, so the word must not be one
# of these ordinary words either, nor an -ING or -ED form ("I'M NOT KIDDING", "I'M NOT
# CONVINCED"). The price: a name ending in -ED ("I'M NOT AHMED") is missed in capitals.
_NOT_A_NAME_IN_CAPITALS = (
    r"hungry|thirsty|tired|sleepy|sad|fine|well|good|great|busy|late|early|out|around|back"
    r"|alone|afraid|scared|crazy|stupid|dumb|serious|pregnant|single|rich|poor|old|young|new"
    r"|ill|hurt|cold|hot|warm|safe|comfortable|positive|confident|familiar|responsible"
    r"|eligible|blind|deaf|picky|lazy|rude|mean|nice|smart|cheap|desperate|flexible|local"
    r"|perfect|yours|his|hers|him|her|them|he|she|one|human|robot|bot|spam|customer|client"
    r"|member|only|still|also|either|necessarily|actually|totally|completely|entirely"
    r"|usually|currently|personally|literally|anyone|someone|nobody|over|up|down|kind|fair"
    r"|true|right|wrong|joke"
    r"|yo|cliente|clienta|socio|socia|miembro|ella|el|ese|esa|eso|tonto|tonta|de|su|tu|un|una"
    r"|nadie|aqui|alli"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "wrong number",
        Means.WRONG_NUMBER,
        r"\bwrong #|\b(?:wrong (?:number|person|no|phone|phone number|guy|girl|lady|contact)"
        r"|numero equivocado|equivoc\w* (?:de )?numero"
        r"|not (?:who|the person) you(?:'re| are) looking for|i'?m not who you think"
        r"|number belongs to (?:someone|somebody) else"
        r"|(?:this|that|it) (?:isn'?t|is not|is no longer|'s not) (?:his|her|their|[a-z]+'s)"
        r" (?:number|phone|cell))\b",
        "a wrong-number reply: the number may be reassigned, so it is opted out",
        ("wrong number", "You have the wrong person", "Sorry, wrong #", "número equivocado"),
        ("I gave you the wrong number for the venue", "Is this the wrong number?"),
        not_after=r"\b(?:gave|give|sent|send|typed|put|wrote|entered|dialed|dial|called)"
        r"(?: (?:you|u|them|him|her))?(?: (?:the|a|my))? $",
        doubted_as_question=True,
    ),
    Rule(
        "not the person named",
        Means.WRONG_NUMBER,
        r"(?:\b[Ii]'?m not|\bI am not|\b[Tt]his is not|\b[Tt]his isn'?t|\b[Ii]t'?s not|\b[Nn]o soy"
        rf"|^[Nn]ot) (?!(?:{_NOT_A_NAME})\b)[A-Z][a-z]+(?:'s(?: number)?)?$"
        r"|(?:\bI'?M NOT|\bI AM NOT|\bNO SOY)"
        rf" (?!(?i:{_NOT_A_NAME}|{_NOT_A_NAME_IN_CAPITALS})\b)(?![A-Z]+(?:ING|ED)\b)"
        r"[A-Z]{2,}(?:'S(?: NUMBER)?)?$",
        "'I'm not <name>': the text reached someone else, like a wrong-number reply",
        (
            "I'm not Maria",
            "Sorry, this isn't Sarah",
            "No soy Carlos",
            "Not Jessica",
            "I'M NOT MARIA",
        ),
        (
            "I'm not sure yet",
            "This is not What I ordered",
            "I'm not Available Tuesday",
            "Not Bad",
            "I'M NOT SURE",
            "I'M NOT HOME",
            "I'M NOT KIDDING",
            "NO SOY CLIENTE",
        ),
        cased=True,
    ),
)
