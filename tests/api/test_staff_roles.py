"""An admin manages the commune's roles from the admin page: staff roles by email, moderators and ambassadors
among its verified residents; who holds what; every decision in the audit log; never their own case."""

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.roles import grant_staff, revoke_staff
from chalicelib.communes.audit import audit_log
from tests.api.test_letters import resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.api.test_verifications import claim, decide
from tests.helpers import body, error_of


def me(client, headers):
    return client.get("/api/v1/me", headers=headers).json_body


def actions(lau2="0501"):
    return [(entry.action, entry.subject_type, entry.subject_id, entry.by.id) for entry in audit_log(lau2).entries]


def grant(client, headers, email, role, lau2="0501"):
    return client.post(f"/api/v1/communes/{lau2}/staff", headers=headers, body=body({"email": email, "role": role}))


def test_an_admin_grants_and_withdraws_staff_roles_by_email_and_each_decision_is_audited(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    admin_id = me(client, admin)["id"]

    granted = grant(client, admin, "New.Clerk@Clervaux.lu", "editor")
    again = grant(client, admin, "new.clerk@clervaux.lu", "verifier")

    assert granted.status_code == 200, granted.body
    clerk_id = granted.json_body["user_id"]
    assert granted.json_body["email"] == "new.clerk@clervaux.lu" and granted.json_body["roles"] == ["editor"]
    assert again.json_body["roles"] == ["editor", "verifier"]
    assert UserItem.get(*UserItem.key(clerk_id)).staff == {"0501:editor", "0501:verifier"}
    listed = client.get("/api/v1/communes/0501/roles", headers=admin).json_body
    assert {(m["email"], tuple(m["roles"])) for m in listed["staff"]} == {
        ("admin@clervaux.lu", ("admin",)), ("new.clerk@clervaux.lu", ("editor", "verifier"))}

    withdrawn = client.delete(f"/api/v1/communes/0501/staff/{clerk_id}/editor", headers=admin)
    not_held = client.delete(f"/api/v1/communes/0501/staff/{clerk_id}/editor", headers=admin)

    assert withdrawn.status_code == 200 and withdrawn.json_body["roles"] == ["verifier"]
    assert not_held.status_code == 404 and error_of(not_held)["fields"] == {"role": "not held"}
    assert UserItem.get(*UserItem.key(clerk_id)).staff == {"0501:verifier"}
    assert actions()[:3] == [
        ("staff_role_withdrawn", "staff_role", f"{clerk_id}:editor", admin_id),
        ("staff_role_granted", "staff_role", f"{clerk_id}:verifier", admin_id),
        ("staff_role_granted", "staff_role", f"{clerk_id}:editor", admin_id),
    ]
    # The operator's command line is in the log too (no actor: "the operator (command line)").
    assert ("staff_role_granted", "staff_role", f"{admin_id}:admin", None) in actions()


def test_an_admin_never_grants_or_withdraws_their_own_role(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    admin_id = me(client, admin)["id"]
    other = staff_headers(client, outbox, email="admin2@clervaux.lu", role="admin")

    to_self = grant(client, admin, "admin@clervaux.lu", "verifier")
    from_self = client.delete(f"/api/v1/communes/0501/staff/{admin_id}/admin", headers=admin)

    for response in (to_self, from_self):
        assert response.status_code == 403 and error_of(response)["fields"] == {"user_id": "your own case"}
        assert error_of(response)["message"].startswith("Another admin")
    assert UserItem.get(*UserItem.key(admin_id)).staff == {"0501:admin"}
    assert grant(client, other, "admin@clervaux.lu", "verifier").status_code == 200


def test_bad_grants_name_their_field(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")

    bad_role = grant(client, admin, "x@clervaux.lu", "mayor")
    bad_email = grant(client, admin, "not an email", "editor")
    bad_path = client.delete("/api/v1/communes/0501/staff/nobody/mayor", headers=admin)

    assert bad_role.status_code == 400 and "role" in error_of(bad_role)["fields"]
    assert bad_email.status_code == 400 and "email" in error_of(bad_email)["fields"]
    assert bad_path.status_code == 400


def test_the_roles_list_shows_moderators_and_ambassadors_by_name_and_forgets_ended_roles(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    anna = resident_headers(client, outbox, "anna@example.lu")
    anna_id = me(client, anna)["id"]
    assert client.patch("/api/v1/me", headers=anna, body=body({"display_name": "Anna B."})).status_code == 200
    decide(client, admin, anna_id, {"decision": "approve"})
    neighbourhood = me(client, anna)["residence"]["neighbourhood"]["id"]

    residents = client.get(f"/api/v1/communes/0501/neighbourhoods/{neighbourhood}/residents", headers=admin)
    assert residents.status_code == 200
    assert residents.json_body["residents"] == [
        {"user_id": anna_id, "name": "Anna B.", "ambassador": False, "moderator": False}]
    assert client.put(f"/api/v1/communes/0501/ambassadors/{anna_id}", headers=admin).status_code == 200
    assert client.put(f"/api/v1/communes/0501/moderators/{anna_id}", headers=admin).status_code == 200

    listed = client.get("/api/v1/communes/0501/roles", headers=admin).json_body
    assert listed["ambassadors"] == [{"user_id": anna_id, "name": "Anna B.", "neighbourhood_id": neighbourhood,
                                      "ambassador_of": [neighbourhood]}]
    assert listed["moderators"] == [{"user_id": anna_id, "name": "Anna B.", "neighbourhood_id": neighbourhood}]
    assert "email" not in str(listed["ambassadors"]) and "anna@example.lu" not in str(listed)
    flags = client.get(f"/api/v1/communes/0501/neighbourhoods/{neighbourhood}/residents", headers=admin).json_body
    assert flags["residents"][0]["ambassador"] is True and flags["residents"][0]["moderator"] is True

    client.delete(f"/api/v1/communes/0501/ambassadors/{anna_id}", headers=admin)
    client.delete(f"/api/v1/communes/0501/moderators/{anna_id}", headers=admin)
    listed = client.get("/api/v1/communes/0501/roles", headers=admin).json_body
    assert listed["ambassadors"] == [] and listed["moderators"] == []


def test_residents_of_an_unknown_or_other_communes_neighbourhood_are_not_found(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    response = client.get("/api/v1/communes/0501/neighbourhoods/nowhere/residents", headers=admin)
    assert response.status_code == 404 and error_of(response)["fields"] == {"nbh_id": "not in this commune"}


def test_the_cli_keeps_the_list_and_the_log_in_step(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    grant_staff("clerk@clervaux.lu", "0501", "verifier")
    revoke_staff("clerk@clervaux.lu", "0501")
    staff = client.get("/api/v1/communes/0501/roles", headers=admin).json_body["staff"]
    assert [m["email"] for m in staff] == ["admin@clervaux.lu"]
    assert [a[0] for a in actions()[:2]] == ["staff_role_withdrawn", "staff_role_granted"]


def test_roles_held_before_the_list_existed_are_listed_once_indexed(client, outbox):
    from chalicelib.accounts.models import RoleHolderItem
    from chalicelib.accounts.roles import index_role_holders

    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    old = grant_staff("old.clerk@clervaux.lu", "0501", "editor")
    RoleHolderItem(*RoleHolderItem.key("0501", "editor", old.user_id)).delete()  # as before the list existed
    assert [m["email"] for m in client.get("/api/v1/communes/0501/roles", headers=admin).json_body["staff"]] == [
        "admin@clervaux.lu"]

    assert index_role_holders() == 2 and index_role_holders() == 2  # idempotent

    staff = client.get("/api/v1/communes/0501/roles", headers=admin).json_body["staff"]
    assert sorted(m["email"] for m in staff) == ["admin@clervaux.lu", "old.clerk@clervaux.lu"]


def test_an_empty_neighbourhood_lists_no_residents_and_an_unpublished_one_is_not_found_in_one_query(client, outbox):
    """#16: the residents' Query starts at the neighbourhood's head (written with its publication): the session and
    that Query, even when nobody lives there; before `./noper head-residents`, an empty one is read as before."""
    from chalicelib.neighbourhoods.models import NeighbourhoodItem, ResidentsHeadItem
    from chalicelib.neighbourhoods.publishing import head_residents
    from chalicelib.store.calls import count_dynamodb_calls

    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    empty = next(n.id for n in NeighbourhoodItem.query("COMMUNE#0501", NeighbourhoodItem.sk.startswith("NBH#")))
    with count_dynamodb_calls() as calls:
        listed = client.get(f"/api/v1/communes/0501/neighbourhoods/{empty}/residents", headers=admin)
    assert listed.status_code == 200 and listed.json_body["residents"] == [] and sum(calls.values()) == 2
    with count_dynamodb_calls() as calls:
        unknown = client.get("/api/v1/communes/0501/neighbourhoods/0501-8900000000f/residents", headers=admin)
    assert unknown.status_code == 404 and error_of(unknown)["fields"] == {"nbh_id": "not in this commune"}
    assert sum(calls.values()) == 3  # no head and nobody: the neighbourhood is looked for, as before the heads

    ResidentsHeadItem.of("0501", empty).delete()  # published before heads existed
    with count_dynamodb_calls() as calls:
        assert client.get(f"/api/v1/communes/0501/neighbourhoods/{empty}/residents", headers=admin).status_code == 200
    assert sum(calls.values()) == 3
    assert head_residents("0501") >= 1 and head_residents("0501") >= 1  # idempotent
    with count_dynamodb_calls() as calls:
        assert client.get(f"/api/v1/communes/0501/neighbourhoods/{empty}/residents", headers=admin).status_code == 200
    assert sum(calls.values()) == 2
