"""The appeals queue (`NBH#<id>#APPEALS`) and the paged moderation log, through the API on the real
table (DynamoDB Local): an appeal waits in the queue however busy the log is, until it is decided,
made moot by the post showing again, or the post is deleted."""

import json
from datetime import timedelta

import pytest

from chalicelib.adapters.clock import now
from chalicelib.moderation.models import AuditItem, PendingAppealItem
from chalicelib.posts.models import PostItem
from chalicelib.posts.service import erase_posts
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, N2, written
from tests.helpers import error_of
from tests.moderation.test_moderation import AMB1, AMB2, CARL, FAR_AMB, appeal, decide, log, moderate, report
from tests.moderation.test_reports_queue import MODERATOR, decide_report

def appeals(client, nbh=N1, **query):
    suffix = "&".join(f"{name}={value}" for name, value in query.items())
    return client.get(f"/api/v1/neighbourhoods/{nbh}/appeals" + (f"?{suffix}" if suffix else ""))


def queued(client, nbh=N1):
    response = appeals(client, nbh)
    assert response.status_code == 200, response.body
    return response.json_body["appeals"]


def appealed_post(client, act_as, text="It was a joke between neighbours", note="insults a neighbour"):
    """Anna's post, hidden by the first ambassador, appealed by Anna."""
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(AMB1)
    assert moderate(client, post["id"], "hide", "harassment", note=note).status_code == 200
    act_as(ANNA)
    assert appeal(client, post["id"], text).status_code == 200
    return post


def rows(nbh=N1):
    return list(PendingAppealItem.query(PendingAppealItem.partition(nbh), consistent_read=True))


def busy_log(nbh, count):
    """`count` later audit entries of other posts, as a busy neighbourhood writes them."""
    start = now() + timedelta(seconds=1)
    with AuditItem.batch_write() as batch:
        for n in range(count):
            at = start + timedelta(milliseconds=n)
            batch.save(AuditItem(AuditItem.partition(nbh), f"{at.isoformat()}#{n:026d}", action="report",
                                 actor_id="U-someone", target_type="post", target_id=f"{n:026d}", reason="spam", at=at))


# --- the queue ------------------------------------------------------------------------------

def test_an_appeal_waits_in_the_queue_with_what_the_card_shows_however_busy_the_log(client, act_as):
    # Given an appeal, then 250 other moderation actions in the neighbourhood
    post = appealed_post(client, act_as)
    busy_log(N1, 250)
    act_as(AMB2)
    # Then the log's first page no longer reaches it, but the queue still lists it
    assert "appeal" not in [e["action"] for e in log(client).json_body["entries"]]
    [waiting] = queued(client)
    assert waiting.pop("appealed_at")
    content = waiting.pop("content")
    assert waiting == {"post_id": post["id"], "author_id": "U-anna", "text": "It was a joke between neighbours",
                       "hidden_by": "U-amb1", "hidden_reason": "harassment", "hidden_note": "insults a neighbour"}
    assert content.pop("created_at")
    assert content == {"author_id": "U-anna", "kind": "discussion", "title": "Street party",
                       "text": "Who is in for June?", "hidden": True, "hidden_reason": "harassment", "gone": False}


def test_a_commune_moderator_living_elsewhere_sees_the_hidden_post_in_the_queue(client, act_as):
    # Given an appealed post of N1, and the commune's moderator, who lives in N2
    post = appealed_post(client, act_as)
    act_as(MODERATOR)
    # Then the post's page does not exist for them (and withholds a hidden post's content from all but its author)
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404
    # but the appeal in the queue carries what was hidden, so they decide having seen it
    [waiting] = queued(client)
    assert waiting["content"]["title"] == "Street party" and waiting["content"]["text"] == "Who is in for June?"
    assert waiting["content"]["hidden"] is True and waiting["content"]["gone"] is False
    assert decide(client, post["id"], "uphold", "it does insult a neighbour").status_code == 200
    assert queued(client) == []


def test_the_queue_is_one_query_and_rows_written_before_read_their_posts_in_one_batch(client, act_as):
    act_as(AMB2)
    with count_dynamodb_calls() as calls:
        assert queued(client) == []
    assert dict(calls) == {"Query": 1}  # nothing waiting: no posts to read
    ids = [appealed_post(client, act_as, f"appeal {n}")["id"] for n in range(4)]
    act_as(MODERATOR)
    with count_dynamodb_calls() as calls:
        listed = queued(client)
    assert dict(calls) == {"Query": 1}  # the rows carry what the cards show
    assert [(a["post_id"], a["content"]["text"]) for a in listed] == [(i, "Who is in for June?") for i in ids]
    # Rows written before they carried it read their posts, in one BatchGetItem however many, with the same answer
    for row in PendingAppealItem.query(PendingAppealItem.partition(N1)):
        row.update(actions=[PendingAppealItem.content.remove()])
    with count_dynamodb_calls() as calls:
        assert queued(client) == listed
    assert dict(calls) == {"Query": 1, "BatchGetItem": 1}


