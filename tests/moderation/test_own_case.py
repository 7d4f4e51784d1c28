"""Separation of duties in moderation (policy.not_own_case): a moderator never decides on their own post,
comment or message, on a report they filed, nor on the appeal of their own post; another moderator does."""

from tests.api.test_posts import DISCUSSION, written
from tests.helpers import JSON, body, error_of
from tests.moderation.test_moderation import AMB1, AMB2, ANNA, BEN, N1, appeal, decide, moderate, report

OWN = {"target_id": "your own case"}


def decide_report(client, post_id, action="hide", reason="spam"):
    return client.post(f"/api/v1/neighbourhoods/{N1}/reports/post/{post_id}", headers=JSON,
                       body=body({"action": action, "reason": reason}))


def test_a_moderator_does_not_hide_or_decide_reports_on_their_own_post(client, act_as):
    act_as(AMB1)
    mine = written(client, DISCUSSION)
    act_as(BEN)
    assert report(client, mine["id"]).status_code == 201

    act_as(AMB1)
    hidden = moderate(client, mine["id"], "hide", "spam")
    decided = decide_report(client, mine["id"], "dismiss")

    assert hidden.status_code == 403 and error_of(hidden)["fields"] == OWN
    assert decided.status_code == 403 and error_of(decided)["fields"] == OWN
    assert "Another moderator" in error_of(decided)["message"]
    act_as(AMB2)
    assert decide_report(client, mine["id"], "dismiss").status_code == 200


def test_a_moderator_does_not_decide_on_a_report_they_filed(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(AMB1)
    assert report(client, post["id"]).status_code == 201

    refused = decide_report(client, post["id"])
    hiding = moderate(client, post["id"], "hide", "spam")  # the same decision by the other door

    assert refused.status_code == 403 and error_of(refused)["fields"] == OWN
    assert hiding.status_code == 403
    act_as(AMB2)
    assert decide_report(client, post["id"]).status_code == 200


def test_a_moderator_does_not_decide_the_appeal_of_their_own_post(client, act_as):
    act_as(AMB1)
    mine = written(client, DISCUSSION)
    act_as(AMB2)
    assert moderate(client, mine["id"], "hide", "harassment").status_code == 200
    act_as(AMB1)
    assert appeal(client, mine["id"]).status_code == 200

    refused = decide(client, mine["id"], "restore")

    assert refused.status_code == 403 and error_of(refused)["fields"] == {"post_id": "your own case"}
    act_as(AMB2)  # who hid it: not them either
    assert decide(client, mine["id"], "restore").status_code == 403
