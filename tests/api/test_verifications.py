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
    assert listed["display_name"] == ""  # no name chosen yet: never the email's first part
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


# --- separation of duties: nobody decides on their own residence (issue #17, finding 1) ----------

def claim(client, headers, address_id="7984-20"):
    response = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": address_id}))
    assert response.status_code == 200, response.body
    return response.json_body["residence"]["neighbourhood"]["id"]


def test_a_verifier_cannot_approve_their_own_claim_and_so_cannot_read_the_neighbourhood(client, outbox):
    # The probe: a verifier claims an address of the commune, approves their own claim, reads its posts.
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    neighbourhood = claim(client, clerk)

    response = decide(client, clerk, clerk_id, {"decision": "approve"})
    rejecting = decide(client, clerk, clerk_id, {"decision": "reject", "reason": "changing my mind"})

    assert response.status_code == 403, response.body
    assert error_of(response) == {"code": "forbidden", "fields": {"user_id": "your own case"},
                                  "message": error_of(response)["message"]}
    assert error_of(response)["message"].startswith("Another staff member must decide on your own residence")
    assert rejecting.status_code == 403
    assert UserItem.get(*UserItem.key(clerk_id)).residence_status == "pending" and records_of(clerk_id) == []
    assert client.get(f"/api/v1/neighbourhoods/{neighbourhood}/posts", headers=clerk).status_code == 404


