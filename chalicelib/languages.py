"""The languages Noper speaks: those of Luxembourg's residents."""

from typing import Literal

Language = Literal["lb", "fr", "de", "en", "pt"]
LANGUAGES: tuple[Language, ...] = ("lb", "fr", "de", "en", "pt")
