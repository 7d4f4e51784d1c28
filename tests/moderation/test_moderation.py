"""Moderation, open to scrutiny: reports, hiding, appeals, the audit log and the tone reminder,
through the API on the real table (DynamoDB Local)."""

import pytest

from chalicelib.moderation.tone import looks_aggressive
from chalicelib.content.counters import WeekStatsItem, iso_week
from tests.api.test_comments import commented
from tests.api.test_posts import ANNA, BEN, DISCUSSION, N1, N2, feed, resident, written
from tests.helpers import JSON, body, error_of

CARL, DORA, EVA = resident("U-carl"), resident("U-dora"), resident("U-eva")
AMB1 = resident("U-amb1", ambassador=True)
AMB2 = resident("U-amb2", ambassador=True)
FAR = resident("U-far", nbh=N2)
FAR_AMB = resident("U-faramb", nbh=N2, ambassador=True)


def report(client, post_id, reason="spam", **extra):
    return client.post(f"/api/v1/posts/{post_id}/reports", headers=JSON, body=body({"reason": reason, **extra}))


def moderate(client, post_id, action, reason="off_topic", note=None, language=None):
    payload = {"action": action, **({"reason": reason} if reason else {}), **({"note": note} if note else {})}
    headers = {**JSON, **({"Accept-Language": language} if language else {})}
    return client.post(f"/api/v1/posts/{post_id}/moderation", headers=headers, body=body(payload))


def appeal(client, post_id, text="It was a joke between neighbours"):
    return client.post(f"/api/v1/posts/{post_id}/appeal", headers=JSON, body=body({"text": text}))


def decide(client, post_id, decision, reason="looked again"):
    return client.post(f"/api/v1/posts/{post_id}/appeal/decision", headers=JSON,
                       body=body({"decision": decision, "reason": reason}))


def log(client, nbh=N1):
    return client.get(f"/api/v1/neighbourhoods/{nbh}/moderation-log")


def the_post(client, post_id):
    return client.get(f"/api/v1/posts/{post_id}").json_body


def in_feed(client, post_id):
    return next(p for p in feed(client).json_body["posts"] if p["id"] == post_id)


# --- reports --------------------------------------------------------------------------------

