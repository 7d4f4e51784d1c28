"""Rewrites of a post and its feed entries against what happens meanwhile (DynamoDB Local, no mocks):
a comment or a thanks landing between the read and the write is kept and the rewrite goes through;
another rewrite (a pin, an edit, a state change) landing there wins, and the later one answers 409
without overwriting it."""

import pytest

from chalicelib.comments import service as comments
from chalicelib.comments.models import CommentRequest
from chalicelib.posts import service
from chalicelib.posts.models import FeedEntryItem, PostItem, StateChange
from tests.api.test_posts import AMBASSADOR, ANNA, BEN, DISCUSSION, GIVEAWAY, N1, feed, written
from tests.helpers import JSON, body


@pytest.fixture
def meanwhile(monkeypatch):
    """`meanwhile(step)`: run `step` right after the next request read its post, before it writes."""
    def arrange(step):
        read = service._readable

        def then_step(principal, post_id):
            post = read(principal, post_id)
            monkeypatch.setattr(service, "_readable", read)  # once
            step(post_id)
            return post

        monkeypatch.setattr(service, "_readable", then_step)
    return arrange


def entries(post_id, nbh=N1):
    return [entry for entry in FeedEntryItem.query(FeedEntryItem.feed(nbh), consistent_read=True)
            if entry.post["id"] == post_id]


def test_an_edit_keeps_a_comment_written_meanwhile(client, act_as, meanwhile):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    meanwhile(lambda post_id: comments.add_comment(BEN, "post", post_id, CommentRequest(text="Count me in")))
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body({**DISCUSSION, "text": "June 14th!"}))
    assert edited.status_code == 200, edited.body
    [shown] = [p for p in feed(client).json_body["posts"] if p["id"] == post["id"]]
    assert shown["content"]["text"] == "June 14th!" and shown["comment_count"] == 1
    assert int(PostItem.get(*PostItem.key(post["id"]), consistent_read=True).comment_count) == 1


def test_a_pin_meanwhile_wins_over_an_edit_which_answers_409(client, act_as, meanwhile):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    meanwhile(lambda post_id: service.pin_post(AMBASSADOR, post_id, True))
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body({**DISCUSSION, "text": "Changed"}))
    assert edited.status_code == 409 and edited.json_body["error"]["fields"] == {"post_id": "changed meanwhile"}, edited.body
    stored = PostItem.get(*PostItem.key(post["id"]), consistent_read=True)
    assert stored.pinned and stored.content["text"] == DISCUSSION["text"]
    assert [(e.sk.startswith("~PIN#"), e.post["pinned"]) for e in entries(post["id"])] == [(True, True)]
    # read again, the edit goes through and keeps the pin
    again = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body({**DISCUSSION, "text": "Changed"}))
    assert again.status_code == 200 and again.json_body["pinned"] is True


def test_two_state_changes_from_one_read_the_second_answers_409(client, act_as, meanwhile):
    act_as(ANNA)
    post = written(client, GIVEAWAY)
    meanwhile(lambda post_id: service.change_state(ANNA, post_id, StateChange(state="reserved")))
    second = client.post(f"/api/v1/posts/{post['id']}/state", headers=JSON, body=body({"state": "reserved"}))
    assert second.status_code == 409 and second.json_body["error"]["fields"] == {"state": "changed meanwhile"}
    stored = PostItem.get(*PostItem.key(post["id"]), consistent_read=True)
    assert stored.state == "reserved" and stored.revision == 1  # one change, counted once


def test_a_hide_meanwhile_is_never_undone_by_the_authors_edit(client, act_as, meanwhile):
    from chalicelib.moderation.models import ModerationRequest
    from chalicelib.posts.hiding import moderate_post

    act_as(ANNA)
    post = written(client, DISCUSSION)
    meanwhile(lambda post_id: moderate_post(AMBASSADOR, post_id, ModerationRequest(action="hide", reason="harassment")))
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body({**DISCUSSION, "text": "Changed"}))
    assert edited.status_code == 409, edited.body
    act_as(BEN)
    [shown] = [p for p in feed(client).json_body["posts"] if p["id"] == post["id"]]
    assert shown["hidden"] is True and shown["content"] == {"text": None}


def test_a_hide_keeps_a_comment_written_meanwhile(client, act_as, monkeypatch):
    from chalicelib.moderation.models import ModerationRequest
    from chalicelib.posts import hiding

    act_as(ANNA)
    post = written(client, DISCUSSION)
    moderated = hiding.moderated

    def then_a_comment(principal, post_id):
        read = moderated(principal, post_id)
        comments.add_comment(BEN, "post", post_id, CommentRequest(text="Seen it"))
        return read

    monkeypatch.setattr(hiding, "moderated", then_a_comment)
    hiding.moderate_post(AMBASSADOR, post["id"], ModerationRequest(action="hide", reason="harassment"))
    [entry] = entries(post["id"])
    assert entry.post["hidden"] is True and int(entry.comment_count) == 1


def test_a_delete_after_a_pin_meanwhile_leaves_no_feed_entry_behind(client, act_as, meanwhile):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    meanwhile(lambda post_id: service.pin_post(AMBASSADOR, post_id, True))  # the pinned copy has another key
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert entries(post["id"]) == []
