"""English revocations ("stop texting me", "remove me from the list", ...) and the hostile
replies that only flag."""

from __future__ import annotations

from consent.phrases.rule import Means, Rule
from consent.phrases.vocabulary import (
    GAP,
    KEYWORD,
    LIST,
    ME,
    MESSAGES,
    NOT_A_NOUN_AFTER,
    POLITE,
    STOP,
    WEAK_KEYWORD,
)

REVOCATIONS: tuple[Rule, ...] = (
    Rule(
        "keyword with politeness",
        Means.REVOCATION,
        rf"^(?:{POLITE} )*{KEYWORD}(?: (?:and |y )?(?:{KEYWORD}|{WEAK_KEYWORD}))*(?: {POLITE})*$",
        "an opt-out keyword with only courtesy or emphasis around it",
        ("STOP please", "Please remove. Thanks.", "stop end", "alto por favor", "Arrêt svp"),
        ("Cancel please", "omg stop", "stop by at 3"),
        unless_delighted=True,
    ),
    Rule(
        "echoed opt-out instruction",
        Means.REVOCATION,
        rf"^(?:(?:reply|text|txt|send) )?(?:{STOP}|end|quit|cancel|unsubscribe) ?(?:2|to|=|-)? ?"
        r"(?:quit|opt ?out|end|stop|cancel|unsubscribe|unsub)"
        rf"(?: (?:{MESSAGES}|from (?:these |this |the |your )?(?:{MESSAGES}|list)))?$",
        "the opt-out instruction typed back ('stop2quit', 'STOP to opt out')",
        ("stop2quit", "Stop to opt out", "stop = quit", "Reply STOP to opt out"),
        ("Reply STOP to opt out? that's what it says", "what happens if I text STOP?"),
        doubted_as_question=True,
    ),
    Rule(
        "stop + the texts",
        Means.REVOCATION,
        rf"\b(?:{STOP}|quit|cease(?: and desist)?|discontinue|end|halt)(?: {GAP}){{0,4}}?"
        rf" (?:{MESSAGES}|contacting|calling|spamming|bothering|harassing)\b{NOT_A_NOUN_AFTER}",
        "a verb of stopping whose object is the texts, up to four words between",
        (
            "stop sending texts",
            "stop f***ing texting me",
            "STOP ALL THESE TEXTS",
            "cease all contact",
        ),
        ("Stop wasting my time with bad offers", "You can stop the reminder calls"),
    ),
    Rule(
        "stop sending",
        Means.REVOCATION,
        rf"\b(?:{STOP}|quit|cease)(?: (?:all|with))? sending(?: (?:me|us))?(?: (?:this|these"
        r"|those|them|that|stuff|anything|things|all this|any more|anymore|now|please|crap|junk"
        r"|garbage|shit|s\*+t|bs))*$"
        r"|^(?:please )?(?:stop|quit) (?:this|these|that)(?: (?:please|now|thanks|already))*$",
        "'stop sending (me) (these)' with nothing else sent named, or 'stop these'",
        ("stop sending me these", "Stop sending me stuff", "Stop this", "stop these please"),
        ("stop sending me the bill twice", "stop this rain lol"),
    ),
    Rule(
        "don't contact me",
        Means.REVOCATION,
        r"\b(?:don'?t|dont|do not|never|no more|please don'?t|can you not|could you not"
        r"|would you not|please do not)(?: (?:ever|u|you|please))?"
        r" (?:text|txt|message|msg|sms|contact|bother|spam|email|call or text|text or call)"
        r"(?:ing)?(?:(?: (?:me|us|this number|my number|this phone|again|here|anymore|any more"
        r"|back|ever again|no more))+\b|$|(?= (?:before|after|until|till|at night|so early)\b))",
        "a request not to be texted or contacted",
        ("don't text back", "Do not EVER contact me again", "never text this number again"),
        ("Don't call me, text me instead", "don't text my husband the address"),
    ),
    Rule(
        "don't send the texts",
        Means.REVOCATION,
        r"\b(?:don'?t|dont|do not|never|please don'?t) send(?: me| us)?(?: (?:any|more|these"
        rf"|those|your|ur|the|any more|anymore|all))* (?:{MESSAGES}|these|them|this)\b",
        "'don't send me (any more) offers / these'",
        ("don't send me offers", "don't send these anymore"),
        ("don't send the invoice yet",),
    ),
    Rule(
        "remove me from the list",
        Means.REVOCATION,
        rf"\b(?:remove|delete|erase|drop|take|get|scratch) {ME} (?:off|from|out of)(?: of)?"
        rf" (?:[\w']+ ){{0,3}}?{LIST}\b"
        rf"|\b(?:want|wanna|need|get me) (?:to get )?off (?:(?:this|the|your|ur) )*{LIST}\b"
        r"|\bremove (?:from|off) (?:(?:this|the|your|ur|all|all your) )*(?:list|lists)\b",
        "a request to be taken off a list of recipients",
        ("take me off thee list", "remove my name from your list", "i want off this list"),
        ("please remove me from the group photo", "Remove my name from the appointment"),
    ),
    Rule(
        "remove me",
        Means.REVOCATION,
        rf"\b(?:remove|delete|erase|take|lose|forget) {ME}(?: off)?"
        rf"(?: {POLITE})*$",
        "'remove me', 'remove my name', 'take me off', 'lose my number' as a whole clause",
        ("remove my name", "take me off", "Lose my number!", "delete my info"),
        ("remove me from the group photo", "take me off the guest list for Saturday"),
    ),
    Rule(
        "unsubscribe me",
        Means.REVOCATION,
        r"\b(?:unsubscribe|unsub) (?:me|us|this number|my number)\b"
        r"|\bopt (?:me|us|this number|my number) out\b"
        rf"|^(?:{POLITE} )*(?:i )?(?:unsubscribe|unsub|opt ?out|stopall|revoke)(?: (?:from|of)"
        rf"(?: (?:these|this|the|your|ur|all|all of|all your|all the))* (?:{MESSAGES}|list|lists"
        r"|this|these|everything|all|it|you))?$",
        "'unsubscribe me', 'opt me out', or 'unsubscribe from <the texts>'",
        ("unsubscribe me", "Opt me out please", "unsubscribe from promotions", "I opt out"),
        ("opt out of the album add-on please", "Please unsubscribe my husband"),
    ),
    Rule(
        "wants to opt out",
        Means.REVOCATION,
        r"\b(?:want|wanna|wish|like|need|trying|try|how (?:do|can) i|how to|can i|can you|could you"
        r"|would you|will you|please|pls|plz|let me|i'?m|im|i am) (?:to )?(?:be )?(?:unsubscribe"
        r"|unsubscribed|unsub|opt ?out|opting out|unsubscribing|removed|taken off)"
        r"(?:$| (?:now|please|thanks|asap)\b| (?:from|of|off) (?:[\w']+ ){0,3}?"
        rf"(?:{LIST}|this|these|you|everything|all|it)\b)",
        "a wish or a question about opting out",
        ("I want to opt out", "How do I opt out?", "I'd like to be removed", "I'm opting out"),
        ("I want to be removed from the group photo", "I don't want to unsubscribe"),
    ),
    Rule(
        "cancel the texts",
        Means.REVOCATION,
        r"\b(?:cancel|end|quit|terminate|stop) (?:(?:my|the|these|those|this|your|ur|all|text"
        r"|sms) )*(?:subscriptions?|texts|messages|text messages|text alerts|alerts|reminders"
        r"|notifications|promotions|offers|deals|ads|sms|texting|marketing|updates)\b",
        "cancelling the subscription or the texts themselves",
        ("cancel my subscription", "Cancel the text alerts", "end my subscription"),
        ("Can you cancel the reminder for Friday", "Cancel my appointment"),
    ),
    Rule(
        "no more texts",
        Means.REVOCATION,
        rf"\bno more (?:of )?(?:(?:these|your|ur|the|those) )*{MESSAGES}\b"
        r"|\bno more of (?:these|this|them|those)\b"
        rf"|\benough (?:with |of )?(?:(?:the|these|your|ur|those) )*(?:{MESSAGES}|these|this)\b"
        rf"|\b(?:i'?m|im|i am) (?:done|finished|through) with (?:(?:the|these|your|ur|all|those) )*"
        rf"(?:{MESSAGES}|these|this)\b"
        rf"|^(?:{POLITE} )*no (?:more )?(?:contact|texts|messages)(?: {POLITE})*$"
        rf"|\b(?:want|make|let|need|have|get) (?:(?:these|the|your|all|all these|all the|those|ur)"
        rf" )*{MESSAGES} (?:to )?(?:stop|end|cease)\b",
        "'no more texts', 'enough with the texts', 'make the texts stop'",
        (
            "no more offers",
            "No more of these please",
            "enough of these",
            "I'm done with these texts",
            "make the texts stop",
        ),
        ("no more than 20 people will come", "no more texts after 8pm please"),
    ),
    Rule(
        "doesn't want the texts",
        Means.REVOCATION,
        r"\b(?:don'?t|dont|do not|no longer|never) (?:want|wish|need|wanna)(?: to (?:receive|get"
        r"|keep getting|be getting|see))?"
        r"(?: (?:any|these|your|more|the|those|this|ur|any more|all|of))*"
        rf" {MESSAGES}\b"
        r"|\b(?:don'?t|dont|do not|no longer) (?:want|need|wanna) (?:these|this|them|those)"
        r"(?: (?:anymore|any more|no more|please|thanks|either))*$"
        r"|\b(?:don'?t|dont|do not|no longer) (?:want|wish) to be (?:contacted|texted|messaged"
        r"|bothered)\b",
        "'I don't want these (texts)', 'I no longer wish to be contacted'",
        ("I don't want these anymore", "I don't want your deals", "I do not wish to be contacted"),
        ("I don't want the matte finish", "I don't want these colours, can we do blue?"),
    ),
    Rule(
        "leave me alone or revoke consent",
        Means.REVOCATION,
        r"\bleave (?:me|us)(?: [\w*]+){0,3} alone\b|\brevoke\b"
        r"|\b(?:withdraw|rescind|revoke)(?:s|ing)? (?:my |all )?(?:consent|permission)\b"
        r"|\bno longer consent\b|\bcease and desist\b",
        "'leave me alone' and withdrawing consent in words",
        ("leave me alone", "leave me the f*** alone", "I withdraw my consent"),
        ("don't leave me alone at the venue", "can you leave the album alone"),
        not_after=r"\b(?:don'?t|dont|do not|never|not|won'?t)(?: [\w']+)? $",
    ),
)

HOSTILE = Rule(
    "hostile reply",
    Means.FLAG,
    r"\b(?:f[\w*]*k off|f\*+ off|f off|fuck off|eff off|piss off|bugger off|shut up|stfu|gtfo"
    r"|go away|get lost|screw you|f\*+ you|fuck you|fuck u|f u|leave me be|go to hell"
    r"|get bent)\b",
    "hostility may mean 'stop texting me': staff decide",
    ("f*** off", "shut up", "go away!!"),
    ("the kids won't shut up about the shoot lol",),
    not_after=r"\b(?:won'?t|wont|can'?t|cant|didn'?t|never|not)\b(?: [\w']+)? $",
)