def test_a_report_is_once_per_reporter_never_ones_own_and_lists_for_ambassadors(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    assert report(client, post["id"]).status_code == 409  # one's own
    act_as(BEN)
    first = report(client, post["id"], "commercial", text="Sells things")
    assert first.status_code == 201, first.body
    again = report(client, post["id"], "spam")
    assert again.status_code == 409 and error_of(again)["fields"] == {"post_id": "already reported"}
    act_as(CARL)
    assert report(client, post["id"], "spam").status_code == 201
    assert report(client, post["id"], "nonsense").status_code == 400
    # residents (and the author) do not see the reports: 404, like other neighbourhood content
    for who in (ANNA, CARL):
        act_as(who)
        assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").status_code == 404
    act_as(AMB1)
    listed = client.get(f"/api/v1/neighbourhoods/{N1}/reports?status=open")
    assert listed.status_code == 200, listed.body
    [target] = listed.json_body["targets"]
    assert target["target_id"] == post["id"] and target["count"] == 2
    assert target["reasons"] == {"commercial": 1, "spam": 1} and target["texts"] == ["Sells things"]
    assert "U-ben" not in listed.body.decode() and "U-carl" not in listed.body.decode()
    week = WeekStatsItem.get(*WeekStatsItem.key(N1, iso_week()))
    assert int(week.reports) == 2


def test_a_comment_can_be_reported_by_whoever_reads_it(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    comment = commented(client, post["id"], "Nobody cares")
    url = f"/api/v1/comments/{comment['id']}/reports"
    assert client.post(url, headers=JSON, body=body({"reason": "harassment"})).status_code == 409  # own
    act_as(FAR)  # another neighbourhood: the comment does not exist
    assert client.post(url, headers=JSON, body=body({"reason": "harassment"})).status_code == 404
    act_as(BEN)
    assert client.post(url, headers=JSON, body=body({"reason": "harassment"})).status_code == 201
    assert client.post(url, headers=JSON, body=body({"reason": "harassment"})).status_code == 409
    act_as(AMB1)
    [target] = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    content = target.pop("content")
    assert target == {"target_type": "comment", "target_id": comment["id"], "post_id": post["id"], "count": 1,
                      "reasons": {"harassment": 1}, "texts": [], "conversation_id": None, "item_id": None,
                      "event_id": None, "call_id": None, "budget_proposal_id": None}
    assert content["text"] == "Nobody cares" and content["author_id"] == "U-anna"  # what the moderator decides on


def test_another_neighbourhood_gets_404_for_reports_posts_and_the_log(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for who in (FAR, FAR_AMB):
        act_as(who)
        assert report(client, post["id"]).status_code == 404
        assert moderate(client, post["id"], "hide").status_code == 404
        assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").status_code == 404
        assert log(client).status_code == 404


# --- hiding ---------------------------------------------------------------------------------

def test_three_distinct_reports_hide_a_post_until_reviewed(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    for who in (BEN, CARL):
        act_as(who)
        assert report(client, post["id"]).status_code == 201
    assert the_post(client, post["id"])["hidden"] is False
    act_as(DORA)
    assert report(client, post["id"], "harassment").status_code == 201
    seen = the_post(client, post["id"])
    assert seen["hidden"] is True and seen["content"] == {"text": None} and seen["hidden_reason"]
    assert in_feed(client, post["id"])["content"] == {"text": None}
    act_as(ANNA)  # the author still sees their text, with the mark
    mine = the_post(client, post["id"])
    assert mine["hidden"] is True and mine["content"]["text"] == DISCUSSION["text"]
    assert in_feed(client, post["id"])["content"]["text"] == DISCUSSION["text"]
    act_as(AMB1)
    entries = log(client).json_body["entries"]
    assert [e["action"] for e in entries].count("report") == 3
    assert entries[0]["action"] == "auto_hide" and entries[0]["by"] is None
    assert all(e["by"] is None for e in entries if e["action"] == "report")  # reporters never named
    # reviewed: restored, the reports closed, and the count starts again
    restored = moderate(client, post["id"], "restore", None, note="nothing wrong")
    assert restored.status_code == 200 and restored.json_body["hidden"] is False
    assert client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"] == []
    assert len(client.get(f"/api/v1/neighbourhoods/{N1}/reports?status=closed").json_body["targets"]) == 1
    act_as(EVA)
    assert report(client, post["id"]).status_code == 201
    assert the_post(client, post["id"])["hidden"] is False


def test_a_moderator_hides_and_restores_and_others_see_the_mark(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(BEN)
    assert moderate(client, post["id"], "hide").status_code == 403  # not an ambassador
    act_as(AMB1)
    hidden = moderate(client, post["id"], "hide", "harassment", note="insults a neighbour")
    assert hidden.status_code == 200, hidden.body
    assert moderate(client, post["id"], "hide").status_code == 409
    act_as(BEN)
    seen = in_feed(client, post["id"])
    assert seen["hidden"] is True and seen["hidden_reason"] == "harassment" and seen["hidden_note"] == "insults a neighbour"
    assert seen["hidden_reason_text"] == "Masqué par un modérateur : harcèlement — insults a neighbour"  # French by default
    in_german = client.get(f"/api/v1/neighbourhoods/{N1}/posts", headers={"Accept-Language": "de-LU,de;q=0.9"}).json_body["posts"][0]
    assert in_german["hidden_reason_text"].startswith("Von einer Moderatorin oder einem Moderator ausgeblendet: Belästigung")
    in_luxembourgish = client.get(f"/api/v1/posts/{post['id']}", headers={"Accept-Language": "lb"}).json_body
    assert in_luxembourgish["hidden_reason_text"] == "Vun engem Moderator verstoppt: Belästegung — insults a neighbour"
    assert seen["content"] == {"text": None} and "title" not in seen["content"]
    act_as(AMB1)
    assert moderate(client, post["id"], "restore", "other", note="apologised").status_code == 200
    act_as(BEN)
    shown = the_post(client, post["id"])
    assert shown["hidden"] is False and shown["hidden_reason"] is None and shown["hidden_reason_text"] is None
    assert shown["content"]["text"]
    act_as(AMB1)
    actions = [(e["action"], e["by"], e["reason"], e["note"]) for e in log(client).json_body["entries"]]
    assert actions == [("restore", "U-amb1", "other", "apologised"), ("hide", "U-amb1", "harassment", "insults a neighbour")]
    assert moderate(client, post["id"], "hide", "because I say so").status_code == 400  # codes from the list only


# --- appeals --------------------------------------------------------------------------------

def test_the_author_appeals_once_and_a_second_moderator_decides(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    assert appeal(client, post["id"]).status_code == 409  # not hidden
    act_as(AMB1)
    moderate(client, post["id"], "hide", "harassment")
    assert decide(client, post["id"], "restore").status_code == 409  # no appeal yet
    act_as(BEN)
    assert appeal(client, post["id"]).status_code == 403  # not the author
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 200
    assert appeal(client, post["id"]).status_code == 409  # once
    act_as(AMB1)
    same = decide(client, post["id"], "restore")
    assert same.status_code == 403 and error_of(same)["fields"] == {"post_id": "your own case"}
    act_as(AMB2)
    decided = decide(client, post["id"], "restore", "fair enough")
    assert decided.status_code == 200 and decided.json_body["hidden"] is False
    assert decide(client, post["id"], "uphold").status_code == 409  # decided
    actions = [(e["action"], e["by"]) for e in log(client).json_body["entries"]]
    assert actions == [("appeal_restore", "U-amb2"), ("appeal", "U-anna"), ("hide", "U-amb1")]


def test_an_upheld_appeal_keeps_the_post_hidden(client, act_as):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(AMB1)
    moderate(client, post["id"], "hide", "harassment")
    act_as(ANNA)
    appeal(client, post["id"])
    act_as(AMB2)
    assert decide(client, post["id"], "uphold", "still rude").status_code == 200
    act_as(BEN)
    assert the_post(client, post["id"])["hidden"] is True
    act_as(ANNA)
    assert appeal(client, post["id"]).status_code == 409


# --- tone -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, aggressive", [
    ("Tu es un vrai connard, ferme-la", True),
    ("Du bist ein Arschloch", True),
    ("Quel CRÉTIN !", True),
    ("Merci pour votre aide, à samedi", False),
    ("Danke für die Leiter", False),
    ("Who is idiotically late? Nobody.", False),
])
def test_tone_check_in_several_languages(client, act_as, text, aggressive):
    act_as(ANNA)
    response = client.post("/api/v1/tone-check", headers=JSON, body=body({"text": text}))
    assert response.status_code == 200 and response.json_body == {"looks_aggressive": aggressive}
    assert looks_aggressive(text) is aggressive


def test_a_rude_post_is_written_with_a_reminder_not_refused(client, act_as):
    act_as(ANNA)
    rude = written(client, {"kind": "discussion", "text": "Whoever parks here is an idiot"})
    assert rude["looks_aggressive"] is True
    assert written(client, DISCUSSION)["looks_aggressive"] is False
    assert in_feed(client, rude["id"])["looks_aggressive"] is None
