"""The whole local stack as `make run` starts it: `chalice local --stage local` behind the one origin,
on the session's DynamoDB Local and moto server (table noper-local, apart from the API tests' table)."""

import os
import subprocess

import pytest

from ops import stack
from ops.origin import serve


@pytest.fixture(scope="session")
def stack_env(tmp_path_factory):
    """The environment of the stack under test: the local stage on the session's emulators."""
    return stack.stack_environment(
        "local", os.environ["NOPER_DYNAMODB_ENDPOINT"], os.environ["NOPER_AWS_ENDPOINT"], "noper-local",
        # Every browser test and the fuzzing sign people in from 127.0.0.1: more codes than one address gets.
        extra={"NOPER_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")), "NOPER_CODES_PER_IP": "1000"},
    )


@pytest.fixture(scope="session")
def site_url(tmp_path_factory, stack_env):
    from chalicelib.store.bootstrap import ensure_table

    site = stack.ROOT / "frontend" / "dist"
    if not (site / "index.html").is_file():
        pytest.fail("frontend/dist is not built: run `make test` (it builds the web app first)")
    ensure_table("noper-local")
    env = stack_env
    _seed(env)
    services = stack.Services()
    log = tmp_path_factory.mktemp("logs") / "api.log"
    try:
        api = stack.start_api(services, stack.free_port(), env, log)
    except RuntimeError:
        services.stop()
        pytest.fail(f"chalice local did not start:\n{log.read_text()}")
    # The stand-in for EventBridge (as `make run` has): uploaded photos get processed.
    services.start("local events", [str(stack.VENV_BIN / "python"), "-m", "ops.local_events"],
                   log.with_name("events.log"), env={**os.environ, **env})
    origin = serve(stack.free_port(), site, api, uploads=env["NOPER_AWS_ENDPOINT"],
                   origin_secret=env["NOPER_ORIGIN_SECRET"])
    yield f"http://127.0.0.1:{origin.server_address[1]}"
    origin.shutdown()
    services.stop()


def _seed(env: dict[str, str]) -> None:
    """What the map test needs, made as an operator would: import the real sample, propose and
    publish Clervaux's neighbourhoods."""
    for command in (
        ["import-addresses", "tests/data/lu-addresses-sample.csv"],
        # ~8 addresses each: the sample's villages split in two, so neighbouring neighbourhoods exist
        # (lost-cat.test.mjs: a lost pet reaches the next neighbourhood).
        ["neighbourhoods", "propose", "--commune", "0501", "--households", "8"],
        ["neighbourhoods", "publish", "--commune", "0501"],
    ):
        done = subprocess.run(["./noper", *command], cwd=stack.ROOT, env={**os.environ, **env},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"./noper {' '.join(command)}: {done.stdout}{done.stderr}"


def pytest_collection_modifyitems(items):
    """The fuzz tests last: they spend the sign-in rate limits of 127.0.0.1 that the other stack tests need."""
    items.sort(key=lambda item: item.path.name == "test_fuzz.py")
