"""A lent item is content of the kernel: neighbours comment on it and report it, the report lands in the
neighbourhood's queue, a moderator hides it (then only its owner sees it) and shows it again; another
neighbourhood gets 404 throughout. Through the API on the real table (DynamoDB Local)."""

from pynamodb.exceptions import DoesNotExist

from chalicelib.comments.models import CommentItem
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.lending.items import head_threads
from chalicelib.moderation.models import ReportItem
from chalicelib.policy import Principal
from chalicelib.store.calls import count_dynamodb_calls
from tests.helpers import JSON, body, error_of
from tests.lending.test_lending import BORROWER, ELSEWHERE, N1, OWNER, lend

AMBASSADOR = Principal(user_id="U-AMB", lau2="0501", neighbourhood_id=N1, residence_status="verified",
                       ambassador_of=frozenset({N1}))


def comment(client, item_id, text, **fields):
    return client.post(f"/api/v1/items/{item_id}/comments", headers=JSON, body=body({"text": text, **fields}))


def report(client, item_id, reason="commercial"):
    return client.post(f"/api/v1/items/{item_id}/reports", headers=JSON, body=body({"reason": reason}))


def comments_this_week() -> int:
    try:
        return int(WeekStatsItem.get(*WeekStatsItem.key(N1, iso_week()), consistent_read=True).comments or 0)
    except DoesNotExist:
        return 0


def queue(client):
    return client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]


def test_neighbours_comment_on_an_item_and_reply_and_it_counts_in_the_week(client, act_as):
    item = lend(client, act_as)
    before = comments_this_week()
    act_as(BORROWER)
    first = comment(client, item["id"], "Does it take SDS bits?")
    assert first.status_code == 201, first.body
    first = first.json_body
    assert (first["about_kind"], first["about_id"], first["post_id"]) == ("item", item["id"], None)
    act_as(OWNER)
    reply = comment(client, item["id"], "Yes, SDS-plus", reply_to=first["id"])
    assert reply.status_code == 201
    page = client.get(f"/api/v1/items/{item['id']}/comments").json_body
    assert [(c["text"], c["reply_to"]) for c in page["comments"]] == [
        ("Does it take SDS bits?", None), ("Yes, SDS-plus", first["id"])]
    # Stored under the item's own partition, nothing under a post's
    stored = list(CommentItem.query(CommentItem.partition("item", item["id"]), consistent_read=True))
    assert {c.comment_id for c in stored} == {None, first["id"], reply.json_body["id"]}  # None: the thread's head
    assert comments_this_week() == before + 2
    # A comment on an item is deleted like any other
    act_as(BORROWER)
    assert client.delete(f"/api/v1/comments/{reply.json_body['id']}").status_code == 403  # not theirs
    act_as(OWNER)
    assert client.delete(f"/api/v1/comments/{reply.json_body['id']}").status_code == 204
    assert len(client.get(f"/api/v1/items/{item['id']}/comments").json_body["comments"]) == 1


def test_another_neighbourhood_gets_404_for_an_items_comments_and_reports(client, act_as):
    item = lend(client, act_as)
    act_as(BORROWER)
    written = comment(client, item["id"], "Free on Saturday?").json_body
    act_as(ELSEWHERE)
    assert comment(client, item["id"], "Me too").status_code == 404
    assert client.get(f"/api/v1/items/{item['id']}/comments").status_code == 404
    assert report(client, item["id"]).status_code == 404
    assert client.post(f"/api/v1/comments/{written['id']}/reports", headers=JSON,
                       body=body({"reason": "spam"})).status_code == 404
    assert client.delete(f"/api/v1/comments/{written['id']}").status_code == 404
    # And a reply must name a comment of the same item
    other = lend(client, act_as, name="Échelle", description="3 m", category="household")
    act_as(BORROWER)
    refused = comment(client, other["id"], "Wrong thread", reply_to=written["id"])
    assert refused.status_code == 404 and error_of(refused)["fields"] == {"reply_to": "not found"}


