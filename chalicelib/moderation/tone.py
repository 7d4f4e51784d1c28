""""Would you say it like this face to face?": a reminder, never a block.

A handful of clearly aggressive words per language (lb, fr, de, en, pt). A text that contains one
gets `looks_aggressive`, for the web app to ask the question before posting; posting still works.
"""

from __future__ import annotations

import re
import unicodedata

AGGRESSIVE: dict[str, frozenset[str]] = {
    "lb": frozenset({"idiot", "dreckskeess", "topert", "houfra", "klappt d'maul", "domm kou", "aarschlach"}),
    "fr": frozenset({"connard", "connasse", "salaud", "ta gueule", "cretin", "abruti", "ferme-la", "enfoire"}),
    "de": frozenset({"arschloch", "idiot", "halt die fresse", "vollidiot", "mistkerl", "schlampe", "wichser"}),
    "en": frozenset({"idiot", "moron", "shut up", "jerk", "asshole", "bastard", "stupid"}),
    "pt": frozenset({"idiota", "cala a boca", "cala-te", "otario", "cabrao", "estupido", "imbecil"}),
}
_PATTERNS = {language: re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(words)) + r")(?!\w)")
             for language, words in AGGRESSIVE.items()}


def _plain(text: str) -> str:
    """Lower case, accents off, apostrophes alike: "Crétin" and "cretin" match the same word."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def looks_aggressive(text: str) -> bool:
    plain = _plain(text)
    return any(pattern.search(plain) for pattern in _PATTERNS.values())
