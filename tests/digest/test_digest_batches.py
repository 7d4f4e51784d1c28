"""The batched digest: markers claimed 100 at a time by condition, blocks read with the profiles, the
timeout margin, and the skip for a resident who read everything that week."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.digest import service
from chalicelib.notifications.emails import MARKER_DAYS, SentMarker
from chalicelib.store.calls import count_dynamodb_calls
from tests.digest.test_digest import (  # noqa: F401 — the fixtures too
    LANGUAGES, N1, delivered, make_resident, neighbourhood_week, publish, resident, week, write,
)
from tests.helpers import JSON, body, error_of

EVERYONE = {f"{name}@example.lu" for name in [*LANGUAGES, "amb"]}


def mark_sent(user_id, week):
    SentMarker(*SentMarker.key(service.marker_key(user_id, week)), sent_at=clock.now().isoformat(),
               ttl=clock.now() + timedelta(days=MARKER_DAYS)).save()


def test_residents_marked_already_get_nothing_and_the_others_theirs_once(neighbourhood_week, outbox, week):
    mark_sent("U-anna", week)
    mark_sent("U-carla", week)
    before = set(outbox.glob("*.eml"))

    with count_dynamodb_calls() as calls:
        report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    again = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert (report.sent, report.already_sent, report.failed) == (4, 2, [])
    assert set(delivered(outbox, before)) == EVERYONE - {"anna@example.lu", "carla@example.lu"}
    # the batch's transaction is cancelled by the two markers; then one conditional write each finds them
    assert calls["TransactWriteItems"] == 1 and calls["PutItem"] == 6
    assert (again.sent, again.already_sent) == (0, 6)


def test_a_neighbourhood_of_more_than_a_hundred_is_claimed_a_hundred_at_a_time(client, act_as, outbox, week):
    publish(N1, "Op der Hiel")
    for n in range(130):
        make_resident(f"r{n:03d}")
    write(client, act_as, resident("r000"), {"kind": "discussion", "text": "Hello neighbours"})
    before = set(outbox.glob("*.eml"))

    with count_dynamodb_calls() as calls:
        first = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    second = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert (first.sent, second.sent, second.already_sent) == (130, 0, 130)
    assert len(delivered(outbox, before)) == 130
    assert calls["TransactWriteItems"] == 2 and calls["PutItem"] == 0
    assert sum(calls.values()) / first.sent <= 0.2


def test_near_the_timeout_nothing_more_is_claimed_and_the_retry_sends_it(neighbourhood_week, outbox, week):
    job = {"neighbourhood_id": N1, "lau2": "0501", "name": "Op der Hiel", "week": week}
    before = set(outbox.glob("*.eml"))

    with pytest.raises(service.DigestIncomplete):
        service.run_job(job, time_left=lambda: service.SAFETY_MARGIN - 1)
    assert not delivered(outbox, before)
    retry = service.run_job(job, time_left=lambda: 900)

    assert (retry.sent, retry.already_sent) == (6, 0)
    assert set(delivered(outbox, before)) == EVERYONE


def test_a_database_refusing_the_claims_sends_nothing_of_the_batch(neighbourhood_week, outbox, week, monkeypatch):
    from chalicelib.notifications import emails

    def refused(chunk):
        raise ConnectionError("DynamoDB is away")

    monkeypatch.setattr(emails, "_claim", refused)
    before = set(outbox.glob("*.eml"))
    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert report.sent == 0 and len(report.failed) == 6 and not delivered(outbox, before)


def test_blocks_live_on_the_blockers_profile_and_an_unblock_brings_the_author_back(neighbourhood_week, client, act_as,
                                                                                   outbox, week):
    assert UserItem.get(*UserItem.key("U-ben")).blocked == {"U-anna"}  # Ben blocked Anna (the fixture)
    act_as(resident("ben"))
    assert client.delete("/api/v1/me/blocks/U-anna").status_code == 204
    before = set(outbox.glob("*.eml"))

    with count_dynamodb_calls() as calls:
        service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert not UserItem.get(*UserItem.key("U-ben")).blocked
    assert "Street party" in delivered(outbox, before)["ben@example.lu"].get_body(("plain",)).get_content()
    assert calls["Query"] == 7  # no Query of blocks per resident (the calendar's coming week is one, the budget progress one)


# --- the skip: a resident who read everything that week ------------------------------------------

def newest_post(client, act_as, who="anna"):
    act_as(resident(who))
    return client.get(f"/api/v1/neighbourhoods/{N1}/posts").json_body["posts"][0]["id"]


def see(client, act_as, who, post_id, nbh=N1):
    act_as(resident(who))
    return client.put(f"/api/v1/neighbourhoods/{nbh}/posts/seen", headers=JSON, body=body({"post_id": post_id}))


def test_a_resident_who_saw_the_newest_post_gets_no_digest_unless_they_want_it_anyway(neighbourhood_week, client,
                                                                                       act_as, outbox, week):
    newest = max(post["id"] for key, post in neighbourhood_week.items() if key != "other")
    assert see(client, act_as, "anna", newest).status_code == 204
    assert see(client, act_as, "ben", newest).status_code == 204
    ben = UserItem.get(*UserItem.key("U-ben"))
    ben.update(actions=[UserItem.notifications.set({"digest_skip_when_read": False})])
    older = min(post["id"] for key, post in neighbourhood_week.items() if key != "other")
    assert see(client, act_as, "carla", older).status_code == 204
    before = set(outbox.glob("*.eml"))

    with count_dynamodb_calls() as calls:
        report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert report.read_everything == 1 and report.sent == 5
    assert set(delivered(outbox, before)) == EVERYONE - {"anna@example.lu"}
    assert calls["GetItem"] == 0 and calls["Query"] == 7  # the signal came with the profiles


def test_a_post_written_after_the_resident_looked_brings_the_digest_back(neighbourhood_week, client, act_as, outbox,
                                                                         week):
    assert see(client, act_as, "anna", newest_post(client, act_as)).status_code == 204
    write(client, act_as, resident("carla"), {"kind": "discussion", "title": "Later", "text": "Written afterwards"})
    before = set(outbox.glob("*.eml"))

    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert report.read_everything == 0 and "anna@example.lu" in delivered(outbox, before)


def test_the_seen_position_only_moves_forward_and_only_for_ones_own_neighbourhood(neighbourhood_week, client, act_as):
    from chalicelib.policy import Principal

    ids = sorted(post["id"] for key, post in neighbourhood_week.items() if key != "other")
    assert see(client, act_as, "anna", ids[-1]).status_code == 204
    assert see(client, act_as, "anna", ids[0]).status_code == 204  # older: ignored
    assert UserItem.get(*UserItem.key("U-anna")).feed_seen == ids[-1]
    # a commune-appointed moderator living elsewhere may read N1's feed, but it is not their digest's
    make_resident("mo", nbh="0501-n2")
    act_as(Principal(user_id="U-mo", lau2="0501", neighbourhood_id="0501-n2", residence_status="verified",
                     moderator_of=frozenset({"0501"})))
    client.put(f"/api/v1/neighbourhoods/{N1}/posts/seen", headers=JSON, body=body({"post_id": ids[-1]}))
    assert UserItem.get(*UserItem.key("U-mo")).feed_seen is None


def test_reading_the_feed_writes_nothing(neighbourhood_week, client, act_as):
    act_as(resident("anna"))
    with count_dynamodb_calls() as calls:
        assert client.get(f"/api/v1/neighbourhoods/{N1}/posts").status_code == 200

    assert not {"PutItem", "UpdateItem", "TransactWriteItems", "BatchWriteItem"} & set(calls)
    assert UserItem.get(*UserItem.key("U-anna")).feed_seen is None


@pytest.mark.parametrize("payload", [{"post_id": "not-an-id"}, {}, {"post_id": "01J0000000000000000000POST", "x": 1}])
def test_a_bad_position_is_400_naming_the_field(neighbourhood_week, client, act_as, payload):
    act_as(resident("anna"))
    response = client.put(f"/api/v1/neighbourhoods/{N1}/posts/seen", headers=JSON, body=body(payload))

    assert response.status_code == 400 and error_of(response)["fields"]


def test_blocks_written_before_the_upgrade_are_copied_onto_the_profiles_once_asked(client, act_as):
    from chalicelib.messages.models import BlockItem
    from chalicelib.messages.service import copy_blocks_to_profiles

    make_resident("anna")
    make_resident("ben")
    BlockItem(*BlockItem.key("U-ben", "U-anna"), created_at=clock.now()).save()  # as the old code wrote it
    BlockItem(*BlockItem.key("U-gone", "U-anna"), created_at=clock.now()).save()  # an erased blocker

    assert copy_blocks_to_profiles() == 1
    assert copy_blocks_to_profiles() == 1  # again: nothing changes
    assert UserItem.get(*UserItem.key("U-ben")).blocked == {"U-anna"}


def test_the_feed_position_is_in_the_residents_export(neighbourhood_week, client, act_as):
    post_id = newest_post(client, act_as)
    assert see(client, act_as, "anna", post_id).status_code == 204

    from chalicelib.accounts.content_owners import content_owners

    (digest,) = [owner for owner in content_owners() if owner.name == "digest"]  # "your data" exports each
    assert digest.export("U-anna") == {"feed_seen_up_to_post": post_id}


def test_a_database_failing_while_markers_are_sorted_out_gives_the_claimed_ones_back(neighbourhood_week, outbox,
                                                                                     week, monkeypatch):
    from pynamodb.exceptions import PutError

    mark_sent("U-anna", week)  # the transaction is cancelled: one write each follows
    real_save, saved = SentMarker.save, []

    def fails_on_the_third(self, *args, **kwargs):
        if len(saved) == 2:
            raise PutError("DynamoDB is away")
        saved.append(self.pk)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(SentMarker, "save", fails_on_the_third)
    before = set(outbox.glob("*.eml"))
    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    monkeypatch.setattr(SentMarker, "save", real_save)

    assert report.sent == 0 and len(report.failed) == 6 and not delivered(outbox, before)
    retry = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    assert (retry.sent, retry.already_sent) == (5, 1)  # nothing was lost: only Anna's was sent before
