"""The Jinja2 environment of residents' emails and pages: templates in `templates/`, `t` for texts in the
resident's language, dates and numbers through Babel. Below both `emails` and `unsubscribe`, which use it."""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from chalicelib.adapters.clock import LUXEMBOURG
from chalicelib.i18n import translate

TEMPLATES = Path(__file__).parent / "templates"


@pass_context
def _t(context: Any, key: str, **params: Any) -> str:
    return translate(context["language"], key, **params)


@pass_context
def _date(context: Any, value: date | datetime, format: str = "long") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(LUXEMBOURG).date()
    return format_date(value, format=format, locale=context["language"])


@pass_context
def _datetime(context: Any, value: datetime, format: str = "medium") -> str:
    return format_datetime(value, format=format, tzinfo=LUXEMBOURG, locale=context["language"])


@pass_context
def _time(context: Any, value: datetime, format: str = "short") -> str:
    return format_time(value, format=format, tzinfo=LUXEMBOURG, locale=context["language"])


@pass_context
def _number(context: Any, value: float | int) -> str:
    return format_decimal(value, locale=context["language"])


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = _t
    env.filters.update(date=_date, datetime=_datetime, time=_time, number=_number)
    return env