def test_another_staff_member_can_approve_a_staff_members_residence(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    claim(client, clerk)
    colleague = staff_headers(client, outbox, email="colleague@clervaux.lu")

    response = decide(client, colleague, clerk_id, {"decision": "approve"})

    assert response.status_code == 200 and response.json_body["by"] != clerk_id
    assert UserItem.get(*UserItem.key(clerk_id)).residence_status == "verified"


def test_a_staff_member_cannot_decide_on_a_resident_of_their_own_household(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    claim(client, clerk, "7984-20")
    partner = pending_resident("partner@example.lu", "7984-20")
    neighbour = pending_resident("neighbour@example.lu", "7973-46")

    refused = decide(client, clerk, partner.user_id, {"decision": "approve"})
    allowed = decide(client, clerk, neighbour.user_id, {"decision": "approve"})

    assert refused.status_code == 403 and error_of(refused)["fields"] == {"user_id": "your own household"}
    assert "household" in error_of(refused)["message"]
    assert UserItem.get(*UserItem.key(partner.user_id)).residence_status == "pending"
    assert allowed.status_code == 200
    other = staff_headers(client, outbox, email="colleague@clervaux.lu")
    assert decide(client, other, partner.user_id, {"decision": "approve"}).status_code == 200


def test_an_admin_cannot_appoint_themselves_ambassador_or_moderator(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    admin_id = client.get("/api/v1/me", headers=admin).json_body["id"]
    claim(client, admin)
    other_admin = staff_headers(client, outbox, email="admin2@clervaux.lu", role="admin")
    assert decide(client, other_admin, admin_id, {"decision": "approve"}).status_code == 200

    for route in ("ambassadors", "moderators"):
        response = client.put(f"/api/v1/communes/0501/{route}/{admin_id}", headers=admin)
        assert response.status_code == 403 and error_of(response)["fields"] == {"user_id": "your own case"}, route
        assert client.put(f"/api/v1/communes/0501/{route}/{admin_id}", headers=other_admin).status_code == 200


def test_a_verifier_cannot_verify_themselves_with_a_letter_they_printed(client, outbox):
    # The same hop by the other door: print the letters of one's own (or any) address, type its code.
    from tests.api.test_letters import CODE, pages_of, print_letters, redeem

    publish_clervaux()
    clerk = staff_headers(client, outbox)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    claim(client, clerk)
    printed = print_letters(client, clerk, {"pending": True})
    assert printed.status_code == 201
    own_code = CODE.search(pages_of(printed.body)[0]).group(1)

    refused = redeem(client, clerk, own_code)

    assert refused.status_code == 403 and error_of(refused)["fields"] == {"code": "your own case"}
    assert UserItem.get(*UserItem.key(clerk_id)).residence_status == "pending"
    colleague = staff_headers(client, outbox, email="colleague@clervaux.lu")
    their_letter = print_letters(client, colleague, {"pending": True})
    assert redeem(client, clerk, CODE.search(pages_of(their_letter.body)[0]).group(1)).status_code == 200
    assert UserItem.get(*UserItem.key(clerk_id)).residence_status == "verified"


# --- the commune's index of pending residents: the list is one Query a page (issue #16) ------------

def index_of(lau2="0501"):
    from chalicelib.verification.models import PendingVerificationItem

    return {entry.user_id: entry for entry in PendingVerificationItem.query(PendingVerificationItem.partition(lau2))}


def test_the_list_is_one_query_a_page_longest_waiting_first(client, outbox):
    from chalicelib.store.calls import count_dynamodb_calls

    publish_clervaux()
    waiting = [pending_resident(f"r{n}@example.lu", address) for n, address in
               enumerate(("7984-20", "7973-46", "3765-12"))]
    clerk = staff_headers(client, outbox)

    with count_dynamodb_calls() as calls:
        first = client.get(f"{PENDING}&limit=2", headers=clerk)
    assert first.status_code == 200 and calls == {"GetItem": 1, "Query": 1}  # the session, then the index
    second = client.get(f"{PENDING}&limit=2&cursor={first.json_body['cursor']}", headers=clerk).json_body

    listed = first.json_body["residents"] + second["residents"]
    assert [r["user_id"] for r in listed] == [user.user_id for user in waiting] and second["cursor"] is None
    assert listed[2]["address"]["id"] == "3765-12" and listed[2]["email"] == "r2@example.lu"
    assert listed[2]["neighbourhood"]["label"] == "Marnach"
    tampered = client.get(f"{PENDING}&cursor=eyJwayI6ICJVU0VSI3gifQ", headers=clerk)
    assert tampered.status_code == 404 and error_of(tampered)["fields"] == {"cursor": "not one this list gave"}


def test_a_staff_member_neither_sees_nor_decides_their_own_case_or_household(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    clerk_id = client.get("/api/v1/me", headers=clerk).json_body["id"]
    claim(client, clerk, "7984-20")
    partner = pending_resident("partner@example.lu", "7984-20")
    neighbour = pending_resident("neighbour@example.lu", "7973-46")
    colleague = staff_headers(client, outbox, email="colleague@clervaux.lu")

    mine = [r["user_id"] for r in client.get(PENDING, headers=clerk).json_body["residents"]]
    theirs = [r["user_id"] for r in client.get(PENDING, headers=colleague).json_body["residents"]]

    assert mine == [neighbour.user_id]
    assert theirs == [clerk_id, partner.user_id, neighbour.user_id]
    assert decide(client, clerk, clerk_id, {"decision": "approve"}).status_code == 403
    assert decide(client, clerk, partner.user_id, {"decision": "reject", "reason": "no"}).status_code == 403
    assert set(index_of()) == {clerk_id, partner.user_id, neighbour.user_id}  # still waiting for a colleague


def test_the_index_follows_every_start_and_end_of_a_pending_residence(client, outbox):
    from chalicelib.accounts.models import ProfileUpdate
    from chalicelib.accounts.service import update_profile
    from chalicelib.accounts.your_data import erase_my_account
    from chalicelib.accounts.principals import principal_of

    publish_clervaux()
    clerk = staff_headers(client, outbox)
    anna, ben, carla = (pending_resident(f"{n}@example.lu") for n in ("anna", "ben", "carla"))
    assert set(index_of()) == {anna.user_id, ben.user_id, carla.user_id}
    # Another claim replaces the copy (one per resident), choosing a name shows it
    anna = pending_resident("anna@example.lu", "7973-46")
    update_profile(principal_of(anna), ProfileUpdate(display_name="Anna K."))
    entry = index_of()[anna.user_id]
    assert (entry.address_id, entry.display_name, entry.claimed_at) == ("7973-46", "Anna K.", anna.residence_claimed_at)
    assert len(index_of()) == 3
    # Approved, rejected, erased: out of the index
    assert decide(client, clerk, anna.user_id, {"decision": "approve"}).status_code == 200
    assert decide(client, clerk, ben.user_id, {"decision": "reject", "reason": "Not registered"}).status_code == 200
    erase_my_account(principal_of(carla), "remove")
    assert index_of() == {} and client.get(PENDING, headers=clerk).json_body == {"residents": [], "cursor": None}
    # A rejected resident who claims again waits again; a verified one who moves waits at the new address
    ben = pending_resident("ben@example.lu", "7984-20")
    anna = pending_resident("anna@example.lu", "3765-12")
    assert {u: e.address_id for u, e in index_of().items()} == {ben.user_id: "7984-20", anna.user_id: "3765-12"}


def test_a_publication_moves_or_renames_the_neighbourhood_in_the_index(client, outbox):
    from chalicelib.neighbourhoods import service as neighbourhoods
    from chalicelib.neighbourhoods.models import DrawnNeighbourhoods

    publish_clervaux()
    marnach, hupperdange = pending_resident("m@example.lu", "3765-12"), pending_resident("h@example.lu", "7984-20")
    whole_north = [[[5.9, 50.0], [6.2, 50.0], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Clervaux-Nord"},
                                                        "geometry": {"type": "Polygon", "coordinates": whole_north}}]}
    draft = neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn))

    neighbourhoods.publish("0501", draft.version)

    entries = index_of()
    for user in (marnach, hupperdange):
        stored = UserItem.get(*UserItem.key(user.user_id))
        assert (entries[user.user_id].neighbourhood_id, entries[user.user_id].neighbourhood_name) == (
            stored.neighbourhood_id, "Clervaux-Nord")


def test_upgrading_copies_residents_who_claimed_before_the_index(client, outbox):
    from chalicelib.verification.service import index_pending_residents

    publish_clervaux()
    anna, ben = pending_resident("anna@example.lu"), pending_resident("ben@example.lu", "3765-12")
    clerk = staff_headers(client, outbox)
    listed = client.get(PENDING, headers=clerk).json_body
    for entry in index_of().values():  # as before the index existed
        entry.delete()
    assert client.get(PENDING, headers=clerk).json_body["residents"] == []

    assert index_pending_residents("0501") == 2 and index_pending_residents("0501") == 2  # idempotent puts

    assert client.get(PENDING, headers=clerk).json_body == listed
    assert len(index_of()) == 2
    # and the copy it wrote leaves the index with the residence
    assert decide(client, clerk, anna.user_id, {"decision": "approve"}).status_code == 200
    assert set(index_of()) == {ben.user_id}