def test_an_item_report_lands_in_the_queue_and_a_moderator_hides_and_restores_it(client, act_as):
    item = lend(client, act_as, name="Rolex watch", description="Buy it cheap, call me")
    act_as(OWNER)
    assert report(client, item["id"]).status_code == 409  # one's own
    act_as(BORROWER)
    accepted = report(client, item["id"])
    assert accepted.status_code == 201
    assert accepted.json_body == {"target_type": "item", "target_id": item["id"], "reason": "commercial"}
    assert report(client, item["id"]).status_code == 409  # once
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").status_code == 404

    act_as(AMBASSADOR)
    [target] = queue(client)
    assert (target["target_type"], target["target_id"], target["item_id"], target["count"]) == (
        "item", item["id"], item["id"], 1)
    assert target["content"]["title"] == "Rolex watch" and target["content"]["author_id"] == OWNER.user_id
    decided = client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                          body=body({"action": "hide", "reason": "commercial"}))
    assert decided.status_code == 200, decided.body
    assert decided.json_body["content"]["hidden"] is True
    assert queue(client) == []  # closed

    # Hidden: gone for the neighbours, shown to its owner with the reason
    act_as(BORROWER)
    assert client.get(f"/api/v1/items/{item['id']}").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{N1}/items").json_body["items"] == []
    assert comment(client, item["id"], "Still there?").status_code == 404
    act_as(OWNER)
    mine = client.get(f"/api/v1/items/{item['id']}").json_body
    assert mine["hidden"] is True and mine["hidden_reason"] == "commercial" and mine["hidden_reason_text"]

    # The log names it; the moderator shows it again from the closed reports
    act_as(AMBASSADOR)
    entries = client.get(f"/api/v1/neighbourhoods/{N1}/moderation-log").json_body["entries"]
    assert [(e["action"], e["target_type"]) for e in entries[:2]] == [("hide", "item"), ("report", "item")]
    shown = client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                        body=body({"action": "restore"}))
    assert shown.status_code == 200 and shown.json_body["content"]["hidden"] is False
    act_as(BORROWER)
    assert client.get(f"/api/v1/items/{item['id']}").json_body["hidden"] is False


def test_an_items_comments_are_one_query_and_follow_its_hiding(client, act_as):
    # Given an item with a comment, and the thread's head written with the item
    item = lend(client, act_as, name="Drill")
    act_as(BORROWER)
    comment(client, item["id"], "Free on Saturday?")
    thread = f"/api/v1/items/{item['id']}/comments"

    # When a neighbour reads it, then after a moderator hid the item, then shown again
    with count_dynamodb_calls() as calls:
        read = client.get(thread)
    assert report(client, item["id"]).status_code == 201
    act_as(AMBASSADOR)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                       body=body({"action": "hide", "reason": "commercial"})).status_code == 200
    act_as(BORROWER)
    while_hidden = client.get(thread)
    act_as(OWNER)
    owner_while_hidden = client.get(thread)
    act_as(AMBASSADOR)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                       body=body({"action": "restore"})).status_code == 200
    act_as(BORROWER)
    shown_again = client.get(thread)
    act_as(ELSEWHERE)
    elsewhere = client.get(thread)

    # Then one Query each time, and the answers the item's page gives
    assert read.status_code == 200 and dict(calls) == {"Query": 1}
    assert while_hidden.status_code == 404 and owner_while_hidden.status_code == 200
    assert shown_again.status_code == 200 and len(shown_again.json_body["comments"]) == 1
    assert elsewhere.status_code == 404
    # And the upgrade step finds every item headed already
    assert head_threads() == 0


