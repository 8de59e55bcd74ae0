"""The questionnaire pages' copy in Spanish (webhooks/page_copy.py assembles both languages).

Written in the formal "usted" a business uses with its clients; pages are not SMS, so
accents are kept.
"""

from __future__ import annotations

from consent.messages import AWAITING_START_ES

THANKS_ES: dict[str, tuple[str, str]] = {
    "opted_in": (
        "Ya está suscrito",
        "¡Gracias! {business} ya puede enviarle textos al {phone}. Le enviamos un texto de "
        "confirmación. Responda PARAR a cualquier texto para dejar de recibirlos.",
    ),
    "already_opted_in": (
        "Ya está suscrito",
        "¡Gracias! {business} puede enviarle textos al {phone}. Ya estaba suscrito, así que "
        "no le enviamos otra confirmación. Responda PARAR a cualquier texto para dejar de "
        "recibirlos.",
    ),
    "awaiting_start": ("Falta un paso", AWAITING_START_ES),
    "awaiting_start_no_sender": (
        "Falta un paso",
        "Gracias, recibimos su respuesta. Este número se dio de baja antes (por un texto, "
        "por su compañía telefónica o a petición suya), así que seguirá dado de baja hasta "
        "que responda START al último texto que recibió de {business}.",
    ),
    "opted_in_no_text": (
        "Ya está suscrito",
        "¡Gracias! {business} ya puede enviarle textos al {phone}. Le enviamos una "
        "confirmación hace poco, así que no le enviamos otra. Responda PARAR a cualquier "
        "texto para dejar de recibirlos.",
    ),
    "confirm_by_text": (
        "Falta un paso",
        "¡Gracias! Le enviamos un texto al {phone}: responda SI para confirmar y {business} "
        "podrá enviarle textos desde entonces. Responda PARAR a cualquier texto para dejar "
        "de recibirlos.",
    ),
    "confirm_by_text_no_text": (
        "Falta un paso",
        "¡Gracias! Responda SI al texto que le enviamos antes al {phone} para confirmar, y "
        "{business} podrá enviarle textos desde entonces.",
    ),
    "opted_out": (
        "No recibirá textos",
        "Entendido: {business} no le enviará mensajes de texto. "
        "Si cambia de opinión, abra este enlace de nuevo y elija Sí.",
    ),
    "no_answer": (
        "Gracias",
        "No cambió nada. Puede volver a este enlace y responder hasta el {expires}.",
    ),
}

REASONS_ES: dict[str, str] = {
    "empty": "Escriba un número de teléfono.",
    "input_too_long": "Es demasiado largo para ser un número de teléfono "
    "(40 caracteres como máximo).",
    "letters": "No parece un número de teléfono: tiene letras.",
    "symbols": "No parece un número de teléfono: use solo dígitos, espacios y + ( ) - .",
    "no_digits": "No parece un número de teléfono: no tiene dígitos.",
    "extension": "Los textos no llegan a una extensión: escriba el número sin ella.",
    "not_a_number": "{number} no parece un número de teléfono.",
    "too_short": "{number} es demasiado corto para ser un número de teléfono.",
    "too_long": "{number} es demasiado largo para ser un número de teléfono.",
    "wrong_length": "{number} no tiene la cantidad de dígitos de un número de teléfono.",
    "local_only": "A {number} le falta el código de área.",
    "country_code": "{number} no empieza con un código de país que conozcamos: "
    "empiece con + y el código del país, como +52 para México.",
    "not_valid": "{number} no es un número de teléfono válido: revise el código de área y "
    "los dígitos.",
}
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


# (title, explanation) for each friendly error page, by cause (as PROBLEM_PAGES).
PROBLEM_PAGES_ES: dict[str, tuple[str, str]] = {
    "link_not_found": (
        "Este enlace no funciona",
        "Revise que abrió el enlace completo de su mensaje, o pida a {business} uno nuevo.",
    ),
    "link_expired": (
        "Este enlace venció",
        "Los enlaces están abiertos por un tiempo limitado. Pida a {business} uno nuevo.",
    ),
    "csrf": (
        "Inténtelo de nuevo",
        "Esta página estuvo abierta mucho tiempo, o su navegador no guardó una cookie que "
        "necesitamos. No cambió nada. Vuelva a cargar la página y responda de nuevo.",
    ),
    "not_found": ("Página no encontrada", "No hay nada en esta dirección."),
    "unavailable": (
        "Inténtelo de nuevo en un momento",
        "Ahora no podemos guardar respuestas. No cambió nada. Inténtelo de nuevo en breve.",
    ),
    "forbidden": ("No permitido", "Se rechazó esta solicitud. No cambió nada."),
    "too_large": ("Demasiado grande", "Lo que envió su navegador es más de lo que aceptamos."),
    "bad_request": (
        "Algo no salió bien",
        "No pudimos leer lo que envió su navegador. No cambió nada. "
        "Vuelva atrás e inténtelo de nuevo.",
    ),
    "error": (
        "Algo falló de nuestro lado",
        "No cambió nada. Inténtelo de nuevo en un minuto.",
    ),
}
RELOAD_ES = "Volver a cargar la página"
