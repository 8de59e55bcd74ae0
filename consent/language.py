"""A contact's language: the texts the app writes, the questionnaire and its disclaimer.

English is the default; Spanish is chosen by staff (`/sms link --lang es`), by the page the
client answered, or, for a number never seen before, by the language of its keyword.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    ES = "es"

    @property
    def label(self) -> str:
        """The language's own name, as a reader of it looks for it."""
        return _LABELS[self]


_LABELS = {Language.EN: "English", Language.ES: "Español"}
DEFAULT = Language.EN
LANGUAGES = tuple(Language)


def language_named(text: str | None) -> Language | None:
    """`en`/`es` (or a tag such as `es-MX`, any case); None for anything else."""
    primary = (text or "").strip().casefold().replace("_", "-").split("-")[0]
    return next((lang for lang in Language if lang.value == primary), None)
