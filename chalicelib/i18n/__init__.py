"""What the server says to people (emails, letters), in lb, fr, de, en and pt.

Catalogues are JSON files beside this module, one per language (`<lang>.json`), plus one per
area of the app and language (`<area>/<lang>.json`), with the same keys in every language
(tests/unit/test_i18n.py checks it). `{name}` placeholders are filled by `translate`.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from pathlib import Path

from chalicelib.adapters.clock import LUXEMBOURG
from chalicelib.languages import LANGUAGES, Language

DEFAULT: Language = "fr"


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    here = Path(__file__).parent
    messages: dict[str, str] = {}
    for path in [here / f"{language}.json", *sorted(here.glob(f"*/{language}.json"))]:
        messages.update(json.loads(path.read_text(encoding="utf-8")))
    return messages


def choose(*preferences: str | None) -> Language:
    """The first supported language among preferences (e.g. "de-LU", "lb"), else French."""
    for preference in preferences:
        for part in (preference or "").replace(";", ",").split(","):
            code = part.strip().lower()[:2]
            if code in LANGUAGES:
                return code  # type: ignore[return-value]
    return DEFAULT


def translate(language: str, key: str, **params: object) -> str:
    text = catalogue(language if language in LANGUAGES else DEFAULT).get(key) or catalogue("en")[key]
    return text.format(**params) if params else text


def plural(language: str, key: str, number: float, shown: str | None = None) -> str:
    """`key.one` or `key.other` as `language` says `number` ("1 hour", "2 hours"; French: "1,5 heure"), its
    `{count}` filled with `shown` (the number as formatted for the reader) or the number. Babel's plural rules."""
    from babel import Locale

    form = Locale.parse(language if language in LANGUAGES else DEFAULT).plural_form(number)
    return translate(language, f"{key}.{'one' if form == 'one' else 'other'}", count=number if shown is None else shown)


def long_date(value: date | datetime, language: str) -> str:
    """A day as a reader of `language` writes it ("6. Dezember 2026", "6 de dezembro de 2026"); an instant
    counts in Luxembourg's time. Babel loads here, for the emails, letters and paper digests that print dates."""
    from babel.dates import format_date

    if isinstance(value, datetime):
        value = value.astimezone(LUXEMBOURG).date()
    return format_date(value, "long", locale=language)
