"""The API function loads only what the API needs (#18, #16): importing app.py, as every Lambda of the app
does on a cold start, loads none of the packages that only emails, PDFs, photos, attachments and
announcements' Markdown use; those load inside the functions that use them (docs/architecture.md,
What each function loads)."""

import ast
import builtins
import json
import os
import subprocess
import symtable
import sys
from pathlib import Path

from chalicelib.later import Later

ROOT = Path(__file__).resolve().parents[2]

# Jinja2, Babel, css-inline: emails; Pillow: photos and logos; fpdf2, segno: letters and the paper digest;
# pypdfium2: PDF attachments; markdown-it, nh3: announcements' Markdown.
HEAVY = ("jinja2", "babel", "PIL", "fpdf", "markdown_it", "nh3", "css_inline", "pypdfium2", "segno", "icalendar")


def test_importing_the_app_loads_no_heavy_package():
    # Given a fresh interpreter with the tests' environment (stage, endpoints, table)
    # When it imports app.py
    loaded = subprocess.run(
        [sys.executable, "-c", "import app, sys; print('\\n'.join(sorted(sys.modules)))"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True,
    ).stdout.split()
    # Then none of the heavy packages, nor any module of theirs, is loaded
    heavy = sorted(name for name in loaded if name.split(".")[0] in HEAVY)
    assert heavy == []


MODELS_BUILT = """
import app, pydantic
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
ours = {m for m in subclasses(pydantic.BaseModel) if m.__module__.startswith(("app", "chalicelib."))}
print("\\n".join(sorted(f"{m.__module__}.{m.__qualname__}" for m in ours if m.__pydantic_complete__)))
"""


def test_importing_the_app_builds_no_model_but_the_settings():
    # Given a fresh interpreter with the tests' environment
    # When it imports app.py
    built = subprocess.run(
        [sys.executable, "-c", MODELS_BUILT],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True,
    ).stdout.split()
    # Then pydantic has built no request, response or domain model yet (chalicelib.models.Model defers
    # them to their first use); the settings are read on import
    assert built == ["chalicelib.config.Settings"]


CONCERNS_LOADED = """
import app, sys
print("\\n".join(sorted(name for name in sys.modules if name.startswith("chalicelib."))))
"""


def test_importing_the_app_loads_no_concern_a_request_has_not_asked_for():
    # Given a fresh interpreter
    # When it imports app.py
    loaded = set(subprocess.run(
        [sys.executable, "-c", CONCERNS_LOADED],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True,
    ).stdout.split())
    # Then the modules of the concerns app.py names with `later` are not imported yet: a request imports its own
    later_named = {thing._module for thing in vars(app_module()).values() if isinstance(thing, Later)}
    assert later_named and not later_named & loaded


def test_every_name_app_py_takes_from_a_later_module_exists():
    # Given app.py's `later` modules, which import nothing until a request uses them (a misspelt name would
    # only fail on that request)
    app = app_module()
    handles = {name for name, thing in vars(app).items() if isinstance(thing, Later)}
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    used = {(node.value.id, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in handles}
    # Then every module imports and holds every name app.py takes from it
    missing = sorted(f"{handle}.{name}" for handle, name in used if not hasattr(getattr(app, handle).now(), name))
    assert used and missing == []


def test_every_global_name_app_py_uses_is_defined():
    # Given app.py, whose routes run only on a request (a name left undefined would fail there, not on import)
    app = app_module()

    def undefined(table: symtable.SymbolTable) -> set[str]:
        names = {symbol.get_name() for symbol in table.get_symbols()
                 if symbol.is_referenced() and not symbol.is_assigned() and not symbol.is_parameter()
                 and (symbol.is_global() or table.get_type() == "module")}
        names = {name for name in names if not hasattr(app, name) and not hasattr(builtins, name)}
        return names.union(*(undefined(child) for child in table.get_children()))

    # Then every name its functions read from the module is defined there (or is a builtin)
    assert undefined(symtable.symtable((ROOT / "app.py").read_text(encoding="utf-8"), "app.py", "exec")) == set()


def test_once_the_routes_are_declared_a_later_modules_name_is_the_thing_itself():
    # Given app.py imported (its routes declared, their models named without importing them)
    app = app_module()
    # When a route's body reads a name of a `later` module, a constant as well as a function
    taken = [app.unsubscribe.ONE_CLICK, app.unsubscribe.read_token, app.events_models.EventCreate]
    # Then it gets the thing itself, not a `Later` (a constant handed on as a Later would answer 500)
    assert not any(isinstance(thing, Later) for thing in taken)
    # while the routes' models were named during the declaration, and are imported on first use
    assert any(isinstance(doc.body, Later) for doc in app.api.docs)


def app_module():
    import app

    return app


REGISTRIES = """
import json, sys
if sys.argv[1] == "all":  # every module app.py names, imported as a warm container would have them
    import app
    from chalicelib.later import every_concern
    every_concern()
else:
    import app  # a cold container: no request yet
from chalicelib.accounts.content_owners import content_owners
from chalicelib.content import kinds
print(json.dumps({"kinds": kinds.names(), "owners": [owner.name for owner in content_owners()],
                  "watchers": len(kinds._WATCHERS)}))
"""


def test_a_cold_container_reads_the_shared_registries_whole():
    # Given a container whose first request reads a shared registry (a comment's kind, an erasure's owners)
    def registries(how: str) -> dict:
        return json.loads(subprocess.run(
            [sys.executable, "-c", REGISTRIES, how], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()[-1])

    cold, warm = registries("cold"), registries("all")
    # Then it sees every concern's kinds, "your data" owners and change watchers, as a warm one does
    assert cold == warm
    assert {"post", "event", "comment", "message", "item"} <= set(cold["kinds"])
    assert {"posts", "events", "budget", "volunteering", "lending", "messages"} <= set(cold["owners"])



def test_a_first_import_through_later_holds_the_one_import_lock(monkeypatch):
    # `make run`'s threaded API once answered 500 to a screen's two first calls (/me/calls and /me/badges): each
    # thread imported a concern that imports the other (volunteering <- posts <- messages), and Python's import locks
    # deadlocked. First imports through `later` take one re-entrant lock, so they happen one at a time.
    from chalicelib import later as later_module

    held = []
    real = later_module.importlib.import_module
    monkeypatch.setattr(later_module.importlib, "import_module",
                        lambda name: held.append(later_module._importing._is_owned()) or real(name))
    assert Later("chalicelib.volunteering.skills", "SKILLS").now()
    assert held == [True]
