"""Spanish and French: revocations about the messages, and "dar de baja <a service>", which
cancels the service, not the texts."""

from __future__ import annotations

from consent.phrases.rule import Means, Rule
from consent.phrases.vocabulary import MESSAGES_ES, POLITE

NOT_ABOUT_THE_TEXTS = Rule(
    "not about the texts",
    Means.ASIDE,
    r"\b(?:dar|doy|di|dio|damos|dimos|daria|dara) de baja (?!(?:de |del )?(?:(?:los|estos|sus"
    rf"|este|mi) )?(?:{MESSAGES_ES}|lista|numero)\b)\w+",
    "Spanish 'dar de baja' + a service cancels the service, not the texts",
    ("quiero dar de baja el servicio de internet",),
    ("dame de baja",),
)

REVOCATIONS: tuple[Rule, ...] = (
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
)
