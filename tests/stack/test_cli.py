import os
import subprocess

from ops import stack


def run_noper(*args):
    return subprocess.run(["./noper", *args], cwd=stack.ROOT, env=os.environ, capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands():
    result = run_noper("--help")

    assert result.returncode == 0
    assert "init" in result.stdout and "demo" in result.stdout


def test_init_is_idempotent_on_the_stage_table():
    result = run_noper("init")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "table: unchanged"


def test_demo_loads_communes_that_the_api_then_lists(client):
    result = run_noper("demo")

    assert result.returncode == 0, result.stderr
    names = [c["name"] for c in client.get("/api/v1/communes").json_body["communes"]]
    assert "Clervaux" in names and "Junglinster" in names


def test_init_says_plainly_when_the_local_stack_is_not_running():
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOPER_")}
    env["NOPER_DYNAMODB_PORT"] = str(stack.free_port())
    result = subprocess.run(["./noper", "init"], cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert "is `make run` going?" in result.stderr
