"""Notification settings: defaults, changes through the API, and what `wants` answers."""

import pytest

from chalicelib.notifications import settings
from tests.api.test_posts import resident
from tests.api.test_your_data import downloaded, prepared_export
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import make_resident

EVERYTHING_ON = {"digest": True, "alert_lost_pet": True, "alert_emergency": True, "loan_reminders": True,
                 "messages": True, "events": True, "volunteering": True,
                 "digest_skip_when_read": True}


def test_a_verified_resident_starts_with_every_email_on(client, act_as):
    make_resident("U-anna")
    act_as(resident("U-anna"))

    response = client.get("/api/v1/me/notifications")

    assert response.status_code == 200 and response.json_body == EVERYTHING_ON
    assert all(settings.wants("U-anna", topic) for topic in settings.TOPICS)


def test_changing_one_topic_leaves_the_others(client, act_as):
    make_resident("U-anna")
    act_as(resident("U-anna"))

    response = client.put("/api/v1/me/notifications", headers=JSON, body=body({"alert_lost_pet": False}))
    again = client.put("/api/v1/me/notifications", headers=JSON, body=body({"digest": False}))

    assert response.status_code == 200 and response.json_body == {**EVERYTHING_ON, "alert_lost_pet": False}
    assert again.json_body == {**EVERYTHING_ON, "alert_lost_pet": False, "digest": False}
    assert client.get("/api/v1/me/notifications").json_body == again.json_body
    assert not settings.wants("U-anna", "alert_lost_pet") and not settings.wants("U-anna", "digest")
    assert settings.wants("U-anna", "alert_emergency")


def test_skipping_a_digest_read_already_is_a_choice_on_by_default_and_no_topic(client, act_as):
    make_resident("U-anna")
    act_as(resident("U-anna"))

    response = client.put("/api/v1/me/notifications", headers=JSON, body=body({"digest_skip_when_read": False}))

    assert response.json_body == {**EVERYTHING_ON, "digest_skip_when_read": False}
    user = settings.UserItem.get(*settings.UserItem.key("U-anna"))
    assert not settings.skips_when_read(user) and settings.wants_for(user, "digest")
    assert "digest_skip_when_read" not in settings.TOPICS  # no unsubscribe link names it


@pytest.mark.parametrize("payload, field", [({"sms": True}, "sms"), ({"digest": "maybe"}, "digest"),
                                            ({"digest_skip_when_read": "yes"}, "digest_skip_when_read")])
def test_an_unknown_topic_or_a_non_boolean_is_400(client, act_as, payload, field):
    make_resident("U-anna")
    act_as(resident("U-anna"))

    response = client.put("/api/v1/me/notifications", headers=JSON, body=body(payload))

    assert response.status_code == 400 and field in error_of(response)["fields"]


def test_neighbourhood_emails_wait_for_a_verified_address():
    make_resident("U-pat", status="pending")

    assert not settings.wants("U-pat", "digest")
    assert not settings.wants("U-pat", "alert_lost_pet")
    assert settings.wants("U-pat", "messages")


def test_an_erased_account_wants_nothing():
    assert not settings.wants("U-gone", "digest")


def test_an_unknown_topic_is_a_programming_error():
    user = make_resident("U-anna")
    with pytest.raises(ValueError):
        settings.wants_for(user, "newsletter")


def test_settings_need_a_session(client):
    assert client.get("/api/v1/me/notifications").status_code == 401


def test_my_data_export_lists_my_email_choices(client, act_as):
    make_resident("U-anna", notifications={"messages": False})
    act_as(resident("U-anna"))

    exported = downloaded(prepared_export(client))

    assert exported["content"]["notifications"] == {**EVERYTHING_ON, "messages": False}
