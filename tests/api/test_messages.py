"""Private messages between verified neighbours, through the API on the real table (DynamoDB Local)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.adapters.clock import now
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, N2, make_user, resident, written
from tests.helpers import JSON, body, error_of

CARL = resident("U-carl")


@pytest.fixture(autouse=True)
def neighbours():
    for number, who in enumerate((ANNA, BEN, CARL), start=1):
        make_user(who, f"{who.user_id}@example.lu", f"7000-{number}")


def start(client, with_user_id="U-ben", text="Hello neighbour", **extra):
    return client.post("/api/v1/conversations", headers=JSON,
                       body=body({"with_user_id": with_user_id, "text": text, **extra}))


def started(client, with_user_id="U-ben", text="Hello neighbour", **extra):
    response = start(client, with_user_id, text, **extra)
    assert response.status_code == 201, response.body
    return response.json_body


def send(client, conversation_id, text="Still there?"):
    return client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=JSON, body=body({"text": text}))


def read(client, conversation_id, **query):
    url = f"/api/v1/conversations/{conversation_id}/messages"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(url)


def unread(client):
    return client.get("/api/v1/me/unread").json_body["unread"]


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("payload, field", [
    ({"text": "hi"}, "with_user_id"),
    ({"with_user_id": "U-ben"}, "text"),
    ({"with_user_id": "U-ben", "text": "   "}, "text"),
    ({"with_user_id": "U-ben", "text": "x" * 4001}, "text"),
    ({"with_user_id": "bad id!", "text": "hi"}, "with_user_id"),
    ({"with_user_id": "U-ben", "text": "hi", "about": {}}, "about"),
    ({"with_user_id": "U-ben", "text": "hi", "about": {"post_id": "nope"}}, "about.post_id"),
    ({"with_user_id": "U-ben", "text": "hi", "colour": "red"}, "colour"),
])
def test_starting_validates_its_fields(client, act_as, payload, field):
    act_as(ANNA)
    response = client.post("/api/v1/conversations", headers=JSON, body=body(payload))
    assert response.status_code == 400 and field in error_of(response)["fields"], error_of(response)


def test_a_message_takes_1_to_4000_characters_and_reports_a_known_reason(client, act_as):
    act_as(ANNA)
    conversation = started(client)
    assert send(client, conversation["id"], "x" * 4000).status_code == 201
    for text in ("", "x" * 4001):
        refused = send(client, conversation["id"], text)
        assert refused.status_code == 400 and "text" in error_of(refused)["fields"]
    message_id = read(client, conversation["id"]).json_body["messages"][0]["id"]
    refused = client.post(f"/api/v1/messages/{message_id}/reports", headers=JSON, body=body({"reason": "rude"}))
    assert refused.status_code == 400 and "reason" in error_of(refused)["fields"]


# --- who may write to whom ------------------------------------------------------------------

def test_only_verified_residents_of_my_neighbourhood_can_be_messaged(client, act_as):
    make_user(resident("U-far", nbh=N2), "far@example.lu", "7100-1")
    make_user(resident("U-pend", status="pending"), "pend@example.lu", "7000-9")
    act_as(ANNA)
    for stranger in ("U-far", "U-pend", "U-nobody", "U-anna"):
        refused = start(client, stranger)
        assert refused.status_code == 404 and error_of(refused)["fields"] == {"with_user_id": "not found"}, stranger
    act_as(resident("U-pend", status="pending"))
    assert start(client, "U-anna").status_code == 404


def test_a_conversation_about_a_post_needs_a_post_i_can_read(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(BEN)
    conversation = started(client, "U-anna", about={"post_id": post["id"]})
    assert conversation["about"] == {"kind": "post", "id": post["id"]}
    assert conversation["with_user_id"] == "U-anna"
    act_as(resident("U-far", nbh=N2))
    elsewhere = written(client, DISCUSSION, nbh=N2)
    act_as(ANNA)
    refused = start(client, "U-carl", about={"post_id": elsewhere["id"]})
    assert refused.status_code == 404 and "post_id" in error_of(refused)["fields"]


def test_only_the_participants_see_a_conversation(client, act_as):
    act_as(ANNA)
    conversation = started(client)
    message_id = read(client, conversation["id"]).json_body["messages"][0]["id"]
    for outsider in (CARL, resident("U-far", nbh=N2)):
        act_as(outsider)
        for response in (read(client, conversation["id"]), send(client, conversation["id"])):
            assert response.status_code == 404 and error_of(response)["fields"] == {"conversation_id": "not found"}
        reported = client.post(f"/api/v1/messages/{message_id}/reports", headers=JSON, body=body({"reason": "spam"}))
        assert reported.status_code == 404 and "message_id" in error_of(reported)["fields"]
        assert client.get("/api/v1/conversations").json_body["conversations"] == []
    missing = read(client, "0" * 32)
    assert missing.status_code == 404


def test_a_page_of_messages_is_one_query_for_either_participant_even_when_only_the_other_wrote(client, act_as):
    # Given a conversation in which only Anna wrote
    act_as(ANNA)
    conversation = started(client)

    for reader in (ANNA, BEN):
        act_as(reader)
        with count_dynamodb_calls() as calls:
            page = read(client, conversation["id"])

        # Then the page itself shows who takes part: no read of the conversation
        assert page.status_code == 200 and len(page.json_body["messages"]) == 1
        assert calls == {"Query": 1}, calls


def test_the_last_empty_page_is_one_query_on_the_cursor_of_its_reader_only(client, act_as):
    # Given a conversation of one message, read a message a page: the next page, past the end, is empty
    act_as(ANNA)
    conversation = started(client)
    cursor = read(client, conversation["id"], limit=1).json_body["cursor"]
    assert cursor

    # When Anna reads it on her page's cursor, then an outsider on the same cursor
    with count_dynamodb_calls() as calls:
        empty = read(client, conversation["id"], limit=1, cursor=cursor)
    act_as(CARL)
    with count_dynamodb_calls() as outsider_calls:
        outsider = read(client, conversation["id"], limit=1, cursor=cursor)

    # Then her cursor proved she takes part: one Query; it proves nothing for anyone else: read, 404
    assert empty.status_code == 200 and empty.json_body["messages"] == []
    assert calls == {"Query": 1}, calls
    assert outsider.status_code == 404 and outsider_calls == {"Query": 1, "GetItem": 1}


# --- one conversation per pair, order, unread counts ----------------------------------------

def test_starting_again_carries_on_in_the_same_conversation(client, act_as):
    act_as(ANNA)
    first = started(client, text="one")
    act_as(BEN)
    again = started(client, "U-anna", text="two")
    assert again["id"] == first["id"]
    texts = [m["text"] for m in read(client, first["id"]).json_body["messages"]]
    assert texts == ["two", "one"]


def test_two_concurrent_starts_make_one_conversation(client, act_as):
    from chalicelib.messages.models import ConversationStart
    from chalicelib.messages.service import start as start_conversation

    requests = [(ANNA, ConversationStart(with_user_id="U-ben", text=f"a{i}")) for i in range(4)]
    requests += [(BEN, ConversationStart(with_user_id="U-anna", text=f"b{i}")) for i in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda pair: start_conversation(*pair), requests))
    assert len({conversation.id for conversation in results}) == 1
    act_as(ANNA)
    assert len(client.get("/api/v1/conversations").json_body["conversations"]) == 1
    assert len(read(client, results[0].id).json_body["messages"]) == 8
    week = WeekStatsItem.get(*WeekStatsItem.key(N1, iso_week()))
    assert week.messages == 8


def test_unread_counts_add_on_send_and_reset_on_read(client, act_as):
    act_as(ANNA)
    with_ben = started(client, "U-ben", "hi Ben")
    send(client, with_ben["id"], "are you there?")
    act_as(CARL)
    started(client, "U-ben", "hi Ben, Carl here")
    act_as(BEN)
    assert unread(client) == 3
    listed = client.get("/api/v1/conversations").json_body["conversations"]
    assert [(c["with_user_id"], c["unread"]) for c in listed] == [("U-carl", 1), ("U-anna", 2)]
    page = read(client, with_ben["id"], limit=1).json_body
    assert [m["text"] for m in page["messages"]] == ["are you there?"] and page["cursor"]
    older = read(client, with_ben["id"], limit=1, cursor=page["cursor"]).json_body
    assert [m["text"] for m in older["messages"]] == ["hi Ben"]
    assert unread(client) == 3  # reading changes nothing: the web app says it read the conversation
    assert client.post(f"/api/v1/conversations/{with_ben['id']}/read", headers=JSON).json_body == {"was_unread": 2}
    assert unread(client) == 1
    assert send(client, with_ben["id"], "yes!").status_code == 201
    listed = client.get("/api/v1/conversations").json_body["conversations"]
    assert [c["with_user_id"] for c in listed] == ["U-anna", "U-carl"]
    act_as(ANNA)
    assert unread(client) == 1
    bad = read(client, with_ben["id"], cursor="nonsense")
    assert bad.status_code == 404 and "cursor" in error_of(bad)["fields"]


# --- blocks and reports ---------------------------------------------------------------------

def test_a_block_stops_messages_both_ways(client, act_as):
    act_as(ANNA)
    conversation = started(client)
    act_as(BEN)
    assert client.put("/api/v1/me/blocks/U-anna").json_body == {"user_id": "U-anna", "blocked": True}
    for who, other in ((ANNA, "U-ben"), (BEN, "U-anna")):
        act_as(who)
        refused = send(client, conversation["id"])
        assert refused.status_code == 403
        assert error_of(refused)["fields"] == {"conversation_id": "cannot message this neighbour"}
        refused = start(client, other)
        assert refused.status_code == 403
        assert error_of(refused)["fields"] == {"with_user_id": "cannot message this neighbour"}
    act_as(BEN)
    assert client.delete("/api/v1/me/blocks/U-anna").status_code == 204
    assert send(client, conversation["id"]).status_code == 201
    assert client.put("/api/v1/me/blocks/U-ben").status_code == 400


def test_my_list_says_whom_i_block_with_one_query(client, act_as):
    act_as(ANNA)
    started(client)
    act_as(BEN)
    client.put("/api/v1/me/blocks/U-anna")
    client.put("/api/v1/me/blocks/U-carl")  # no conversation with Carl: nothing else to mark

    with count_dynamodb_calls() as calls:
        listed = client.get("/api/v1/conversations").json_body["conversations"]

    assert calls == {"Query": 1}, calls
    assert [(c["with_user_id"], c["blocked"]) for c in listed] == [("U-anna", True)]
    act_as(ANNA)
    assert [c["blocked"] for c in client.get("/api/v1/conversations").json_body["conversations"]] == [False]
    act_as(BEN)
    client.delete("/api/v1/me/blocks/U-anna")
    assert [c["blocked"] for c in client.get("/api/v1/conversations").json_body["conversations"]] == [False]


def test_a_participant_reports_a_message_for_the_neighbourhood_moderators(client, act_as):
    act_as(ANNA)
    conversation = started(client, text="buy my stuff")
    message_id = read(client, conversation["id"]).json_body["messages"][0]["id"]
    url = f"/api/v1/messages/{message_id}/reports"
    assert client.post(url, headers=JSON, body=body({"reason": "spam"})).status_code == 409  # one's own
    act_as(CARL)  # not a participant: the message does not exist
    assert client.post(url, headers=JSON, body=body({"reason": "spam"})).status_code == 404
    act_as(BEN)
    response = client.post(url, headers=JSON, body=body({"reason": "spam", "text": "again"}))
    assert response.status_code == 201, response.body
    report = response.json_body
    assert (report["conversation_id"], report["message_id"], report["reason"]) == (conversation["id"], message_id,
                                                                                   "spam")
    assert client.post(url, headers=JSON, body=body({"reason": "spam"})).status_code == 409  # once
    # Into the neighbourhood's one queue, with the reported message (and only it) for the moderators.
    act_as(resident("U-amb", ambassador=True))
    [target] = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    assert (target["target_type"], target["target_id"], target["conversation_id"]) == ("message", message_id,
                                                                                       conversation["id"])
    assert target["reasons"] == {"spam": 1} and target["texts"] == ["again"]
    assert target["content"]["text"] == "buy my stuff" and target["content"]["author_id"] == "U-anna"


# --- your data ------------------------------------------------------------------------------

@pytest.mark.parametrize("choice", ["remove", "anonymise"])
def test_export_and_erasure_of_messages(client, act_as, choice):
    from chalicelib.messages.service import erase_messages, export_messages

    act_as(ANNA)
    conversation = started(client, text="from Anna")
    act_as(BEN)
    send(client, conversation["id"], "from Ben")
    exported = export_messages("U-anna")
    assert [c["id"] for c in exported["conversations"]] == [conversation["id"]]
    assert [m["text"] for m in exported["messages"]] == ["from Anna"]
    erase_messages("U-anna", choice)
    messages = read(client, conversation["id"]).json_body["messages"]
    assert messages[0]["text"] == "from Ben" and messages[0]["author_id"] == "U-ben"
    anna = messages[1]
    assert anna["author_id"] is None
    assert (anna["text"], anna["deleted"]) == ((None, True) if choice == "remove" else ("from Anna", False))
    assert export_messages("U-anna") == {"conversations": [], "messages": []}


def test_only_a_participant_marks_a_conversation_read(client, act_as):
    act_as(ANNA)
    with_ben = started(client, "U-ben", "hi Ben")
    act_as(CARL)

    refused = client.post(f"/api/v1/conversations/{with_ben['id']}/read", headers=JSON)
    unknown = client.post("/api/v1/conversations/nope/read", headers=JSON)

    assert refused.status_code == 404 and "conversation_id" in error_of(refused)["fields"]
    assert unknown.status_code in (400, 404)
    act_as(BEN)
    assert unread(client) == 1


def test_the_badges_count_unread_messages_and_loan_requests_waiting_for_me(client, act_as):
    act_as(ANNA)
    started(client, "U-ben", "hi Ben")
    act_as(BEN)
    item = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON,
                       body=body({"name": "Drill", "description": "Cordless", "category": "tools"})).json_body
    act_as(ANNA)
    start = (now() + timedelta(days=1)).date().isoformat()
    loan = client.post(f"/api/v1/items/{item['id']}/loans", headers=JSON, body=body({"start": start, "end": start})).json_body
    act_as(BEN)

    with count_dynamodb_calls() as calls:
        asked = client.get("/api/v1/me/badges").json_body

    assert asked == {"unread_messages": 1, "loans_waiting": 1}
    assert sum(calls.values()) == 1, calls  # the session's read comes on top in a real request
    assert len(client.get("/api/v1/conversations").json_body["conversations"]) == 1
    assert unread(client) == 1
    client.post(f"/api/v1/loans/{loan['id']}/decision", headers=JSON, body=body({"decision": "decline"}))
    assert client.get("/api/v1/me/badges").json_body == {"unread_messages": 1, "loans_waiting": 0}
