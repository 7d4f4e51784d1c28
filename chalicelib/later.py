"""A module of Noper's, imported on first use rather than when app.py is imported.

app.py, the routing table, names every concern's models and functions, but a request uses one concern: a cold
start that imported them all would build every pydantic model and PynamoDB entity of the ten concerns (about
400 classes) before answering. So app.py holds `events = later("chalicelib.events.service")` for each module
it uses. While app.py declares its routes, `events_models.EventCreate` in a route's decorator names the model
without importing anything: the name is imported on its first use (calling it, reading one of its attributes,
as `model_validate`), on the route's first request (chalicelib/web/api.py) or when the OpenAPI document is
built. Once the routes are declared (`routes_declared()`, at the end of app.py), `events.get_event` in a
route's body imports the module, if no request has yet, and is the function itself, as a constant such as
`unsubscribe.HEADERS` is the value itself. docs/architecture.md, What each function loads.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any


_declaring = True  # app.py is declaring its routes: names are taken, not imported
# One first import at a time: a Lambda container answers one request at a time, but `make run`'s API answers
# concurrent requests in threads, and two first imports of concerns that import each other, at once, deadlock
# (Python then raises in one of them: a screen's two first calls answered 500). Re-entrant: an import may name more.
_importing = threading.RLock()


def routes_declared() -> None:
    """From now on a module's name is the thing itself (imported on first use), no longer a `Later`."""
    global _declaring
    _declaring = False


class Later:
    """A module (`name` empty) or a name in it, imported on first use."""

    __slots__ = ("_module", "_name")

    def __init__(self, module: str, name: str = "") -> None:
        self._module = module
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle, inspect probing: never import for them
            raise AttributeError(attribute)
        if not self._name and _declaring:
            return Later(self._module, attribute)  # still nothing imported
        return getattr(self.now(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.now()(*args, **kwargs)

    def now(self) -> Any:
        """The module, or its name, imported now (once: Python keeps the module in sys.modules)."""
        with _importing:
            module = importlib.import_module(self._module)
        return getattr(module, self._name) if self._name else module

    def __repr__(self) -> str:
        return f"later({self._module!r}{', ' + repr(self._name) if self._name else ''})"


_named: list[Later] = []  # every module app.py names, in order


def later(module: str) -> Later:
    named = Later(module)
    _named.append(named)
    return named


def every_concern() -> None:
    """Import every module app.py names, if not yet. The shared registries call it before they are read: the
    concerns fill them when imported (content kinds, change watchers: chalicelib/content/kinds.py; the "your data"
    owners: chalicelib/accounts/content_owners.py), so a request that reads one (a comment, a report, an erasure,
    an export) must not see only the concerns imported so far. Cheap once they are."""
    for module in _named:
        module.now()


def now(thing: Any) -> Any:
    """`thing` itself, or what it names when it is a `Later`."""
    return thing.now() if isinstance(thing, Later) else thing
