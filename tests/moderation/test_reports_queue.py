"""The neighbourhood's one reports queue (posts, comments, messages) and the commune-appointed
moderators, through the API on the real table (DynamoDB Local)."""

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.policy import Principal
from tests.api.test_comments import commented
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, N2, make_user, resident, written
from tests.helpers import JSON, STAFF, body, error_of
from tests.moderation.test_moderation import AMB1, CARL, DORA, appeal, decide, log, moderate, report

# Appointed by commune 0501, living in N2: moderates N1's reports without reading N1.
MODERATOR = Principal(user_id="U-mod", lau2="0501", neighbourhood_id=N2, residence_status="verified",
                      moderator_of=frozenset({"0501"}))
ELSEWHERE = "0999-n1"  # a neighbourhood of another commune


def queue(client, nbh=N1, status="open"):
    response = client.get(f"/api/v1/neighbourhoods/{nbh}/reports?status={status}")
    assert response.status_code == 200, response.body
    return {(t["target_type"], t["target_id"]): t for t in response.json_body["targets"]}


def decide_report(client, target_type, target_id, action, reason=None, note=None, nbh=N1):
    payload = {"action": action, **({"reason": reason} if reason else {}), **({"note": note} if note else {})}
    return client.post(f"/api/v1/neighbourhoods/{nbh}/reports/{target_type}/{target_id}", headers=JSON,
                       body=body(payload))


def reported_message(client, act_as):
    """Anna writes to Ben, Ben reports it."""
    for number, who in enumerate((ANNA, BEN), start=1):
        make_user(who, f"{who.user_id}@example.lu", f"7100-{number}")
    act_as(ANNA)
    conversation = client.post("/api/v1/conversations", headers=JSON,
                               body=body({"with_user_id": "U-ben", "text": "pay me or else"})).json_body
    message = client.get(f"/api/v1/conversations/{conversation['id']}/messages").json_body["messages"][0]
    act_as(BEN)
    assert client.post(f"/api/v1/messages/{message['id']}/reports", headers=JSON,
                       body=body({"reason": "harassment"})).status_code == 201
    return conversation, message


