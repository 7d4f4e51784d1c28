"""Comments (one level of replies) and thanks on posts, through the API on the real table (DynamoDB Local)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.comments.models import ThreadHeadItem
from chalicelib.posts.service import head_threads
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_posts import (
    AMBASSADOR, ANNA, BEN, DISCUSSION, LOST_CAT, N1, N2, TOWN, clervaux, feed, make_user, resident, written,
)
from tests.helpers import JSON, body, error_of

__all__ = ["clervaux"]  # the fixture, reused


def comment(client, post_id, text="Count me in", **extra):
    return client.post(f"/api/v1/posts/{post_id}/comments", headers=JSON, body=body({"text": text, **extra}))


def commented(client, post_id, text="Count me in", **extra):
    response = comment(client, post_id, text, **extra)
    assert response.status_code == 201, response.body
    return response.json_body


def thread(client, post_id, **query):
    url = f"/api/v1/posts/{post_id}/comments"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(url)


def the_post(client, post_id):
    return client.get(f"/api/v1/posts/{post_id}").json_body


# --- validation and replies -----------------------------------------------------------------

@pytest.mark.parametrize("payload, field", [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 2001}, "text"),
    ({"text": "hi", "reply_to": "nope"}, "reply_to"),
    ({"text": "hi", "mentions": "U-ben"}, "mentions"),
    ({"text": "hi", "colour": "red"}, "colour"),
])
def test_a_comment_validates_its_fields(client, act_as, payload, field):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    response = client.post(f"/api/v1/posts/{post['id']}/comments", headers=JSON, body=body(payload))
    assert response.status_code == 400 and field in error_of(response)["fields"], error_of(response)


def test_replies_take_one_level_and_sort_under_their_comment(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    first = commented(client, post["id"], "first")
    second = commented(client, post["id"], "second")
    act_as(BEN)
    reply = commented(client, post["id"], "reply to first", reply_to=first["id"])
    assert reply["reply_to"] == first["id"]
    nested = comment(client, post["id"], "reply to a reply", reply_to=reply["id"])
    assert nested.status_code == 400 and "reply_to" in error_of(nested)["fields"]
    missing = comment(client, post["id"], reply_to="01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert missing.status_code == 404 and error_of(missing)["fields"] == {"reply_to": "not found"}
    # a comment of another post is not one of this post
    other = written(client, DISCUSSION)
    elsewhere = comment(client, other["id"], reply_to=first["id"])
    assert elsewhere.status_code == 404 and "reply_to" in error_of(elsewhere)["fields"]
    texts = [c["text"] for c in thread(client, post["id"]).json_body["comments"]]
    assert texts == ["first", "reply to first", "second"]
    assert the_post(client, post["id"])["comment_count"] == 3
    assert second["reply_to"] is None


def test_mentions_must_be_verified_neighbours(client, act_as):
    make_user(BEN, "ben@example.lu", "7000-2")
    make_user(resident("U-far", nbh=N2), "far@example.lu", "7100-1")
    make_user(resident("U-pend", status="pending"), "pend@example.lu", "7000-3")
    act_as(ANNA)
    post = written(client, DISCUSSION)
    assert commented(client, post["id"], mentions=["U-ben"])["mentions"] == ["U-ben"]
    for stranger in ("U-far", "U-pend", "U-nobody"):
        refused = comment(client, post["id"], mentions=["U-ben", stranger])
        assert refused.status_code == 400 and "mentions" in error_of(refused)["fields"], stranger


# --- visibility -----------------------------------------------------------------------------

def test_another_neighbourhood_gets_404_everywhere(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    mine = commented(client, post["id"])
    act_as(resident("U-other", nbh=N2))
    assert comment(client, post["id"]).status_code == 404
    assert thread(client, post["id"]).status_code == 404
    assert client.put(f"/api/v1/posts/{post['id']}/thanks").status_code == 404
    assert client.delete(f"/api/v1/posts/{post['id']}/thanks").status_code == 404
    assert client.delete(f"/api/v1/comments/{mine['id']}").status_code == 404
    act_as(resident("U-pending", status="pending"))
    assert comment(client, post["id"]).status_code == 404


def test_a_nearby_resident_may_comment_on_a_lost_pet(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}}, nbh=clervaux["south"])
    act_as(resident("U-north", nbh=clervaux["north"]))
    assert commented(client, post["id"], "Seen it on Grand-Rue")["author_id"] == "U-north"
    assert client.put(f"/api/v1/posts/{post['id']}/thanks").json_body["thanks_count"] == 1
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert comment(client, post["id"]).status_code == 404


def test_the_first_page_is_one_query_and_a_thread_without_its_head_reads_the_post(client, act_as, clervaux):
    # Given a lost cat of the south neighbourhood that reaches the north one, with a comment
    act_as(resident("U-owner", nbh=clervaux["south"]))
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}}, nbh=clervaux["south"])
    commented(client, post["id"], "Still missing")

    # When a nearby resident reads the thread, then one from too far
    act_as(resident("U-north", nbh=clervaux["north"]))
    with count_dynamodb_calls() as calls:
        nearby = thread(client, post["id"])
    act_as(resident("U-village", nbh=clervaux["village"]))
    far = thread(client, post["id"])

    # Then the head in the thread's partition decided, in the same Query
    assert nearby.status_code == 200 and [c["text"] for c in nearby.json_body["comments"]] == ["Still missing"]
    assert dict(calls) == {"Query": 1}
    assert far.status_code == 404

    # And a thread written before heads existed reads the post, with the same answers
    ThreadHeadItem(*ThreadHeadItem.key("post", post["id"])).delete()
    assert thread(client, post["id"]).status_code == 404
    act_as(resident("U-north", nbh=clervaux["north"]))
    with count_dynamodb_calls() as calls:
        assert [c["text"] for c in thread(client, post["id"]).json_body["comments"]] == ["Still missing"]
    assert dict(calls) == {"GetItem": 1, "Query": 1}

    # And the upgrade step gives it its head again, once
    assert head_threads() >= 1 and head_threads() == 0
    assert ThreadHeadItem.get(*ThreadHeadItem.key("post", post["id"])).neighbourhood_ids[0] == clervaux["south"]


# --- thanks ---------------------------------------------------------------------------------

def test_thanks_are_idempotent_per_resident(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    url = f"/api/v1/posts/{post['id']}/thanks"
    act_as(BEN)
    assert client.put(url).json_body == {"post_id": post["id"], "thanks_count": 1, "thanked_by_me": True}
    assert client.put(url).json_body["thanks_count"] == 1
    shown = the_post(client, post["id"])
    assert (shown["thanks_count"], shown["thanked_by_me"]) == (1, True)
    assert client.delete(url).json_body["thanks_count"] == 0
    assert client.delete(url).json_body["thanks_count"] == 0
    assert the_post(client, post["id"])["thanked_by_me"] is False


def test_eight_residents_thanking_at_once_count_eight(client, act_as):
    from chalicelib.comments.service import thank

    act_as(ANNA)
    post = written(client, DISCUSSION)
    neighbours = [resident(f"U-n{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda who: thank(who, "post", post["id"]), neighbours + neighbours))
    assert the_post(client, post["id"])["thanks_count"] == 8


def test_concurrent_comments_all_count_and_edits_keep_the_counts(client, act_as):
    from chalicelib.comments.models import CommentRequest
    from chalicelib.comments.service import add_comment, thank

    act_as(ANNA)
    post = written(client, DISCUSSION)
    neighbours = [resident(f"U-n{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda who: add_comment(who, "post", post["id"], CommentRequest(text=who.user_id)), neighbours))
    thank(BEN, "post", post["id"])
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body({**DISCUSSION, "text": "June 21"}))
    assert edited.status_code == 200
    act_as(AMBASSADOR)
    assert client.put(f"/api/v1/posts/{post['id']}/pin").status_code == 200
    shown = the_post(client, post["id"])
    assert (shown["comment_count"], shown["thanks_count"], shown["content"]["text"]) == (8, 1, "June 21")
    assert shown["pinned"] is True
    first = feed(client).json_body["posts"][0]  # the feed entries carry the counts too, through pin and edit
    assert (first["id"], first["comment_count"], first["thanks_count"]) == (post["id"], 8, 1)


def test_a_comment_counts_in_the_weeks_indicators(client, act_as):
    from chalicelib.content.counters import WeekStatsItem, iso_week

    act_as(ANNA)
    post = written(client, DISCUSSION)
    commented(client, post["id"])
    commented(client, post["id"])
    assert int(WeekStatsItem.get(*WeekStatsItem.key(N1, iso_week())).comments) == 2


# --- pages ----------------------------------------------------------------------------------

def test_comments_page_oldest_first_one_query_a_page(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    tops = [commented(client, post["id"], f"c{i}")["id"] for i in range(3)]
    commented(client, post["id"], "r0", reply_to=tops[0])
    commented(client, post["id"], "r2", reply_to=tops[2])
    seen, cursor = [], None
    while True:
        with count_dynamodb_calls() as calls:
            response = thread(client, post["id"], limit=2, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200 and calls["Query"] == 1, dict(calls)
        seen += [c["text"] for c in response.json_body["comments"]]
        cursor = response.json_body["cursor"]
        if not cursor:
            break
    assert seen == ["c0", "r0", "c1", "c2", "r2"]
    bad = thread(client, post["id"], cursor="e30")  # well-formed ({}), but no page of this thread
    assert bad.status_code == 404 and "cursor" in error_of(bad)["fields"]


def test_a_later_page_is_one_query_while_its_cursor_vouches_for_its_reader_and_checks_again_after(
        client, act_as, monkeypatch):
    import base64
    import json
    from datetime import timedelta

    from chalicelib.adapters import clock
    from chalicelib.comments import service

    # Given a thread of three comments, and the first page of it Anna read
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for i in range(3):
        commented(client, post["id"], f"c{i}")
    cursor = thread(client, post["id"], limit=1).json_body["cursor"]

    # When she reads on, then again with the next cursor: one Query each, no read of the post nor its head
    for expected in ("c1", "c2"):
        with count_dynamodb_calls() as calls:
            page = thread(client, post["id"], limit=1, cursor=cursor)
        assert page.status_code == 200 and [c["text"] for c in page.json_body["comments"]] == [expected]
        assert dict(calls) == {"Query": 1}
        cursor = page.json_body["cursor"] or cursor

    # Then her cursor vouches for her only: another neighbourhood's reader is checked, and told it does not exist
    act_as(resident("U-other", nbh=N2))
    with count_dynamodb_calls() as calls:
        assert thread(client, post["id"], limit=1, cursor=cursor).status_code == 404
    assert dict(calls) == {"GetItem": 1}  # the thread's head
    # nor does it vouch for another thread, nor once changed
    act_as(ANNA)
    other = written(client, DISCUSSION)
    commented(client, other["id"], "o0")
    commented(client, other["id"], "o1")
    plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    theirs = json.loads(base64.urlsafe_b64decode((c := thread(client, other["id"], limit=1).json_body["cursor"])
                                                 + "=" * (-len(c) % 4)))
    swapped = {**theirs, "proof": plain["proof"], "until": plain["until"]}
    forged = {**plain, "until": str(int(plain["until"]) + 3600)}

    def encoded(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    for tampered, thread_id in ((swapped, other["id"]), (forged, post["id"])):
        with count_dynamodb_calls() as calls:
            assert thread(client, thread_id, limit=1, cursor=encoded(tampered)).status_code == 200
        assert dict(calls) == {"GetItem": 1, "Query": 1}  # checked again, and still hers to read
    assert thread(client, post["id"], cursor=encoded({**plain, "more": "x"})).status_code == 404

    # And a reader who lost access reads on only until the proof expires, then is checked again: 404
    act_as(resident("U-anna", nbh=N2))  # moved away
    assert thread(client, post["id"], limit=1, cursor=cursor).status_code == 200
    later = clock.now() + timedelta(seconds=service.VOUCHED_SECONDS + 1)
    monkeypatch.setattr(service, "now", lambda: later)
    assert thread(client, post["id"], limit=1, cursor=cursor).status_code == 404
    act_as(ANNA)  # back: checked again, then vouched for anew
    with count_dynamodb_calls() as calls:
        assert thread(client, post["id"], limit=1, cursor=cursor).status_code == 200
    assert dict(calls) == {"GetItem": 1, "Query": 1}


# --- deleting -------------------------------------------------------------------------------

def test_the_author_or_an_ambassador_deletes_and_a_comment_with_replies_stays_deleted(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    top = commented(client, post["id"], "top")
    act_as(BEN)
    reply = commented(client, post["id"], "reply", reply_to=top["id"])
    lonely = commented(client, post["id"], "lonely")
    act_as(ANNA)
    assert client.delete(f"/api/v1/comments/{reply['id']}").status_code == 403
    assert client.delete(f"/api/v1/comments/{top['id']}").status_code == 204
    listed = thread(client, post["id"]).json_body["comments"]
    assert [(c["text"], c["deleted"], c["author_id"]) for c in listed] == [
        (None, True, None), ("reply", False, "U-ben"), ("lonely", False, "U-ben")]
    assert client.delete(f"/api/v1/comments/{top['id']}").status_code == 404
    act_as(AMBASSADOR)
    assert client.delete(f"/api/v1/comments/{lonely['id']}").status_code == 204
    act_as(BEN)
    assert client.delete(f"/api/v1/comments/{reply['id']}").status_code == 204
    assert [c["deleted"] for c in thread(client, post["id"]).json_body["comments"]] == [True]
    assert the_post(client, post["id"])["comment_count"] == 0
    assert client.delete("/api/v1/comments/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404


# --- your data ------------------------------------------------------------------------------

def test_export_and_erasure_of_a_residents_comments(client, act_as):
    from chalicelib.comments.service import erase_comments, export_comments

    act_as(ANNA)
    post = written(client, DISCUSSION)
    top = commented(client, post["id"], "top")
    kept = commented(client, post["id"], "kept")
    act_as(BEN)
    commented(client, post["id"], "reply", reply_to=top["id"])
    assert {c["id"] for c in export_comments("U-anna")} == {top["id"], kept["id"]}
    erase_comments("U-anna", "remove")
    assert export_comments("U-anna") == []
    listed = thread(client, post["id"]).json_body["comments"]
    assert [(c["text"], c["deleted"]) for c in listed] == [(None, True), ("reply", False)]
    erase_comments("U-ben", "anonymise")
    assert thread(client, post["id"]).json_body["comments"][1]["author_id"] is None
    assert export_comments("U-ben") == []
