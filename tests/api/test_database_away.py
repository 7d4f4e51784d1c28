"""Fault injection: DynamoDB paused (SIGSTOP), throttling, or timing out after a write. The API answers
503 with Retry-After within about 2 s, never 500; a retried creation with the same Idempotency-Key is
stored once; acknowledged writes are all there afterwards."""

import contextlib
import json
import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from chalicelib.adapters import clock
from chalicelib.adapters.aws import client as aws_client
from chalicelib.store.table import table_connection
from tests.api.test_posts import ANNA, DISCUSSION, HELP, N1, feed
from tests.helpers import JSON, body, error_of

POSTS = f"/api/v1/neighbourhoods/{N1}/posts"
BUDGET = 2.5  # seconds: "within about 2 s", with a margin for a loaded machine


def post(client, payload=DISCUSSION, key=None):
    headers = {**JSON, "Idempotency-Key": key} if key else JSON
    return client.post(POSTS, headers=headers, body=body(payload))


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def assert_unavailable(response, elapsed):
    assert response.status_code == 503, response.body
    assert error_of(response)["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    assert elapsed < BUDGET, f"answered after {elapsed:.2f} s"


def event_systems():
    """Both DynamoDB clients: ours (health, rate limits) and PynamoDB's (every entity)."""
    systems = (aws_client("dynamodb").meta.events, table_connection().connection.client.meta.events)
    return list({id(events): events for events in systems}.values())


@contextlib.contextmanager
def injected(event: str, handler):
    for events in event_systems():
        events.register(event, handler)
    try:
        yield
    finally:
        for events in event_systems():
            events.unregister(event, handler)


@contextlib.contextmanager
def paused(process):
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


class _Body:
    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


def throttled(request, **_kwargs):
    """What DynamoDB answers a client over its throughput (botocore's retries see it as real)."""
    data = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                       "message": "Rate of requests exceeds the allowed throughput."}).encode()
    return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Body(data))


def sent_while(call):
    """The DynamoDB requests sent (retries included) while `call` runs, and its answer and time."""
    sent = []

    def note(event_name="", **_kwargs):  # before-send.dynamodb.<Operation>
        sent.append(event_name.rsplit(".", 1)[-1])

    with injected("before-send.dynamodb", note):
        response, elapsed = timed(call)
    return response, elapsed, sent


def test_a_paused_database_answers_503_within_2_s_and_a_retry_stores_once(client, act_as, dynamodb_local,
                                                                           monkeypatch):
    from chalicelib.config import get_settings

    act_as(ANNA)
    acknowledged = post(client, HELP)
    assert acknowledged.status_code == 201
    key = str(uuid.uuid4())
    attempts = get_settings().db_attempts

    # When DynamoDB stops answering (the process paused: connections accepted, nothing read)
    with paused(dynamodb_local):
        tries = [sent_while(lambda: post(client, key=key)) for _ in range(2)]
        health, health_elapsed, _ = sent_while(lambda: client.get("/api/v1/health"))

    # Then requests answer 503 with Retry-After, having tried one call within its budget (its attempts only: a
    # second call would double the wait), quickly: the better of two tries, as a loaded machine stretches one
    for response, _, sent in tries:
        assert response.status_code == 503 and len(sent) <= attempts and len(set(sent)) == 1, sent
    assert_unavailable(tries[0][0], min(elapsed for _, elapsed, _ in tries))
    assert health.status_code == 503 and health_elapsed < 2 * BUDGET
    # And once it is back, the retry with the same key (after any lease the first attempt left) stores one post
    later = clock.now() + timedelta(seconds=31)
    monkeypatch.setattr("chalicelib.adapters.clock.now", lambda: later)
    retry = post(client, key=key)
    again = post(client, key=key)
    assert retry.status_code == 201, retry.body
    assert again.json_body == retry.json_body
    ids = [p["id"] for p in feed(client).json_body["posts"]]
    assert sorted(ids) == sorted([acknowledged.json_body["id"], retry.json_body["id"]])