def test_posts_comments_and_messages_land_in_one_queue_with_their_content(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    comment = commented(client, post["id"], "Rude words")
    act_as(BEN)
    assert report(client, post["id"], "commercial").status_code == 201
    assert client.post(f"/api/v1/comments/{comment['id']}/reports", headers=JSON,
                       body=body({"reason": "harassment", "text": "mean"})).status_code == 201
    conversation, message = reported_message(client, act_as)
    act_as(AMB1)
    listed = queue(client)
    assert set(listed) == {("post", post["id"]), ("comment", comment["id"]), ("message", message["id"])}
    assert listed[("post", post["id"])]["content"]["text"] == DISCUSSION["text"]
    assert listed[("post", post["id"])]["content"]["title"] == DISCUSSION["title"]
    assert listed[("comment", comment["id"])]["content"]["text"] == "Rude words"
    assert listed[("message", message["id"])]["content"]["text"] == "pay me or else"
    assert listed[("message", message["id"])]["conversation_id"] == conversation["id"]
    # the queue is for moderators: residents, even the reporter, are told it does not exist
    for who in (ANNA, BEN):
        act_as(who)
        assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").status_code == 404


def test_a_moderator_hides_restores_and_dismisses_from_the_queue_and_the_log_says_so(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    comment = commented(client, post["id"], "Rude words")
    act_as(BEN)
    client.post(f"/api/v1/comments/{comment['id']}/reports", headers=JSON, body=body({"reason": "harassment"}))
    conversation, message = reported_message(client, act_as)
    act_as(AMB1)
    refused = decide_report(client, "comment", comment["id"], "hide")
    assert refused.status_code == 400 and "body" in str(error_of(refused)["fields"])  # a reason is required
    hidden = decide_report(client, "comment", comment["id"], "hide", "harassment", note="be kind")
    assert hidden.status_code == 200, hidden.body
    assert hidden.json_body["content"]["hidden"] is True and hidden.json_body["content"]["hidden_reason"] == "harassment"
    assert decide_report(client, "comment", comment["id"], "hide", "harassment").status_code == 409
    # Readers see the comment in place without its text, and why, in their language; its author sees it.
    act_as(BEN)
    seen = client.get(f"/api/v1/posts/{post['id']}/comments", headers={"Accept-Language": "en"}).json_body["comments"][0]
    assert seen["hidden"] is True and seen["text"] is None
    assert seen["hidden_reason_text"] == "Hidden by a moderator: harassment — be kind"
    act_as(ANNA)
    assert client.get(f"/api/v1/posts/{post['id']}/comments").json_body["comments"][0]["text"] == "Rude words"
    # The message: hidden from the other participant, still its author's.
    act_as(AMB1)
    assert decide_report(client, "message", message["id"], "hide", "harassment").status_code == 200
    act_as(BEN)
    shown = client.get(f"/api/v1/conversations/{conversation['id']}/messages").json_body["messages"][0]
    assert shown["hidden"] is True and shown["text"] is None and shown["hidden_reason"] == "harassment"
    act_as(ANNA)
    assert client.get(f"/api/v1/conversations/{conversation['id']}/messages").json_body["messages"][0]["text"]
    # Restore the message, dismiss (nothing to do) the comment's reports: the queue is empty, the log complete.
    act_as(AMB1)
    assert decide_report(client, "message", message["id"], "restore").status_code == 200
    assert decide_report(client, "comment", comment["id"], "dismiss", note="seen").status_code == 200
    assert queue(client) == {}
    assert set(queue(client, status="closed")) == {("comment", comment["id"]), ("message", message["id"])}
    entries = [(e["action"], e["target_type"], e["by"]) for e in log(client).json_body["entries"]
               if e["action"] != "report"]
    assert entries == [("dismiss", "comment", "U-amb1"), ("restore", "message", "U-amb1"),
                       ("hide", "message", "U-amb1"), ("hide", "comment", "U-amb1")]
    # Something nobody reported here is not in the queue.
    assert decide_report(client, "post", post["id"], "hide", "spam").status_code == 404


def test_dismissing_the_reports_of_an_automatically_hidden_post_shows_it_again(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for who in (BEN, CARL, DORA):
        act_as(who)
        assert report(client, post["id"]).status_code == 201
    act_as(BEN)
    hidden = client.get(f"/api/v1/posts/{post['id']}", headers={"Accept-Language": "pt"}).json_body
    assert hidden["hidden"] is True and hidden["hidden_reason"] == "reported"
    assert hidden["hidden_reason_text"] == "Ocultado após várias denúncias, até um moderador o rever"
    act_as(AMB1)
    decided = decide_report(client, "post", post["id"], "dismiss")
    assert decided.status_code == 200 and decided.json_body["content"]["hidden"] is False
    act_as(BEN)
    assert client.get(f"/api/v1/posts/{post['id']}").json_body["hidden"] is False


# --- commune-appointed moderators -----------------------------------------------------------

def test_a_commune_moderator_sees_and_decides_reports_of_another_neighbourhood_but_not_its_content(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(BEN)
    report(client, post["id"], "spam")
    act_as(MODERATOR)
    # the reports queue, the reported content and the log of N1: yes
    assert ("post", post["id"]) in queue(client)
    assert log(client).status_code == 200
    # its feed, its members, the post page: no (404, as for anyone who does not live there)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/posts").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{N1}/members").status_code == 404
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404
    # hiding, from the queue or on the post
    assert moderate(client, post["id"], "hide", "spam").status_code == 200
    assert queue(client) == {}
    # nothing of another commune
    assert client.get(f"/api/v1/neighbourhoods/{ELSEWHERE}/reports").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{ELSEWHERE}/moderation-log").status_code == 404
    assert decide_report(client, "post", post["id"], "dismiss", nbh=ELSEWHERE).status_code == 404
    # a moderator appointment does not follow a resident who is not (or no longer) verified
    act_as(Principal(user_id="U-mod", lau2="0501", neighbourhood_id=N2, residence_status="pending",
                     moderator_of=frozenset({"0501"})))
    assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").status_code == 404


def test_an_appeal_is_decided_by_a_second_moderator_who_may_be_the_communes(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(MODERATOR)
    assert moderate(client, post["id"], "hide", "off_topic").status_code == 200
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 200
    act_as(MODERATOR)  # the one who hid it
    assert decide(client, post["id"], "restore").status_code == 403
    act_as(AMB1)
    assert decide(client, post["id"], "restore", "fine").status_code == 200
    actions = [(e["action"], e["by"]) for e in log(client).json_body["entries"]]
    assert actions == [("appeal_restore", "U-amb1"), ("appeal", "U-anna"), ("hide", "U-mod")]


def test_commune_admins_appoint_verified_residents_as_moderators(client, act_as):
    mod, new, staff_id = "01MODERATOR0000000000000AA", "01NEWRESIDENT000000000000A", "01STAFFACCOUNT00000000000A"
    make_user(resident(mod, nbh=N2), "mod@example.lu", "7200-1")
    make_user(resident(new, status="pending"), "new@example.lu", "7200-2")
    UserItem(*UserItem.key(staff_id), user_id=staff_id, email="clerk@example.lu", created_at=UserItem.get(
        *UserItem.key(mod)).created_at, staff={"0501:admin"}).save()
    act_as(STAFF)
    url = "/api/v1/communes/0501/moderators/{}"
    appointed = client.put(url.format(mod))
    assert appointed.status_code == 200, appointed.body
    assert appointed.json_body == {"user_id": mod, "lau2": "0501", "neighbourhood_id": N2, "appointed": True}
    assert principal_of(UserItem.get(*UserItem.key(mod))).moderator_of == frozenset({"0501"})
    assert client.put(url.format(new)).status_code == 409  # not verified
    assert client.put(f"/api/v1/communes/0512/moderators/{mod}").status_code == 404  # not a resident there
    assert client.put(url.format(staff_id)).status_code == 404  # staff accounts are publishers, not residents
    act_as(resident("U-resident"))  # a resident is not staff
    assert client.put(url.format(mod)).status_code == 403
    act_as(STAFF)
    dismissed = client.delete(url.format(mod))
    assert dismissed.status_code == 200 and dismissed.json_body["appointed"] is False
    assert not UserItem.get(*UserItem.key(mod)).moderator_of
