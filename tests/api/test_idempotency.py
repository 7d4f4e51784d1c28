"""Creations with an Idempotency-Key: a retry answers what the first attempt answered, never a duplicate."""

import uuid
from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.store import idempotency
from tests.api.test_posts import ANNA, BEN, DISCUSSION, HELP, N1, feed, make_user
from tests.helpers import JSON, body, error_of

POSTS = f"/api/v1/neighbourhoods/{N1}/posts"


def post_with(client, key, payload=DISCUSSION):
    return client.post(POSTS, headers={**JSON, "Idempotency-Key": key}, body=body(payload))


def test_a_retried_post_answers_the_first_answer_and_is_stored_once(client, act_as):
    act_as(ANNA)
    key = str(uuid.uuid4())

    first, retry = post_with(client, key), post_with(client, key)

    assert first.status_code == retry.status_code == 201
    assert retry.json_body == first.json_body
    assert [post["id"] for post in feed(client).json_body["posts"]] == [first.json_body["id"]]


def test_a_new_key_is_a_new_post(client, act_as):
    act_as(ANNA)
    post_with(client, str(uuid.uuid4()))
    post_with(client, str(uuid.uuid4()))
    assert len(feed(client).json_body["posts"]) == 2


def test_without_a_key_every_request_creates(client, act_as):
    act_as(ANNA)
    client.post(POSTS, headers=JSON, body=body(DISCUSSION))
    client.post(POSTS, headers=JSON, body=body(DISCUSSION))
    assert len(feed(client).json_body["posts"]) == 2


def test_the_same_key_for_another_request_is_409_naming_the_header(client, act_as):
    act_as(ANNA)
    key = str(uuid.uuid4())
    assert post_with(client, key).status_code == 201

    other = post_with(client, key, HELP)

    assert other.status_code == 409
    assert "Idempotency-Key" in error_of(other)["fields"]
    assert len(feed(client).json_body["posts"]) == 1


def test_a_key_still_in_progress_is_409_with_retry_after(client, act_as):
    act_as(ANNA)
    key = str(uuid.uuid4())
    assert post_with(client, key).status_code == 201
    # Given the first attempt still running (its marker back in progress, its lease ahead)
    marker = idempotency.marker_of(ANNA.user_id, key)
    marker.update(actions=[idempotency.IdempotencyMarker.state.set(idempotency.IN_PROGRESS),
                           idempotency.IdempotencyMarker.lease_until.set(clock.now() + timedelta(seconds=20))])

    running = post_with(client, key)

    assert running.status_code == 409
    assert error_of(running)["fields"] == {"Idempotency-Key": "in progress"}
    assert 1 <= int(running.headers["Retry-After"]) <= 20


@pytest.mark.parametrize("key", ["short", "x" * 129, "has space in it 123", "IDEMPOTENCY#other#1234567890"])
def test_a_malformed_key_is_400_naming_the_header(client, act_as, key):
    act_as(ANNA)
    response = post_with(client, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]
    assert feed(client).json_body["posts"] == []


def test_the_key_is_the_principals_own(client, act_as):
    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(BEN, "ben@example.lu", "7000-2")
    key = str(uuid.uuid4())
    act_as(ANNA)
    annas = post_with(client, key)
    act_as(BEN)
    bens = post_with(client, key)

    assert annas.status_code == bens.status_code == 201
    assert annas.json_body["id"] != bens.json_body["id"]
    assert bens.json_body["author_id"] == BEN.user_id


def test_a_refusal_before_any_write_frees_the_key(client, act_as):
    act_as(ANNA)
    key = str(uuid.uuid4())
    refused = client.post("/api/v1/posts/01J00000000000000000000000/comments",
                          headers={**JSON, "Idempotency-Key": key}, body=body({"text": "Hello"}))
    assert refused.status_code == 404
    assert idempotency.marker_of(ANNA.user_id, key) is None


def test_a_key_is_kept_24_hours(client, act_as, monkeypatch):
    act_as(ANNA)
    key = str(uuid.uuid4())
    first = post_with(client, key)
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr("chalicelib.adapters.clock.now", lambda: later)

    again = post_with(client, key)

    assert again.status_code == 201 and again.json_body["id"] != first.json_body["id"]


def test_every_creation_declares_the_header_in_the_openapi_document(client, api_docs):
    document = client.get("/api/v1/openapi.json").json_body
    creations = [doc for doc in api_docs if doc.idempotent]
    assert {(doc.method, doc.path) for doc in creations} >= {
        ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/posts"),
        ("POST", "/api/v1/posts/{post_id}/comments"),
        ("POST", "/api/v1/conversations"),
        ("POST", "/api/v1/conversations/{conversation_id}/messages"),
        ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/items"),
        ("POST", "/api/v1/items/{item_id}/loans"),
    }
    for doc in creations:
        operation = document["paths"][doc.path][doc.method.lower()]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], doc.path
        assert {"400", "409", "503"} <= set(operation["responses"])