def test_an_edit_of_the_appealed_post_shows_in_the_queue(client, act_as):
    post = appealed_post(client, act_as)
    act_as(ANNA)
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers={"Content-Type": "application/json"},
                          body=json.dumps({**DISCUSSION, "text": "Who is in for July?"}))
    assert edited.status_code == 200, edited.body
    act_as(AMB2)
    [waiting] = queued(client)
    assert waiting["content"]["text"] == "Who is in for July?" and waiting["content"]["hidden"] is True


def test_a_post_deleted_between_the_query_and_the_batch_shows_as_gone(client, act_as):
    # Given an appeal's row whose post is gone (as when the post is deleted while the queue is read)
    post = appealed_post(client, act_as)
    other = appealed_post(client, act_as, "Mine too")
    for row in PendingAppealItem.query(PendingAppealItem.partition(N1)):  # rows written before they carried the post
        row.update(actions=[PendingAppealItem.content.remove()])
    PostItem(*PostItem.key(post["id"])).delete()
    act_as(AMB2)
    [gone, kept] = queued(client)
    assert gone["post_id"] == post["id"] and gone["text"] == "It was a joke between neighbours"
    assert gone["content"] == {"author_id": None, "kind": None, "title": None, "text": None, "hidden": False,
                               "hidden_reason": None, "created_at": None, "gone": True}
    assert kept["post_id"] == other["id"] and kept["content"]["gone"] is False


@pytest.mark.parametrize("decision, hidden", [("uphold", True), ("restore", False)])
def test_deciding_an_appeal_takes_it_off_the_queue(client, act_as, decision, hidden):
    post = appealed_post(client, act_as)
    other = appealed_post(client, act_as, "Mine too")
    act_as(AMB2)
    assert [a["post_id"] for a in queued(client)] == [post["id"], other["id"]]  # oldest first
    decided = decide(client, post["id"], decision, "looked again")
    assert decided.status_code == 200 and decided.json_body["hidden"] is hidden
    assert [a["post_id"] for a in queued(client)] == [other["id"]]
    assert [r.post_id for r in rows()] == [other["id"]]
    assert PostItem.get(*PostItem.key(post["id"])).appeal_state == ("upheld" if hidden else "restored")


def test_a_second_appeal_is_refused_and_the_queue_keeps_one(client, act_as):
    post = appealed_post(client, act_as)
    again = appeal(client, post["id"], "Please")
    assert again.status_code == 409 and error_of(again)["fields"] == {"post_id": "already appealed"}
    act_as(AMB2)
    assert [a["text"] for a in queued(client)] == ["It was a joke between neighbours"]


