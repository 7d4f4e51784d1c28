"""The Jinja2 environment of residents' emails and pages: templates in `templates/`, `t` for texts in the
resident's language, dates and numbers through Babel. Below both `emails` and `unsubscribe`, which use it.

Jinja2 and Babel load on the first rendering, not on import: the API function imports this module but
renders only on a few routes (docs/architecture.md, What each function loads)."""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.clock import LUXEMBOURG
from chalicelib.i18n import long_date, plural, translate

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


def _t(context: Any, key: str, **params: Any) -> str:
    return translate(context["language"], key, **params)


def _plural(context: Any, key: str, number: float) -> str:
    """`key.one` or `key.other` as the reader's language counts `number`, written as they write numbers."""
    return plural(context["language"], key, number, _number(context, number))


def _date(context: Any, value: date | datetime, format: str = "long") -> str:
    if format == "long":
        return long_date(value, context["language"])
    if isinstance(value, datetime):
        value = value.astimezone(LUXEMBOURG).date()
    from babel.dates import format_date
    return format_date(value, format=format, locale=context["language"])


def _datetime(context: Any, value: datetime, format: str = "medium") -> str:
    """`when`: the weekday, the date and the time without seconds or zone, as people say when something happens
    ("Sa., 12. Dez. 2026, 09:00"), joined the locale's way; else one of babel's formats."""
    from babel import Locale
    from babel.dates import format_datetime, format_skeleton
    if format == "when":
        locale = Locale.parse(context["language"])
        day = format_skeleton("yMMMEd", value, tzinfo=LUXEMBOURG, locale=locale)
        return locale.datetime_formats["medium"].format(_time(context, value), day)
    return format_datetime(value, format=format, tzinfo=LUXEMBOURG, locale=context["language"])


def _time(context: Any, value: datetime, format: str = "short") -> str:
    from babel.dates import format_time
    return format_time(value, format=format, tzinfo=LUXEMBOURG, locale=context["language"])


def _number(context: Any, value: float | int) -> str:
    from babel.numbers import format_decimal
    return format_decimal(value, locale=context["language"])


@functools.cache
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = pass_context(_t)
    env.globals["plural"] = pass_context(_plural)  # `key.one` / `key.other` as the language counts
    env.filters.update({name: pass_context(function) for name, function in
                        {"date": _date, "datetime": _datetime, "time": _time, "number": _number}.items()})
    return env
