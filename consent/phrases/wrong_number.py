"""Wrong-number replies: the text reached someone else, so the number may be reassigned and
is opted out (staff are told why)."""

from __future__ import annotations

from consent.phrases.rule import Means, Rule

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
        r"|^[Nn]ot)"
        r" (?!(?:Sure|Available|Interested|Going|Able|Ready|Coming|Home|Here|There|The|An?"
        r"|Free|Sorry|Happy|Okay|Ok|OK|Mad|Upset|Angry|Sick|Feeling|Done|Really|Very|So|That"
        r"|This|It|In|At|On|Yet|Quite|Too|Worried|Certain|Aware|Allowed|Trying|Asking|Saying"
        r"|Getting|Looking|Doing|What|Who|Mine|Me|Your|You|Mr|Mrs|Ms|Dr|Even|Just|Always|Never"
        r"|Yes|No|Gonna|Taking|Paying|Cancel\w*|Stop\w*|Bad|Now|Today|Tomorrow|Tonight|Much|Exactly"
        r"|Likely|Anymore|Again|Enough|Everyone|All|Bothered|Interested)\b)"
        r"[A-Z][a-z]+(?:'s(?: number)?)?$",
        "'I'm not <name>': the text reached someone else, like a wrong-number reply",
        ("I'm not Maria", "Sorry, this isn't Sarah", "No soy Carlos", "Not Jessica"),
        ("I'm not sure yet", "This is not What I ordered", "I'm not Available Tuesday", "Not Bad"),
        cased=True,
    ),
)
