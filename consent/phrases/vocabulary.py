"""Words the phrase rules share, as regular-expression alternatives (clauses are casefolded
and accent-free, so every word here is lower case without accents)."""

from __future__ import annotations

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
GAP = r"(?!(?:by|at|in|on|for|and|but|when|if|so|to|over|up|worrying)\b)[\w'*]+"
NOT_A_NOUN_AFTER = r"(?! (?:calls?|cards?|emails?|letters?|mail|photos?|pictures?|prints?)\b)"
HOSTILE_EMOJI = frozenset("✋🚫🖕🛑⛔🤚🤬")
# A message that asks to keep texting ("stop calling, text me instead") is never acted on
# by a phrase rule: staff decide.
KEEP_TEXTING = (
    r"\b(?:text me instead|just text|text only|only text|prefer(?: to)? text\w*|keep texting"
    r"|keep the texts|keep sending|texts? (?:are|is) (?:fine|ok|okay|better))\b"
)
