"""The client's texts in Spanish: the same legal content as the English ones in
consent/messages.py, in the formal "usted" a business writes to its clients.

Every text that goes out by SMS keeps to the GSM-7 alphabet (é, ñ, ¿, ¡ are in it; á, í,
ó, ú are not, and one of them would send the whole text as UCS-2, 70 characters a
segment), and is no longer than its English twin, so it fits in one segment wherever the
English one does (tests/consent/test_segments.py holds them to it). Hence "SI" for "sí",
"Msj" as the English "Msg", and wording that needs no accent on a, i, o or u. The pages
are not texts: the disclaimer and the question are written out in full.
"""

from __future__ import annotations

DISCLAIMER_VERSION = "2026-11-29"
DISCLAIMER = (
    "Al elegir Sí y darnos su número de celular, usted acepta recibir mensajes de texto "
    "de {business} sobre sus citas y proyectos, como horarios, novedades y preguntas. "
    "El consentimiento no es condición de compra. La frecuencia de los mensajes varía. "
    "Pueden aplicarse tarifas de mensajes y datos. Responda AYUDA para recibir ayuda o "
    "PARAR para cancelar en cualquier momento."
)
QUESTION = "¿Puede {business} enviarle mensajes de texto sobre su proyecto?"

# The parts the SMS texts share (GSM-7; see the module docstring).
FREQUENCY = "Frecuencia variable."
RATES = "Msj y datos pueden tener costo."
HELP_AND_STOP = "AYUDA para ayuda, PARAR para cancelar."
STOP = "PARAR para cancelar."


def opt_in_confirmation(business: str) -> str:
    return (
        f"{business}: Ya recibe textos de su proyecto. {FREQUENCY} {RATES} Responda {HELP_AND_STOP}"
    )


def opt_out_confirmation(business: str) -> str:
    return (
        f"{business}: Se dio de baja y ya no le enviaremos textos. "
        "Para volver a suscribirse, responda START."
    )


def resubscribe_confirmation(business: str) -> str:
    return f"{business}: Textos reanudados. {FREQUENCY} {RATES} {HELP_AND_STOP}"


def opt_in_request(business: str) -> str:
    """Double opt-in: "reply SI" (YES works too; both confirm)."""
    return f"{business}: Responda SI para recibir textos de su proyecto. {FREQUENCY} {RATES} {STOP}"


def help_answer(business: str, contact: str | None) -> str:
    reach = f"Contacto: {contact}." if contact else "Para contactarnos, responda."
    return f"{business}: {reach} {FREQUENCY} {RATES} {STOP}"


AWAITING_START = (
    "Gracias, recibimos su respuesta. Este número se dio de baja antes (por un texto, "
    "por su compañía telefónica o a petición suya), así que seguirá dado de baja hasta "
    "que envíe START al {sender}."
)


def link_used(last_two: str, business: str) -> str:
    return (
        f"Este enlace ya se usó para el número que termina en {last_two}. Para inscribir "
        f"otro número, pida a {business} un enlace nuevo."
    )
