"""Deleting a post takes what hangs on it; a recommendation's professional counts households right,
through the API on the real table (DynamoDB Local)."""

from chalicelib.comments.models import CommentItem, CommentRefItem, ThanksItem
from chalicelib.moderation.models import ReportItem
from chalicelib.posts.models import ProfessionalItem, RecommendingHouseholdItem
from tests.api.test_comments import commented
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, PLUMBER, make_user, resident, written
from tests.helpers import JSON, body

CARLA = resident("U-carla")


def _all(model, partition):
    return list(model.query(partition, consistent_read=True))


def test_deleting_a_post_deletes_its_comments_thanks_and_open_reports(client, act_as):
    # Given a post with a thread, thanks, and reports of the post and of a comment
    act_as(ANNA)
    post = written(client, DISCUSSION)
    top = commented(client, post["id"], "First")
    reply = commented(client, post["id"], "Reply", reply_to=top["id"])
    other = written(client, DISCUSSION)  # untouched
    other_comment = commented(client, other["id"], "Stays")
    act_as(BEN)
    client.put(f"/api/v1/posts/{post['id']}/thanks")
    client.put(f"/api/v1/posts/{other['id']}/thanks")
    assert client.post(f"/api/v1/posts/{post['id']}/reports", headers=JSON, body=body({"reason": "spam"})).status_code == 201
    assert client.post(f"/api/v1/comments/{reply['id']}/reports", headers=JSON,
                       body=body({"reason": "spam"})).status_code == 201
    assert client.post(f"/api/v1/posts/{other['id']}/reports", headers=JSON, body=body({"reason": "spam"})).status_code == 201
    assert len(_all(CommentItem, CommentItem.partition("post", post["id"]))) == 3  # two comments and the thread's head
    # When the author deletes it
    act_as(ANNA)
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    # Then nothing of it is left, and the other post keeps its own
    assert _all(CommentItem, CommentItem.partition("post", post["id"])) == []
    for comment in (top, reply):
        assert _all(CommentRefItem, CommentRefItem.key(comment["id"])[0]) == []
    assert _all(ThanksItem, ThanksItem.key(post["id"], "")[0]) == []
    assert _all(ReportItem, ReportItem.key("post", post["id"], "")[0]) == []
    assert _all(ReportItem, ReportItem.key("comment", reply["id"], "")[0]) == []
    assert [c.comment_id for c in _all(CommentItem, CommentItem.partition("post", other["id"]))] == [None, other_comment["id"]]  # its head first
    assert len(_all(ThanksItem, ThanksItem.key(other["id"], "")[0])) == 1
    assert len(_all(ReportItem, ReportItem.key("post", other["id"], "")[0])) == 1
    act_as(resident("U-amb", ambassador=True))
    queue = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    assert [t["target_id"] for t in queue] == [other["id"]]
    # and the deleted post takes no new comment
    act_as(BEN)
    assert client.post(f"/api/v1/posts/{post['id']}/comments", headers=JSON, body=body({"text": "late"})).status_code == 404


def test_a_thread_longer_than_one_batch_is_deleted_whole(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for number in range(30):  # more than one BatchWriteItem (25)
        commented(client, post["id"], f"comment {number}")
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert _all(CommentItem, CommentItem.partition("post", post["id"])) == []


def households(client, trade="plumber"):
    listed = client.get(f"/api/v1/neighbourhoods/{N1}/professionals?trade={trade}").json_body["professionals"]
    return [(p["name"], p["households"]) for p in listed]


def test_deleting_recommendations_counts_households_down_one_household_at_a_time(client, act_as):
    # Given Anna and Ben share a household, Carla lives elsewhere; the household recommends twice
    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(BEN, "ben@example.lu", "7000-1")
    make_user(CARLA, "carla@example.lu", "7000-9")
    act_as(ANNA)
    anna_post = written(client, PLUMBER)
    act_as(BEN)
    ben_post = written(client, PLUMBER)
    act_as(CARLA)
    carla_post = written(client, PLUMBER)
    assert households(client) == [("Jos Weber", 2)]
    # When one of the household's two recommendations goes, the household still recommends
    act_as(ANNA)
    assert client.delete(f"/api/v1/posts/{anna_post['id']}").status_code == 204
    assert client.delete(f"/api/v1/posts/{anna_post['id']}").status_code == 404  # once only
    act_as(CARLA)
    assert households(client) == [("Jos Weber", 2)]
    # When its last one goes, it counts one less; when Carla's goes, the professional leaves the directory
    act_as(BEN)
    assert client.delete(f"/api/v1/posts/{ben_post['id']}").status_code == 204
    assert households(client) == [("Jos Weber", 1)]
    act_as(CARLA)
    assert client.delete(f"/api/v1/posts/{carla_post['id']}").status_code == 204
    assert households(client) == []
    assert _all(RecommendingHouseholdItem, ProfessionalItem.partition(N1)) == []


def test_editing_the_professional_of_a_recommendation_moves_the_households_count(client, act_as):
    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(CARLA, "carla@example.lu", "7000-9")
    act_as(CARLA)
    written(client, PLUMBER)
    act_as(ANNA)
    post = written(client, PLUMBER)
    assert households(client) == [("Jos Weber", 2)]
    other = {**PLUMBER, "name": "Marie Hoffmann", "phone": "+352 691 000 111"}
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body(other))
    assert edited.status_code == 200, edited.body
    assert households(client) == [("Jos Weber", 1), ("Marie Hoffmann", 1)]
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert households(client) == [("Jos Weber", 1)]
