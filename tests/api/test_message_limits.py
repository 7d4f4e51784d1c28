"""Rate limits on private messages (chalicelib/ratelimit.py): per sender, 429 with Retry-After past them."""

from datetime import datetime, timezone

import pytest

from chalicelib.messages.service import CONVERSATIONS_PER_DAY, MESSAGES_PER_10_MINUTES
from tests.api.test_posts import ANNA, BEN, make_user, resident
from tests.helpers import JSON, body, error_of

# 10:03:20 UTC: windows are fixed (10:00-10:10, the UTC day), so 400 s are left in the 10 minutes.
MOMENT = datetime(2026, 3, 2, 10, 3, 20, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    monkeypatch.setattr("chalicelib.ratelimit.now", lambda: MOMENT)


def test_a_sender_writes_30_messages_in_10_minutes_then_waits(client, act_as):
    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(BEN, "ben@example.lu", "7000-2")
    act_as(ANNA)
    conversation = client.post("/api/v1/conversations", headers=JSON,
                               body=body({"with_user_id": "U-ben", "text": "Hello"})).json_body
    url = f"/api/v1/conversations/{conversation['id']}/messages"
    for number in range(MESSAGES_PER_10_MINUTES - 1):  # the first message started the conversation
        assert client.post(url, headers=JSON, body=body({"text": f"message {number}"})).status_code == 201
    refused = client.post(url, headers=JSON, body=body({"text": "one too many"}))
    assert refused.status_code == 429 and error_of(refused)["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "400"
    # nothing was written, and the other side may still answer
    texts = [m["text"] for m in client.get(url + "?limit=100").json_body["messages"]]
    assert len(texts) == MESSAGES_PER_10_MINUTES and "one too many" not in texts
    act_as(BEN)
    assert client.post(url, headers=JSON, body=body({"text": "Slow down"})).status_code == 201


def test_a_sender_starts_10_conversations_a_day(client, act_as):
    make_user(ANNA, "anna@example.lu", "7000-1")
    neighbours = [resident(f"U-n{number}") for number in range(CONVERSATIONS_PER_DAY + 1)]
    for number, neighbour in enumerate(neighbours):
        make_user(neighbour, f"n{number}@example.lu", f"7001-{number}")
    act_as(ANNA)
    for neighbour in neighbours[:-1]:
        started = client.post("/api/v1/conversations", headers=JSON,
                              body=body({"with_user_id": neighbour.user_id, "text": "Hello"}))
        assert started.status_code == 201, started.body
    refused = client.post("/api/v1/conversations", headers=JSON,
                          body=body({"with_user_id": neighbours[-1].user_id, "text": "Hello"}))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 24 * 3600 - (10 * 3600 + 3 * 60 + 20)  # until midnight UTC
    assert len(client.get("/api/v1/conversations").json_body["conversations"]) == CONVERSATIONS_PER_DAY
