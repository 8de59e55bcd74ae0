"""What every text the app writes must say (SPEC §1, §2), as literal words.

The tests compare what actually left the app (the text Twilio received, the TwiML
answer, the page, the printed keyword answers) with these parts, never with the
function that wrote it: dropping a required part from consent/messages.py fails them.
To cover a new text, add its parts here and a test that produces it.
"""

from __future__ import annotations

FREQUENCY = "Msg frequency varies"
RATES = "Msg & data rates may apply"
HELP_AND_STOP = "Reply HELP for help, STOP to opt out"

# Text -> parts it must contain ("{business}" and "{contact}" are filled in per test).
REQUIRED: dict[str, tuple[str, ...]] = {
    "opt-in confirmation": ("{business}", FREQUENCY, RATES, HELP_AND_STOP),
    "re-subscribe confirmation": ("{business}", "subscribed", FREQUENCY, RATES, HELP_AND_STOP),
    "opt-out confirmation": ("{business}", "unsubscribed", "no more texts"),
    "help answer": ("{business}", "{contact}", "Reply STOP to opt out"),
    "help answer without a contact": ("{business}", "Reply to this text", "Reply STOP to opt out"),
    "disclaimer": (
        "{business}",
        "Consent is not a condition of purchase",
        FREQUENCY,
        RATES,
        HELP_AND_STOP,
    ),
}
# The Spanish texts (SPEC §1 "Language"): the same legal content, in Spanish words.
FRECUENCIA = "Frecuencia variable"
TARIFAS = "Msj y datos pueden tener costo"
AYUDA_Y_PARAR = "AYUDA para ayuda, PARAR para cancelar"
REQUIRED_ES: dict[str, tuple[str, ...]] = {
    "opt-in confirmation": ("{business}", FRECUENCIA, TARIFAS, "Responda " + AYUDA_Y_PARAR),
    "re-subscribe confirmation": ("{business}", "reanudados", FRECUENCIA, TARIFAS, AYUDA_Y_PARAR),
    "opt-out confirmation": ("{business}", "Se dio de baja", "ya no le enviaremos textos"),
    "opt-in request": ("{business}", "Responda SI", FRECUENCIA, TARIFAS, "PARAR para cancelar"),
    "help answer": ("{business}", "{contact}", FRECUENCIA, TARIFAS, "PARAR para cancelar"),
    "help answer without a contact": ("{business}", "responda", "PARAR para cancelar"),
    "disclaimer": (
        "{business}",
        "El consentimiento no es condición de compra",
        "La frecuencia de los mensajes varía",
        "Pueden aplicarse tarifas de mensajes y datos",
        "Responda AYUDA para recibir ayuda o PARAR para cancelar",
    ),
}
REQUIRED["opt-in request"] = ("{business}", "Reply YES", FREQUENCY, RATES, "Reply STOP to opt out")
# Parts a text must never carry: the opt-out confirmation is no place for marketing.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "opt-out confirmation": ("http", "www.", "%", "offer", "deal"),
}


def missing_parts(
    kind: str, text: str, *, business: str, contact: str = "", lang: str = "en"
) -> list[str]:
    """The required parts `text` lacks and the forbidden ones it carries ([] is good)."""
    parts = REQUIRED_ES[kind] if lang == "es" else REQUIRED[kind]
    wanted = [p.format(business=business, contact=contact) for p in parts]
    lacking = [p for p in wanted if p not in text]
    carried = [f"forbidden: {p}" for p in FORBIDDEN.get(kind, ()) if p.lower() in text.lower()]
    return lacking + carried
