"""One DynamoDB Local (in memory, a free port) and one moto server for the whole test session.

They start before any test module imports the app, because PynamoDB reads its endpoint when the
model classes are defined. Set NOPER_TEST_DYNAMODB_ENDPOINT and NOPER_TEST_AWS_ENDPOINT to reuse
emulators that are already running.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from ops import stack

_services = stack.Services()
TEST_TABLE = "noper-test"


def pytest_configure(config: pytest.Config) -> None:
    problem = stack.java_problem()
    if problem:
        raise pytest.UsageError(problem)
    dynamodb = os.environ.get("NOPER_TEST_DYNAMODB_ENDPOINT") or stack.start_dynamodb(
        _services, stack.free_port(), db_path=None
    )
    aws = os.environ.get("NOPER_TEST_AWS_ENDPOINT") or stack.start_moto(_services, stack.free_port())
    outbox = tempfile.mkdtemp(prefix="noper-outbox-")
    os.environ.update(stack.stack_environment("test", dynamodb, aws, TEST_TABLE, extra={"NOPER_OUTBOX_DIR": outbox}))
    stack.provision()


def pytest_unconfigure(config: pytest.Config) -> None:
    _services.stop()


@pytest.fixture(autouse=True)
def empty_table():
    """Each test starts from an empty table (a Scan is fine here: tests are not a request path)."""
    yield
    from chalicelib.adapters.aws import client

    dynamodb = client("dynamodb")
    for page in dynamodb.get_paginator("scan").paginate(TableName=TEST_TABLE, ProjectionExpression="pk, sk"):
        keys = page["Items"]
        for start in range(0, len(keys), 25):
            dynamodb.batch_write_item(
                RequestItems={TEST_TABLE: [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]}
            )


@pytest.fixture(scope="session")
def app():
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def client(app):
    from chalice.test import Client

    with Client(app, stage_name="test", project_dir=str(stack.ROOT)) as test_client:
        yield test_client.http


@pytest.fixture
def act_as(monkeypatch):
    """Make every request carry the given principal (sessions themselves are tested apart)."""
    from chalicelib import policy

    def act(principal: policy.Principal) -> None:
        monkeypatch.setattr(policy, "principal_for", lambda request: principal)

    return act


@pytest.fixture
def outbox() -> Path:
    return Path(os.environ["NOPER_OUTBOX_DIR"])




@pytest.fixture
def dynamodb_local():
    """The session's DynamoDB Local process (to pause it: fault injection); skipped when reusing another."""
    process = next((p for p in _services.processes if p.name == "dynamodb-local"), None)
    if process is None:
        pytest.skip("DynamoDB Local was not started by this session (NOPER_TEST_DYNAMODB_ENDPOINT)")
    return process


@pytest.fixture(scope="session")
def api_docs(app):
    from app import api

    return [doc.with_models() for doc in api.docs]
