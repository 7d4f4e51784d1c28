"""A module of Noper's, imported on first use rather than when app.py is imported.

app.py, the routing table, names every concern's models and functions, but a request uses one concern: a cold
start that imported them all would build every pydantic model and PynamoDB entity of the ten concerns (about
400 classes) before answering. So app.py holds `events = later("chalicelib.events.service")` for each module
it uses: `events.get_event` names the function without importing anything, and calling it (or reading any of
its attributes, as `EventCreate.model_validate` does) imports the module then. A route's models, given to its
decorator the same way, are imported on its first request (chalicelib/web/api.py) or when the OpenAPI document
is built. docs/architecture.md, What each function loads.
"""

from __future__ import annotations

import importlib
from typing import Any


class Later:
    """A module (`name` empty) or a name in it, imported on first use."""

    __slots__ = ("_module", "_name")

    def __init__(self, module: str, name: str = "") -> None:
        self._module = module
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle, inspect probing: never import for them
            raise AttributeError(attribute)
        if not self._name:
            return Later(self._module, attribute)  # still nothing imported
        return getattr(self.now(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.now()(*args, **kwargs)

    def now(self) -> Any:
        """The module, or its name, imported now (once: Python keeps the module in sys.modules)."""
        module = importlib.import_module(self._module)
        return getattr(module, self._name) if self._name else module

    def __repr__(self) -> str:
        return f"later({self._module!r}{', ' + repr(self._name) if self._name else ''})"


def later(module: str) -> Later:
    return Later(module)


def now(thing: Any) -> Any:
    """`thing` itself, or what it names when it is a `Later`."""
    return thing.now() if isinstance(thing, Later) else thing
