"""The phrase layer as data: each rule is a pattern with what it means, why, and the
messages it must and must not decide. tests/consent/test_revocation_corpus.py checks every
example and counter-example one by one; consent/keywords.py applies the rules.

How the rules read a message: it is cut into clauses at . ! ? ; , : and new lines, each
clause casefolded, accents removed ("número" -> "numero") and reduced to words separated
by single spaces (apostrophes, *, # and = are kept: "f***ing", "wrong #", "stop = quit").
A `cased` rule reads the same clause with its capitals kept (a name: "I'm not Maria").
A pattern matches anywhere in a clause unless it says ^ or $.

To extend: add a word to a vocabulary below or a Rule to RULES, with at least one example
and one counter-example, and run `make corpus` to see what changed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Means(enum.Enum):
    REVOCATION = "opt_out"  # opt the number out
    WRONG_NUMBER = "opt_out_wrong_number"  # opt out, and tell staff it was a wrong number
    FLAG = "maybe_opt_out"  # ask staff
    ASIDE = "none"  # about something else: its opt-out words flag nothing

    @property
    def intent(self) -> str:
        """The stored intent value (consent.keywords.Intent) a match of this kind yields."""
        return "opt_out" if self is Means.WRONG_NUMBER else self.value


@dataclass(frozen=True)
class Rule:
    name: str
    means: Means
    pattern: str
    why: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    not_after: str | None = None  # the rule does not count after these words (regex, $-anchored)
    doubted_as_question: bool = False  # "wrong number?" is doubted, not acted on
    unless_delighted: bool = False  # "stop 😍" / "omg stop" is banter
    cased: bool = False

    @property
    def intent(self) -> str:
        return self.means.intent


# ------------------------------------------------------------------ vocabulary
STOP = r"(?:(?!stoop\b)sto+p+)"
KEYWORD = (
    rf"(?:{STOP}|stopall|stop all|unsubscribe|unsub|opt ?out|optout|revoke|remove|arret"
    r"|arrete|arretez|alto|baja|parar|pare|detener|no mas)"
)
WEAK_KEYWORD = r"(?:cancel|end|quit|cancelar)"  # keywords alone, but common in other senses
POLITE = (
    r"(?:please|pls|plz|now|right now|immediately|asap|already|thanks|thank you|thx|ty|ok|okay"
    r"|just|so|again|i said|seriously|no|hey|hi|hello|sorry but|thanks but|no thanks|and"
    r"|fucking|f\*+ing|f\*+king|freaking|effing|damn|for real|por favor|porfa|gracias|ya|svp"
    r"|merci|s'il vous plait)"
)
MESSAGES = (
    r"(?:texts?|txts?|text messages?|messages?|msgs?|sms|texting|txting|messaging|msging"
    r"|notifications?|alerts?|text alerts?|reminders?|promos?|promotions?|promotional texts"
    r"|marketing(?: texts| messages)?|updates|spam|offers?|deals?|ads|advertisements?|advertising"
    r"|coupons?|specials|contact|communications?|correspondence|robotexts?|solicitations?)"
)
MESSAGES_ES = (
    r"(?:mensajes?|mensajitos|textos?|sms|notificaciones|promociones|ofertas|anuncios"
    r"|recordatorios|alertas|publicidad)"
)
ME = (
    r"(?:me|us|my number|this number|my phone number|my phone|my cell|my info|my information"
    r"|my name|my contact info|this phone|number|my name and number|my number and name)"
)
LIST = (
    rf"(?:list|lists|{MESSAGES}|database|system|contacts?|subscribers?|subscriptions?|records?"
    r"|roster|distribution)"
)
_GAP = r"(?!(?:by|at|in|on|for|and|but|when|if|so|to|over|up|worrying)\b)[\w'*]+"
_NOT_A_NOUN_AFTER = r"(?! (?:calls?|cards?|emails?|letters?|mail|photos?|pictures?|prints?)\b)"
HOSTILE_EMOJI = frozenset("✋🚫🖕🛑⛔🤚🤬")
# A message that asks to keep texting ("stop calling, text me instead") is never acted on
# by a phrase rule: staff decide.
KEEP_TEXTING = (
    r"\b(?:text me instead|just text|text only|only text|prefer(?: to)? text\w*|keep texting"
    r"|keep the texts|keep sending|texts? (?:are|is) (?:fine|ok|okay|better))\b"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "not about the texts",
        Means.ASIDE,
        r"\b(?:dar|doy|di|dio|damos|dimos|daria|dara) de baja (?!(?:de |del )?(?:(?:los|estos|sus"
        rf"|este|mi) )?(?:{MESSAGES_ES}|lista|numero)\b)\w+",
        "Spanish 'dar de baja' + a service cancels the service, not the texts",
        ("quiero dar de baja el servicio de internet",),
        ("dame de baja",),
    ),
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
        rf"\b(?:{STOP}|quit|cease(?: and desist)?|discontinue|end|halt)(?: {_GAP}){{0,4}}?"
        rf" (?:{MESSAGES}|contacting|calling|spamming|bothering|harassing)\b{_NOT_A_NOUN_AFTER}",
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
    Rule(
        "Spanish revocation",
        Means.REVOCATION,
        rf"\b(?:dame|darme|deme|denme|dar|doy) de baja(?: (?:de|del) (?:(?:los|estos|sus|la|este)"
        rf" )?(?:{MESSAGES_ES}|lista|este numero)| (?:este|mi) numero)?(?: {POLITE})*$"
        r"|\bno (?:me |nos )?(?:envie|envien|envies|mande|manden|mandes|escriba|escriban|escribas"
        r"|contacte|contacten|moleste|molesten)\w*(?: (?:mas|nunca))?"
        rf"(?: (?:{MESSAGES_ES}|nada|por favor|gracias|porfa|ya))*$"
        r"|\b(?:deja|dejen|deje|dejes|paren|para|pare) de (?:enviar|mandar|escribir|molestar"
        rf"|contactar|textear)\w*(?: (?:{MESSAGES_ES}|por favor|gracias|ya))*$"
        r"|\b(?:ya )?no (?:quiero|deseo)(?: (?:recibir|que me manden|que me envien))?(?: mas)?"
        rf" (?:(?:sus|estos|los|tus) )?{MESSAGES_ES}\b"
        rf"|\b(?:no|ya no|ya basta de|basta de|basta) (?:mas )?{MESSAGES_ES}\b|\bno mas"
        r"(?: {POLITE})*$"
        rf"|\bno (?:enviar|mandar|escribir)\w* (?:mas )?{MESSAGES_ES}\b"
        r"|\b(?:saquen|saqueme|sacame|sacar|quiten|quitame|borren|borrame|eliminen|eliminar|borrar"
        r"|bajenme|bajame|bajeme)"
        r"(?:me)? (?:de (?:la|su|tu|sus|esta) lista|mi numero|este numero|de su base)\b"
        r"|\b(?:parar|paren|pare|alto a|detener|detengan|cancelar|cancelen|suspender|suspendan)"
        rf"(?: (?:los|las|estos|sus|tus|todos los|el|la|a los))* (?:{MESSAGES_ES}|suscripcion"
        r"|envios)\b",
        "Spanish requests about the messages: 'dame de baja', 'no me manden más', 'no más'",
        (
            "No me envíen más mensajes",
            "sáquenme de su lista",
            "no más mensajes",
            "Dejen de escribirme",
        ),
        ("no me manden más cobros", "dejen de mandarme facturas", "no quiero más paquetes"),
    ),
    Rule(
        "French revocation",
        Means.REVOCATION,
        r"\barret(?:e|ez|er)?(?: (?:de m'envoyer|d'envoyer|de m envoyer|les|des|vos|ces))*"
        r" (?:messages|sms|textos|textes)\b|\b(?:me )?desabonner\b|\bdesabonnez moi\b",
        "French: 'arrêtez les messages', 'désabonner'",
        ("arrêtez de m'envoyer des messages", "Je veux me désabonner"),
        ("l'arrêt de bus est où?",),
    ),
    Rule(
        "hostile reply",
        Means.FLAG,
        r"\b(?:f[\w*]*k off|f\*+ off|f off|fuck off|eff off|piss off|bugger off|shut up|stfu|gtfo"
        r"|go away|get lost|screw you|f\*+ you|fuck you|fuck u|f u|leave me be|go to hell"
        r"|get bent)\b",
        "hostility may mean 'stop texting me': staff decide",
        ("f*** off", "shut up", "go away!!"),
        ("the kids won't shut up about the shoot lol",),
        not_after=r"\b(?:won'?t|wont|can'?t|cant|didn'?t|never|not)\b(?: [\w']+)? $",
    ),
)
