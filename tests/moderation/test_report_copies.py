"""The reports queue is one Query (#16): each report carries what the queue shows of its target, copied as
reported; a deletion, an anonymisation or an automatic hide rewrites the open reports' copies; an edit after the
report leaves them as reported, and a decision reads the live piece and closes the reports with it as decided.
Reports written before they carried a copy read their targets until `./noper snapshot-reports` fills them.
Through the API on DynamoDB Local."""

from chalicelib.comments.service import erase_comments
from chalicelib.messages.service import erase_messages
from chalicelib.moderation.models import ReportItem
from chalicelib.moderation.service import copy_into_reports
from chalicelib.posts.service import erase_posts
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_comments import commented
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, written
from tests.helpers import JSON, body
from tests.moderation.test_moderation import AMB1, CARL, DORA, report
from tests.moderation.test_reports_queue import decide_report, queue, reported_message


def reported_world(client, act_as):
    """Anna's post and her comment on it, both reported by Ben; Anna's message to Ben, reported by him."""
    act_as(ANNA)
    post = written(client, DISCUSSION)
    comment = commented(client, post["id"], "Rude words")
    act_as(BEN)
    assert report(client, post["id"], "commercial").status_code == 201
    assert client.post(f"/api/v1/comments/{comment['id']}/reports", headers=JSON,
                       body=body({"reason": "harassment"})).status_code == 201
    _, message = reported_message(client, act_as)
    return post, comment, message


def test_the_queue_is_one_query_showing_each_target_as_reported(client, act_as):
    # Given a reported post, comment and message
    post, comment, message = reported_world(client, act_as)

    # When their moderator reads the queue
    act_as(AMB1)
    with count_dynamodb_calls() as calls:
        listed = queue(client)

    # Then one Query, each target shown with its content as reported
    assert dict(calls) == {"Query": 1}
    assert listed[("post", post["id"])]["content"]["text"] == DISCUSSION["text"]
    assert listed[("post", post["id"])]["content"]["author_id"] == ANNA.user_id
    assert listed[("comment", comment["id"])]["content"]["text"] == "Rude words"
    assert listed[("message", message["id"])]["content"]["text"] == "pay me or else"


def test_an_edit_after_the_report_shows_as_reported_and_the_decision_acts_on_the_live_post(client, act_as):
    # Given a reported post, then edited by its author
    post, _, _ = reported_world(client, act_as)
    act_as(ANNA)
    assert client.patch(f"/api/v1/posts/{post['id']}", headers=JSON,
                        body=body({**DISCUSSION, "text": "All nice now"})).status_code == 200

    # Then the queue shows what was reported; the decision answers with the post as it is, and the closed
    # reports keep it as decided
    act_as(AMB1)
    assert queue(client)[("post", post["id"])]["content"]["text"] == DISCUSSION["text"]
    decided = decide_report(client, "post", post["id"], "hide", "spam")
    assert decided.status_code == 200, decided.body
    assert decided.json_body["content"]["text"] == "All nice now" and decided.json_body["content"]["hidden"] is True
    assert ("post", post["id"]) not in queue(client)
    with count_dynamodb_calls() as calls:
        closed = queue(client, status="closed")[("post", post["id"])]["content"]
    assert dict(calls) == {"Query": 1}
    assert (closed["text"], closed["hidden"], closed["hidden_reason"]) == ("All nice now", True, "spam")


def test_a_deleted_comment_shows_as_gone_and_an_automatic_hide_as_hidden(client, act_as):
    # Given a reported post and a reported comment
    post, comment, _ = reported_world(client, act_as)

    # When its author deletes the comment, and two more neighbours report the post (the third report hides it)
    act_as(ANNA)
    assert client.delete(f"/api/v1/comments/{comment['id']}").status_code == 204
    for who in (CARL, DORA):
        act_as(who)
        assert report(client, post["id"]).status_code == 201

    # Then the queue shows the comment gone and the post hidden, still in one Query
    act_as(AMB1)
    with count_dynamodb_calls() as calls:
        listed = queue(client)
    assert dict(calls) == {"Query": 1}
    assert listed[("comment", comment["id"])]["content"]["gone"] is True
    assert listed[("comment", comment["id"])]["content"]["text"] is None
    shown = listed[("post", post["id"])]["content"]
    assert shown["hidden"] is True and shown["hidden_reason"] == "reported" and listed[("post", post["id"])]["count"] == 3


def test_reports_written_before_read_their_targets_until_the_upgrade_step_copies_them_once(client, act_as):
    # Given reports without their copy (written before reports carried one)
    post, comment, message = reported_world(client, act_as)
    act_as(AMB1)
    before = queue(client)
    for stored in ReportItem.scan(ReportItem.pk.startswith("REPORTS#")):
        stored.update(actions=[ReportItem.content.remove()])

    # Then the queue reads their targets, with the same answer
    with count_dynamodb_calls() as calls:
        assert queue(client) == before
    assert calls["Query"] == 1 and sum(calls.values()) > 1

    # And the upgrade step copies them, once; then the queue is one Query again, with the same answer
    assert copy_into_reports() == 3 and copy_into_reports() == 0
    with count_dynamodb_calls() as calls:
        assert queue(client) == before
    assert dict(calls) == {"Query": 1}


def test_erasing_the_authors_account_shows_in_the_copies_of_open_reports(client, act_as):
    # Given Anna's reported post, comment and message
    post, comment, message = reported_world(client, act_as)

    # When her account is erased: posts and comments kept anonymously, messages removed
    erase_posts(ANNA.user_id, "anonymise")
    erase_comments(ANNA.user_id, "anonymise")
    erase_messages(ANNA.user_id, "remove")

    # Then the queue no longer names her, and shows the message gone
    act_as(AMB1)
    listed = queue(client)
    assert listed[("post", post["id"])]["content"]["author_id"] is None
    assert listed[("post", post["id"])]["content"]["text"] == DISCUSSION["text"]
    assert listed[("comment", comment["id"])]["content"]["author_id"] is None
    assert listed[("message", message["id"])]["content"]["gone"] is True