def test_throttling_answers_503_within_2_s_then_recovers(client, act_as):
    act_as(ANNA)
    acknowledged = post(client, HELP)

    with injected("before-send.dynamodb", throttled):
        response, elapsed = timed(lambda: post(client))
        health = client.get("/api/v1/health")

    assert_unavailable(response, elapsed)
    assert health.status_code == 503
    assert post(client).status_code == 201
    ids = {p["id"] for p in feed(client).json_body["posts"]}
    assert acknowledged.json_body["id"] in ids and len(ids) == 2


def test_a_timeout_after_the_write_is_retried_without_a_duplicate(client, act_as):
    act_as(ANNA)
    key = str(uuid.uuid4())
    lost = []

    def answer_lost(**_kwargs):  # DynamoDB wrote the post; its answer never came back
        if not lost:
            lost.append(True)
            raise ReadTimeoutError(endpoint_url="http://dynamodb")

    # When the post's transaction is written but its answer is lost
    with injected("after-call.dynamodb.TransactWriteItems", answer_lost):
        first, elapsed = timed(lambda: post(client, key=key))
    assert_unavailable(first, elapsed)

    # Then the retry with the same key answers the post that was written, and there is one
    retry = post(client, key=key)
    assert retry.status_code == 201, retry.body
    posts = feed(client).json_body["posts"]
    assert [p["id"] for p in posts] == [retry.json_body["id"]]
    assert post(client, key=key).json_body == retry.json_body


def test_without_a_key_the_lost_answer_is_503_never_500(client, act_as):
    act_as(ANNA)

    def answer_lost(**_kwargs):
        raise ReadTimeoutError(endpoint_url="http://dynamodb")

    with injected("after-call.dynamodb.TransactWriteItems", answer_lost):
        response, elapsed = timed(lambda: post(client))

    assert_unavailable(response, elapsed)


@pytest.mark.parametrize("path, payload", [
    ("/api/v1/posts/{post}/comments", {"text": "Count me in"}),
])
def test_a_retried_comment_after_a_lost_answer_is_stored_once(client, act_as, path, payload):
    act_as(ANNA)
    written = post(client).json_body
    url = path.format(post=written["id"])
    key = str(uuid.uuid4())
    lost = []

    def answer_lost(**_kwargs):
        if not lost:
            lost.append(True)
            raise ReadTimeoutError(endpoint_url="http://dynamodb")

    with injected("after-call.dynamodb.TransactWriteItems", answer_lost):
        assert client.post(url, headers={**JSON, "Idempotency-Key": key}, body=body(payload)).status_code == 503
    retry = client.post(url, headers={**JSON, "Idempotency-Key": key}, body=body(payload))

    assert retry.status_code == 201, retry.body
    comments = client.get(url).json_body["comments"]
    assert [c["id"] for c in comments] == [retry.json_body["id"]]


def test_a_conversation_started_twice_after_a_lost_answer_has_one_first_message(client, act_as):
    # Given a conversation's start: two transactions (the conversation, then its first message)
    from tests.api.test_posts import BEN, make_user

    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(BEN, "ben@example.lu", "7000-2")
    act_as(ANNA)
    key = str(uuid.uuid4())
    calls = []

    def second_answer_lost(**_kwargs):  # the first message was written, its answer lost
        calls.append(True)
        if len(calls) == 2:
            raise ReadTimeoutError(endpoint_url="http://dynamodb")

    start = {"with_user_id": BEN.user_id, "text": "Hello neighbour"}
    with injected("after-call.dynamodb.TransactWriteItems", second_answer_lost):
        first = client.post("/api/v1/conversations", headers={**JSON, "Idempotency-Key": key}, body=body(start))
    assert first.status_code == 503

    retry = client.post("/api/v1/conversations", headers={**JSON, "Idempotency-Key": key}, body=body(start))

    assert retry.status_code == 201, retry.body
    messages = client.get(f"/api/v1/conversations/{retry.json_body['id']}/messages").json_body["messages"]
    assert [m["text"] for m in messages] == ["Hello neighbour"]