def test_a_comment_on_an_item_is_reported_and_hidden_in_place(client, act_as):
    item = lend(client, act_as)
    act_as(BORROWER)
    written = comment(client, item["id"], "Rude words").json_body
    act_as(OWNER)
    assert client.post(f"/api/v1/comments/{written['id']}/reports", headers=JSON,
                       body=body({"reason": "harassment"})).status_code == 201
    act_as(AMBASSADOR)
    [target] = queue(client)
    assert (target["target_type"], target["item_id"], target["post_id"]) == ("comment", item["id"], None)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/comment/{written['id']}", headers=JSON,
                       body=body({"action": "hide", "reason": "harassment"})).status_code == 200
    act_as(OWNER)
    [shown] = client.get(f"/api/v1/items/{item['id']}/comments").json_body["comments"]
    assert shown["hidden"] is True and shown["text"] is None


def test_removing_an_item_removes_its_comments_and_open_reports(client, act_as):
    item = lend(client, act_as)
    act_as(BORROWER)
    written = comment(client, item["id"], "Nice drill").json_body
    assert report(client, item["id"]).status_code == 201
    act_as(OWNER)
    assert client.post(f"/api/v1/comments/{written['id']}/reports", headers=JSON,
                       body=body({"reason": "spam"})).status_code == 201
    assert client.delete(f"/api/v1/items/{item['id']}").status_code == 204
    assert list(CommentItem.query(CommentItem.partition("item", item["id"]), consistent_read=True)) == []
    for kind, target in (("item", item["id"]), ("comment", written["id"])):
        assert list(ReportItem.query(ReportItem.key(kind, target, "")[0], consistent_read=True)) == []


def test_a_hidden_item_is_left_out_of_the_weekly_digest(client, act_as):
    from datetime import timedelta

    from chalicelib.adapters.clock import now
    from chalicelib.digest.content import _new_lendables

    item = lend(client, act_as, name="Rolex watch")
    around = (now() - timedelta(days=1), now() + timedelta(days=1))
    assert [found.id for found in _new_lendables(N1, *around)] == [item["id"]]
    act_as(BORROWER)
    assert report(client, item["id"]).status_code == 201
    act_as(AMBASSADOR)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                       body=body({"action": "hide", "reason": "commercial"})).status_code == 200
    assert _new_lendables(N1, *around) == []


def test_nobody_decides_on_their_own_item_nor_on_what_they_reported(client, act_as):
    owner_ambassador = Principal(user_id=OWNER.user_id, lau2="0501", neighbourhood_id=N1, residence_status="verified",
                                 address_id=OWNER.address_id, ambassador_of=frozenset({N1}))
    item = lend(client, act_as)
    act_as(BORROWER)
    assert report(client, item["id"]).status_code == 201
    act_as(owner_ambassador)  # the owner is also an ambassador here: another moderator decides
    own = client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                      body=body({"action": "dismiss"}))
    assert own.status_code == 403, own.body
    reporter = Principal(user_id=BORROWER.user_id, lau2="0501", neighbourhood_id=N1, residence_status="verified",
                         address_id=BORROWER.address_id, ambassador_of=frozenset({N1}))
    act_as(reporter)  # nor the one who reported it
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/item/{item['id']}", headers=JSON,
                       body=body({"action": "hide", "reason": "commercial"})).status_code == 403
    act_as(AMBASSADOR)
    assert [t["target_id"] for t in queue(client)] == [item["id"]]  # still waiting, untouched


def test_bad_input_on_an_items_comments_and_reports_names_the_field(client, act_as):
    item = lend(client, act_as)
    act_as(BORROWER)
    for answer, field in [(comment(client, item["id"], ""), "text"),
                          (comment(client, item["id"], "x" * 2001), "text"),
                          (comment(client, item["id"], "hi", reply_to="not-a-comment"), "reply_to"),
                          (report(client, item["id"], reason="boring"), "reason"),
                          (client.post("/api/v1/items/not-an-id/reports", headers=JSON,
                                       body=body({"reason": "spam"})), "item_id")]:
        assert answer.status_code == 400, answer.body
        assert any(name.endswith(field) for name in error_of(answer)["fields"]), (field, answer.body)
    assert client.get(f"/api/v1/items/{item['id']}/comments").json_body["comments"] == []  # nothing written
