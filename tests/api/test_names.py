"""The name neighbours see: asked when joining (never taken from the email), kept in the profile, shown
everywhere a person is shown; accounts made before the question are asked once."""

from chalicelib.accounts.models import ProfileUpdate, UserItem
from chalicelib.accounts.service import update_profile
from chalicelib.accounts.principals import principal_of
from chalicelib.neighbours.service import members
from tests.api.test_letters import pending_resident, staff_headers
from tests.api.test_neighbours import HUPPERDANGE, make_resident, reload
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import body


def me(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.body
    return response.json_body


def test_a_new_account_has_no_name_until_it_chooses_one_and_is_asked_for_it(client, outbox):
    headers = session_headers(sign_in(client, outbox, "newbie1280@example.lu"))

    profile = me(client, headers)

    assert profile["display_name"] == "" and profile["name_chosen"] is False
    stored = UserItem.get(*UserItem.key(profile["id"]))
    assert "newbie1280" not in stored.display_name


def test_choosing_a_name_keeps_it_and_stops_asking(client, outbox):
    headers = session_headers(sign_in(client, outbox, "nora.weber@example.lu"))

    changed = client.patch("/api/v1/me", headers=headers, body=body({"display_name": "  Nora W. "}))

    assert changed.status_code == 200, changed.body
    assert (changed.json_body["display_name"], changed.json_body["name_chosen"]) == ("Nora W.", True)
    again = session_headers(sign_in(client, outbox, "nora.weber@example.lu"))
    assert me(client, again)["name_chosen"] is True


def test_an_older_account_named_after_its_email_is_asked_once_and_shown_without_it(client, act_as):
    # Given an account from before the question: its name is its email's first part, no choice recorded
    publish_clervaux()
    old = make_resident("7973-46", name="marc1975")
    assert old.email == "marc1975@example.lu" and old.name_chosen is None
    neighbour = make_resident("7973-48", name="Lena")

    listed = {m.id: m.display_name for m in members(HUPPERDANGE).members}

    assert listed[old.user_id] == "" and listed[neighbour.user_id] == "Lena"
    act_as(principal_of(reload(old)))
    profile = client.get("/api/v1/me").json_body
    assert profile["name_chosen"] is False and profile["display_name"] == ""
    act_as(principal_of(reload(neighbour)))
    assert client.get("/api/v1/me").json_body["name_chosen"] is True  # a name that is not the email's: chosen


def test_neighbours_vouching_see_the_chosen_name_or_nothing_never_the_email(client, act_as):
    publish_clervaux()
    unnamed = make_resident("7984-20", status="pending", name="newbie1280")
    named = make_resident("7984-20", status="pending", name="Paul", name_chosen=True)
    voucher = make_resident("7973-46", name="Lena")
    act_as(principal_of(reload(voucher)))

    pending = client.get(f"/api/v1/neighbourhoods/{HUPPERDANGE}/pending")

    assert pending.status_code == 200, pending.body
    shown = {p["id"]: p["display_name"] for p in pending.json_body["pending"]}
    assert shown == {unnamed.user_id: "", named.user_id: "Paul"}
    assert "newbie1280" not in pending.body.decode()


def test_the_verification_queue_shows_the_chosen_name(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna.k@example.lu")
    update_profile(principal_of(anna), ProfileUpdate(display_name="Anna K."))  # as the profile screen does
    ben = pending_resident("ben@example.lu", address_id="7973-46")
    clerk = staff_headers(client, outbox)

    listed = client.get("/api/v1/communes/0501/verifications?status=pending", headers=clerk).json_body["residents"]

    names = {r["user_id"]: (r["display_name"], r["email"]) for r in listed}
    assert names == {anna.user_id: ("Anna K.", "anna.k@example.lu"), ben.user_id: ("", "ben@example.lu")}


def test_a_post_shows_the_chosen_name_and_no_email_derived_one(client, act_as):
    publish_clervaux()
    author = make_resident("7973-46", name="lux4ever")
    act_as(principal_of(reload(author)))
    written = client.post(f"/api/v1/neighbourhoods/{HUPPERDANGE}/posts", headers={"Content-Type": "application/json"},
                          body=body({"kind": "discussion", "title": "Moien", "text": "Ech sinn nei hei."}))
    assert written.status_code == 201, written.body
    assert written.json_body.get("author_name") is None

    client.patch("/api/v1/me", headers={"Content-Type": "application/json"}, body=body({"display_name": "Luc S."}))
    again = client.post(f"/api/v1/neighbourhoods/{HUPPERDANGE}/posts", headers={"Content-Type": "application/json"},
                        body=body({"kind": "discussion", "title": "Moien", "text": "Nach eng Kéier."}))
    assert again.json_body["author_name"] == "Luc S."
