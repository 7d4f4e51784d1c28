"""Commune staff verify residents against the population register; admins appoint ambassadors."""

from chalicelib.accounts.models import UserItem
from chalicelib.verification.models import VerificationItem
from tests.api.test_letters import pending_resident, resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.helpers import body, error_of

PENDING = "/api/v1/communes/0501/verifications?status=pending"


def decide(client, headers, user_id, decision, lau2="0501"):
    return client.post(f"/api/v1/communes/{lau2}/verifications/{user_id}", headers=headers, body=body(decision))


def records_of(user_id):
    return list(VerificationItem.query(f"USER#{user_id}", VerificationItem.sk.startswith(VerificationItem.PREFIX)))


def test_a_verifier_lists_pending_residents_with_name_address_and_email(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    clerk = staff_headers(client, outbox)

    response = client.get(PENDING, headers=clerk)

    assert response.status_code == 200
    listed, = response.json_body["residents"]
    assert listed["user_id"] == anna.user_id and listed["email"] == "anna@example.lu"
    assert listed["display_name"] == "anna"
    assert listed["address"] == {"id": "7984-20", "label": "Kaesfurterstrooss 20, 9755 Hupperdange"}
    assert listed["neighbourhood"]["label"] == "Hupperdange" and listed["claimed_at"]


def test_approving_verifies_the_resident_by_staff_and_records_who_and_when(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    clerk = staff_headers(client, outbox)

    response = decide(client, clerk, anna.user_id, {"decision": "approve"})

    assert response.status_code == 200, response.body
    assert response.json_body["decision"] == "approved" and response.json_body["method"] == "staff"
    user = UserItem.get(*UserItem.key(anna.user_id))
    assert (user.residence_status, user.residence_method, user.gsi1sk) == ("verified", "staff", f"verified#{anna.user_id}")
    record, = records_of(anna.user_id)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    assert record.by == clerk_id and record.at
    assert client.get(PENDING, headers=clerk).json_body["residents"] == []


def test_rejecting_needs_a_reason_and_sets_the_residence_back_to_none(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    clerk = staff_headers(client, outbox)

    without = decide(client, clerk, anna.user_id, {"decision": "reject"})
    rejected = decide(client, clerk, anna.user_id, {"decision": "reject", "reason": "Not in the population register"})

    assert without.status_code == 400 and error_of(without)["fields"] == {"reason": "required to reject"}
    assert rejected.status_code == 200 and rejected.json_body["decision"] == "rejected"
    user = UserItem.get(*UserItem.key(anna.user_id))
    assert user.residence_status == "none" and user.gsi1pk is None
    assert records_of(anna.user_id)[0].reason == "Not in the population register"
    assert client.get(PENDING, headers=clerk).json_body["residents"] == []


def test_a_resident_not_pending_in_the_commune_is_404_naming_user_id(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    verified = pending_resident("anna@example.lu")
    decide(client, clerk, verified.user_id, {"decision": "approve"})

    for user_id in (verified.user_id, "01ARZ3NDEKTSV4RRFFQ69G5FAV"):
        response = decide(client, clerk, user_id, {"decision": "approve"})
        assert response.status_code == 404 and error_of(response)["fields"] == {"user_id": "not pending here"}


def test_staff_of_another_commune_get_403(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    other = staff_headers(client, outbox, email="clerk@consdorf.lu", lau2="1004", role="verifier")

    assert client.get(PENDING, headers=other).status_code == 403
    assert decide(client, other, anna.user_id, {"decision": "approve"}).status_code == 403
    # and their own commune does not know her
    assert decide(client, other, anna.user_id, {"decision": "approve"}, lau2="1004").status_code == 404


def test_a_bad_decision_is_400_naming_the_field(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    clerk = staff_headers(client, outbox)

    response = decide(client, clerk, anna.user_id, {"decision": "maybe"})
    bad_id = decide(client, clerk, "not-an-id", {"decision": "approve"})

    assert response.status_code == 400 and "decision" in error_of(response)["fields"]
    assert bad_id.status_code == 400 and "user_id" in error_of(bad_id)["fields"]


def test_an_admin_appoints_a_verified_resident_ambassador_of_their_neighbourhood(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    anna_headers = resident_headers(client, outbox, "anna@example.lu")
    anna_id = client.get("/api/v1/me", headers=anna_headers).json_body["id"]
    ben = pending_resident("ben@example.lu")
    decide(client, admin, anna_id, {"decision": "approve"})

    appointed = client.put(f"/api/v1/communes/0501/ambassadors/{anna_id}", headers=admin)
    not_verified = client.put(f"/api/v1/communes/0501/ambassadors/{ben.user_id}", headers=admin)

    assert appointed.status_code == 200 and appointed.json_body["appointed"] is True
    roles = client.get("/api/v1/me", headers=anna_headers).json_body["roles"]
    assert f"ambassador:{appointed.json_body['neighbourhood_id']}" in roles
    assert not_verified.status_code == 409 and "user_id" in error_of(not_verified)["fields"]
    dismissed = client.delete(f"/api/v1/communes/0501/ambassadors/{anna_id}", headers=admin)
    assert dismissed.status_code == 200
    assert not any(r.startswith("ambassador:") for r in client.get("/api/v1/me", headers=anna_headers).json_body["roles"])
