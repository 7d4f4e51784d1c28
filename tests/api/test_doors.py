"""Every door leads somewhere (issue #15, point 5): `/api/v1/me` names every role the policy knows, so the
web app can show each person the way to where they work; the commune's staff opening a neighbourhood's
moderation are told who moderates it (403), while everyone else still meets 404."""

from chalicelib.accounts.roles import make_operator
from tests.api.test_letters import resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import error_of


def me(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.body
    return response.json_body


def verified(client, outbox, admin, email, address_id="7984-20"):
    headers = resident_headers(client, outbox, email, address_id)
    profile = me(client, headers)
    decided = client.post(f"/api/v1/communes/0501/verifications/{profile['id']}", headers=admin,
                          body=b'{"decision": "approve"}')
    assert decided.status_code == 200, decided.body
    return headers, me(client, headers)


def test_me_names_every_role_the_policy_knows(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    anna, anna_profile = verified(client, outbox, admin, "anna@example.lu")
    ben, ben_profile = verified(client, outbox, admin, "ben@example.lu", "7984-20")
    nbh = anna_profile["residence"]["neighbourhood"]["id"]
    newcomer = session_headers(sign_in(client, outbox, "new@example.lu"))

    assert me(client, newcomer)["roles"] == ["resident"]
    assert me(client, admin)["roles"] == ["resident", "staff:admin"]
    assert me(client, admin)["staff"] == [{"lau2": "0501", "role": "admin"}]

    assert client.put(f"/api/v1/communes/0501/ambassadors/{anna_profile['id']}", headers=admin).status_code == 200
    assert client.put(f"/api/v1/communes/0501/moderators/{ben_profile['id']}", headers=admin).status_code == 200
    assert me(client, anna)["roles"] == ["resident", f"ambassador:{nbh}"]
    assert me(client, ben)["roles"] == ["resident", "moderator:0501"]

    make_operator("ben@example.lu")
    assert me(client, ben)["roles"] == ["resident", "moderator:0501", "operator"]

    # dismissed: the role leaves the profile on the next request
    assert client.delete(f"/api/v1/communes/0501/moderators/{ben_profile['id']}", headers=admin).status_code == 200
    assert me(client, ben)["roles"] == ["resident", "operator"]


def test_the_communes_staff_are_told_who_moderates_a_neighbourhood_others_meet_404(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    _, anna_profile = verified(client, outbox, admin, "anna@example.lu")
    nbh = anna_profile["residence"]["neighbourhood"]["id"]
    ben, ben_profile = verified(client, outbox, admin, "ben@example.lu")
    pending = resident_headers(client, outbox, "carl@example.lu")
    editor = staff_headers(client, outbox, email="editor@clervaux.lu", role="editor")
    elsewhere = staff_headers(client, outbox, email="admin@consdorf.lu", lau2="1004", role="admin")

    for path in (f"/api/v1/neighbourhoods/{nbh}/reports", f"/api/v1/neighbourhoods/{nbh}/moderation-log",
                 f"/api/v1/neighbourhoods/{nbh}/appeals"):
        for clerk in (admin, editor):
            refused = client.get(path, headers=clerk)
            assert refused.status_code == 403, (path, refused.body)
            assert error_of(refused)["fields"] == {"neighbourhood_id": "moderated by its residents"}
            assert "ambassadors" in error_of(refused)["message"] and "moderators" in error_of(refused)["message"]
        # staff of another commune, residents who do not moderate, a pending resident: no such content
        for stranger in (elsewhere, ben, pending):
            assert client.get(path, headers=stranger).status_code == 404, path
    # the commune's moderator, once appointed, finds the queue
    assert client.put(f"/api/v1/communes/0501/moderators/{ben_profile['id']}", headers=admin).status_code == 200
    assert client.get(f"/api/v1/neighbourhoods/{nbh}/reports", headers=ben).status_code == 200