def test_an_automatic_hide_is_appealed_with_no_moderator_named(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for who in (BEN, CARL, AMB2):
        act_as(who)
        assert report(client, post["id"]).status_code == 201
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 200
    act_as(AMB1)
    [waiting] = queued(client)
    assert waiting["hidden_by"] is None and waiting["hidden_reason"] == "reported"


@pytest.mark.parametrize("by", ["author", "ambassador"])
def test_deleting_the_post_takes_its_appeal_off_the_queue(client, act_as, by):
    post = appealed_post(client, act_as)
    act_as(ANNA if by == "author" else AMB2)
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert rows() == []
    act_as(AMB2)
    assert queued(client) == []


@pytest.mark.parametrize("choice", ["remove", "anonymise"])
def test_erasing_the_authors_account_removes_the_appeal_or_keeps_it_anonymously(client, act_as, choice):
    post = appealed_post(client, act_as)
    erase_posts("U-anna", choice)
    act_as(AMB2)
    if choice == "remove":
        assert queued(client) == [] and rows() == []
    else:
        [waiting] = queued(client)
        assert waiting["post_id"] == post["id"] and waiting["author_id"] is None


def test_an_appeal_written_after_the_post_was_read_is_not_left_behind(client, act_as):
    from chalicelib.errors import Conflict
    from chalicelib.content.kinds import Change
    from chalicelib.posts.hiding import _hide_or_show
    from chalicelib.posts.service import _delete

    # Given a moderator's and a deleter's reads of a hidden post, then the author's appeal
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(AMB1)
    moderate(client, post["id"], "hide", "harassment")
    read_before = [PostItem.get(*PostItem.key(post["id"]), consistent_read=True) for _ in range(2)]
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 200
    # Then showing it from the stale read is refused (the appeal would stay pending on a shown post)
    with pytest.raises(Conflict):
        _hide_or_show(read_before[0], Change(hide=False, reason=None, note=None, by="U-amb1", action="restore"))
    assert len(rows()) == 1
    # and deleting it from the stale read reads again and takes the appeal too
    _delete(read_before[1])
    assert rows() == []
    assert PostItem.count(PostItem.key(post["id"])[0], consistent_read=True) == 0


def test_a_moderator_showing_the_post_again_closes_the_appeal_as_moot(client, act_as):
    # Given an appealed post (the moderator who hid it may not decide the appeal, but may show it again)
    post = appealed_post(client, act_as)
    act_as(AMB1)
    shown = moderate(client, post["id"], "restore", None, note="on reflection")
    assert shown.status_code == 200 and shown.json_body["hidden"] is False
    # Then the appeal is closed in the author's favour: off the queue, nothing left to decide, not twice
    assert queued(client) == [] and rows() == []
    act_as(AMB2)
    assert decide(client, post["id"], "uphold").status_code == 409
    act_as(AMB1)
    assert moderate(client, post["id"], "hide", "harassment").status_code == 200
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 409  # once per post
    act_as(AMB2)
    assert queued(client) == []


def test_showing_the_post_again_from_the_reports_queue_closes_the_appeal(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(BEN)
    assert report(client, post["id"], "harassment").status_code == 201
    act_as(AMB1)
    assert moderate(client, post["id"], "hide", "harassment").status_code == 200
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 200
    act_as(MODERATOR)  # the commune's moderator, living elsewhere, sees the queue too
    assert [a["post_id"] for a in queued(client)] == [post["id"]]
    assert decide_report(client, "post", post["id"], "restore").status_code == 200
    assert queued(client) == []
    assert PostItem.get(*PostItem.key(post["id"])).appeal_state == "restored"


def test_only_the_neighbourhoods_moderators_see_its_appeals(client, act_as):
    appealed_post(client, act_as)
    for who in (ANNA, BEN):  # residents, the author among them: the queue does not exist for them
        act_as(who)
        response = appeals(client)
        assert response.status_code == 404 and error_of(response)["fields"] == {"neighbourhood_id": "not found"}
    act_as(FAR_AMB)  # another neighbourhood's ambassador
    assert appeals(client).status_code == 404
    assert queued(client, N2) == []
    act_as(AMB2)
    assert len(queued(client)) == 1


def test_the_queue_pages_oldest_first_with_a_cursor_it_gave(client, act_as):
    ids = [appealed_post(client, act_as, f"appeal {n}")["id"] for n in range(3)]
    act_as(AMB2)
    with count_dynamodb_calls() as calls:
        first = appeals(client, limit=2).json_body
    assert dict(calls) == {"Query": 1}  # the page's appeals, with what their cards show
    second = appeals(client, limit=2, cursor=first["cursor"]).json_body
    assert [a["post_id"] for a in first["appeals"] + second["appeals"]] == ids
    assert second["cursor"] is None
    assert appeals(client, cursor="not a cursor!").status_code == 400  # not base64url: the model refuses it
    assert appeals(client, cursor="not-a-cursor").status_code == 404  # well-formed, names no page of this list
    log_cursor = client.get(f"/api/v1/neighbourhoods/{N1}/moderation-log?limit=1").json_body["cursor"]
    refused = appeals(client, cursor=log_cursor)  # a cursor of another list is not one of this
    assert refused.status_code == 404 and error_of(refused)["fields"] == {"cursor": "not one this list gave"}


# --- the log --------------------------------------------------------------------------------

def test_the_log_pages_newest_first_with_a_cursor_one_query_a_page(client, act_as):
    busy_log(N1, 7)
    act_as(AMB1)
    url = f"/api/v1/neighbourhoods/{N1}/moderation-log"
    with count_dynamodb_calls() as calls:
        first = client.get(f"{url}?limit=4").json_body
    assert dict(calls) == {"Query": 1}
    with count_dynamodb_calls() as calls:
        second = client.get(f"{url}?limit=4&cursor={first['cursor']}").json_body
    assert dict(calls) == {"Query": 1}
    assert len(first["entries"]) == 4 and len(second["entries"]) == 3 and second["cursor"] is None
    seen = [e["target_id"] for e in first["entries"] + second["entries"]]
    assert seen == [f"{n:026d}" for n in reversed(range(7))]  # newest first, no overlap, nothing missed
    act_as(FAR_AMB)  # N1's cursor is not one of N2's log: its partition is never read
    refused = client.get(f"/api/v1/neighbourhoods/{N2}/moderation-log?cursor={first['cursor']}")
    assert refused.status_code == 404 and error_of(refused)["fields"] == {"cursor": "not one this list gave"}
    act_as(AMB1)
    assert client.get(f"{url}?limit=0").status_code == 400
