"""Inside a neighbourhood: what pending and verified residents see, and two neighbours vouching."""

import threading

import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.service import residents_key
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.addresses.service import get_address
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.neighbours import vouching
from chalicelib.verification.models import VerificationItem
from tests.api.test_residence import publish_clervaux
from tests.helpers import JSON, STAFF, body, error_of

HUPPERDANGE = "0501-891fa065313"
MARNACH = "0501-891fa06e80b"
BASE = f"/api/v1/neighbourhoods/{HUPPERDANGE}"


def make_resident(address_id, status="verified", name=None, **fields) -> UserItem:
    """A resident of the address, stored as the app stores one (verified, pending or none)."""
    address = get_address(address_id)
    user_id = new_id()
    name = name or f"res-{user_id[-5:]}"
    stored = dict(
        user_id=user_id, email=f"{name.lower()}@example.lu", display_name=name, languages=["lb"], created_at=now(),
        address_id=address.id, lau2=address.lau2, neighbourhood_id=address.neighbourhood.id, residence_status=status,
        gsi1pk=residents_key(address.neighbourhood.id), gsi1sk=f"{status}#{user_id}",
        verified_at=now() if status == "verified" else None, residence_method="staff" if status == "verified" else None,
    )
    user = UserItem(*UserItem.key(user_id), **{**stored, **fields})
    user.save()
    if user.residence_status == "verified":  # as verifying does, in its transaction
        NeighbourhoodItem(*NeighbourhoodItem.key(user.lau2, user.neighbourhood_id)).update(
            actions=[NeighbourhoodItem.member_count.add(1)])
    return user


def reload(user):
    return UserItem.get(*UserItem.key(user.user_id), consistent_read=True)


def vouch(client, act_as, voucher, candidate, neighbourhood=HUPPERDANGE):
    act_as(principal_of(reload(voucher)))
    return client.post(f"/api/v1/neighbourhoods/{neighbourhood}/vouches", headers=JSON,
                       body=body({"user_id": candidate.user_id}))


@pytest.fixture
def hupperdange():
    publish_clervaux()


# --- until verified ---------------------------------------------------------------------------

def test_a_pending_resident_sees_name_and_member_count_but_not_the_members(client, act_as, hupperdange):
    make_resident("7973-46"), make_resident("7973-48")
    newcomer = make_resident("7984-20", status="pending")
    act_as(principal_of(newcomer))

    seen = client.get(BASE)
    members = client.get(f"{BASE}/members")

    assert seen.status_code == 200
    assert seen.json_body == {"id": HUPPERDANGE, "name": "Hupperdange", "lau2": "0501", "member_count": 2}
    assert members.status_code == 404


def test_residents_of_another_neighbourhood_and_staff_get_404_on_the_neighbourhood(client, act_as, hupperdange):
    act_as(principal_of(make_resident("3765-5")))  # Marnach
    assert client.get(BASE).status_code == 404
    act_as(STAFF)
    assert client.get(BASE).status_code == 404
    act_as(principal_of(make_resident("7984-20", status="none")))
    assert client.get(BASE).status_code == 404


def test_a_stranger_gets_401(client):
    assert client.get(BASE).status_code == 401


# --- neighbours -----------------------------------------------------------------------------

def test_members_show_name_street_languages_and_new_neighbour_but_no_number_unless_chosen(client, act_as, hupperdange):
    anna = make_resident("7973-46", name="Anna", languages=["lb", "pt"])
    make_resident("7973-48", name="Ben", show_house_number=True, verified_at=None)
    act_as(principal_of(anna))

    response = client.get(f"{BASE}/members")

    assert response.status_code == 200
    members = {m["display_name"]: m for m in response.json_body["members"]}
    assert members["Anna"] == {"id": anna.user_id, "display_name": "Anna", "street": "Hauptstrooss",
                               "house_number": None, "languages": ["lb", "pt"], "new_neighbour": True}
    assert members["Ben"]["house_number"] == "48" and members["Ben"]["new_neighbour"] is False
    assert "email" not in response.body.decode() and "@" not in response.body.decode()


def test_members_who_claimed_their_address_are_listed_with_one_query(client, act_as, hupperdange):
    from chalicelib.accounts.service import claim_residence
    from chalicelib.store.calls import count_dynamodb_calls

    anna = make_resident("7973-46", name="Anna")
    ben = make_resident("7973-48", status="none", name="Ben", show_house_number=True)
    claim_residence(principal_of(ben), "7973-48")  # the claim writes the street and number on the account
    reload(ben).update(actions=[UserItem.residence_status.set("verified"), UserItem.gsi1sk.set(f"verified#{ben.user_id}")])
    anna.update(actions=[UserItem.street.set("Hauptstrooss")])
    act_as(principal_of(anna))

    with count_dynamodb_calls() as calls:
        members = {m["display_name"]: m for m in client.get(f"{BASE}/members").json_body["members"]}

    assert calls == {"Query": 1}, calls
    assert (members["Ben"]["street"], members["Ben"]["house_number"]) == ("Hauptstrooss", "48")
    assert (members["Anna"]["street"], members["Anna"]["house_number"]) == ("Hauptstrooss", None)


def test_a_resident_of_another_neighbourhood_gets_404_on_the_members(client, act_as, hupperdange):
    make_resident("7973-46")
    act_as(principal_of(make_resident("3765-5")))

    response = client.get(f"{BASE}/members")

    assert response.status_code == 404 and error_of(response)["fields"] == {"neighbourhood_id": "not found"}


def test_a_commune_admin_gets_404_on_the_members(client, act_as, hupperdange):
    make_resident("7973-46")
    act_as(STAFF)

    assert client.get(f"{BASE}/members").status_code == 404


def test_changing_privacy_settings_shows_the_house_number(client, act_as, hupperdange):
    anna = make_resident("7973-46", name="Anna")
    act_as(principal_of(anna))

    changed = client.patch("/api/v1/me", headers=JSON,
                           body=body({"show_house_number": True, "display_name": "Anna K.", "languages": ["fr", "other"]}))
    member = client.get(f"{BASE}/members").json_body["members"][0]

    assert changed.status_code == 200 and changed.json_body["show_house_number"] is True
    assert member["display_name"] == "Anna K." and member["house_number"] == "46"
    assert member["languages"] == ["fr", "other"]


@pytest.mark.parametrize("payload, field", [
    ({"languages": ["xx"]}, "languages.0"),
    ({"languages": ["lb", "lb"]}, "languages"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "x" * 41}, "display_name"),
    ({"show_house_number": "perhaps"}, "show_house_number"),
    ({"email": "new@example.lu"}, "email"),
])
def test_bad_profile_changes_answer_400_naming_the_field(client, act_as, hupperdange, payload, field):
    act_as(principal_of(make_resident("7973-46")))

    response = client.patch("/api/v1/me", headers=JSON, body=body(payload))

    assert response.status_code == 400 and field in error_of(response)["fields"]


# --- vouching -------------------------------------------------------------------------------

def test_verified_residents_see_pending_neighbours_by_name_and_street_only(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending", name="Nora")
    act_as(principal_of(make_resident("7973-46")))

    response = client.get(f"{BASE}/pending")

    assert response.status_code == 200
    assert response.json_body == {
        "pending": [{"id": newcomer.user_id, "display_name": "Nora", "street": "Kaesfurterstrooss",
                     "vouched_by_me": False, "same_household": False}],
        "vouches_left_this_month": vouching.VOUCHES_PER_MONTH,
    }


def test_a_pending_resident_cannot_see_or_vouch_for_other_pending_residents(client, act_as, hupperdange):
    make_resident("7973-60", status="pending")
    newcomer = make_resident("7984-20", status="pending")
    act_as(principal_of(newcomer))

    assert client.get(f"{BASE}/pending").status_code == 404
    assert client.post(f"{BASE}/vouches", headers=JSON, body=body({"user_id": newcomer.user_id})).status_code == 404


def test_one_vouch_leaves_the_resident_pending_and_outside(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending")

    response = vouch(client, act_as, make_resident("7973-46"), newcomer)

    assert response.status_code == 201
    assert response.json_body == {"user_id": newcomer.user_id, "status": "pending", "households_vouching": 1}
    act_as(principal_of(reload(newcomer)))
    assert client.get(f"{BASE}/members").status_code == 404


def test_two_vouches_from_one_household_leave_the_resident_pending(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending")
    first, second = make_resident("7973-46"), make_resident("7973-46")

    vouch(client, act_as, first, newcomer)
    response = vouch(client, act_as, second, newcomer)

    assert response.status_code == 201 and response.json_body["status"] == "pending"
    assert reload(newcomer).residence_status == "pending"
    act_as(principal_of(reload(newcomer)))
    assert client.get(f"{BASE}/members").status_code == 404


def test_two_households_vouching_verify_the_resident_with_the_vouchers_recorded(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending")
    first, second = make_resident("7973-46"), make_resident("7973-48")

    vouch(client, act_as, first, newcomer)
    response = vouch(client, act_as, second, newcomer)

    assert response.status_code == 201
    assert response.json_body == {"user_id": newcomer.user_id, "status": "verified", "households_vouching": 2}
    verified = reload(newcomer)
    assert (verified.residence_status, verified.residence_method) == ("verified", "vouches")
    assert verified.gsi1sk == f"verified#{newcomer.user_id}"
    records = list(VerificationItem.query(f"USER#{newcomer.user_id}", VerificationItem.sk.startswith("VERIFICATION#")))
    assert [(r.method, r.decision, set(r.by.split(","))) for r in records] == \
        [("vouches", "approved", {first.user_id, second.user_id})]
    act_as(principal_of(verified))
    members = client.get(f"{BASE}/members")
    assert members.status_code == 200 and newcomer.user_id in {m["id"] for m in members.json_body["members"]}
    assert client.get(BASE).json_body["member_count"] == 3


def test_a_vouch_from_the_residents_own_household_is_403_naming_user_id(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending")

    response = vouch(client, act_as, make_resident("7984-20"), newcomer)

    # Separation of duties (policy.not_own_case): nobody vouches for their own household.
    assert response.status_code == 403 and error_of(response)["fields"] == {"user_id": "your own household"}
    assert "another household" in error_of(response)["message"]
    assert reload(newcomer).residence_status == "pending"


def test_nobody_vouches_for_themselves(client, act_as, hupperdange):
    me = make_resident("7973-46")

    response = vouch(client, act_as, me, me)

    assert response.status_code == 403 and error_of(response)["fields"] == {"user_id": "your own case"}
    assert "two neighbours" in error_of(response)["message"]


def test_vouching_twice_for_the_same_neighbour_is_409(client, act_as, hupperdange):
    newcomer = make_resident("7984-20", status="pending")
    voucher = make_resident("7973-46")

    vouch(client, act_as, voucher, newcomer)
    again = vouch(client, act_as, voucher, newcomer)

    assert again.status_code == 409 and error_of(again)["fields"] == {"user_id": "already vouched"}
    assert client.get(f"{BASE}/pending").json_body["vouches_left_this_month"] == vouching.VOUCHES_PER_MONTH - 1


def test_vouching_for_someone_not_pending_here_is_404_naming_user_id(client, act_as, hupperdange):
    voucher = make_resident("7973-46")
    elsewhere = make_resident("3765-5", status="pending")
    already = make_resident("7973-48")

    for candidate_id in (elsewhere.user_id, already.user_id, "01NOSUCHUSER0000000000000"):
        act_as(principal_of(voucher))
        response = client.post(f"{BASE}/vouches", headers=JSON, body=body({"user_id": candidate_id}))
        assert response.status_code == 404, candidate_id
        assert error_of(response)["fields"] == {"user_id": "not pending here"}


@pytest.mark.parametrize("payload, field", [({"user_id": ""}, "user_id"), ({"user_id": 5}, "user_id"),
                                            ({}, "user_id"), ({"user_id": "a b"}, "user_id"),
                                            ({"user_id": "X", "extra": 1}, "extra")])
def test_bad_vouches_answer_400_naming_the_field(client, act_as, hupperdange, payload, field):
    act_as(principal_of(make_resident("7973-46")))

    response = client.post(f"{BASE}/vouches", headers=JSON, body=body(payload))

    assert response.status_code == 400 and field in error_of(response)["fields"]


def test_a_resident_can_vouch_only_a_few_times_a_month(client, act_as, hupperdange):
    voucher = make_resident("7973-46")
    addresses = ["7973-48", "7973-58", "7973-60", "7973-62A", "7973-62B", "7981-10"]
    newcomers = [make_resident(a, status="pending") for a in addresses]

    answers = [vouch(client, act_as, voucher, n).status_code for n in newcomers]

    assert answers == [201] * vouching.VOUCHES_PER_MONTH + [429]
    refused = vouch(client, act_as, voucher, newcomers[-1])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert client.get(f"{BASE}/pending").json_body["vouches_left_this_month"] == 0


def test_the_month_is_luxembourgs_calendar_month():
    from datetime import datetime, timezone

    month, ends = vouching._month(datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc))  # 00:30 on 1 Feb in Luxembourg
    assert month == "2025-02" and ends.isoformat() == "2025-03-01T00:00:00+01:00"
    assert vouching._month(datetime(2025, 12, 15, tzinfo=timezone.utc))[1].isoformat() == "2026-01-01T00:00:00+01:00"


def test_two_concurrent_vouches_from_different_households_verify_exactly_once(hupperdange):
    for _ in range(3):  # a few rounds: the race must never double-verify nor miss
        newcomer = make_resident("7984-20", status="pending")
        vouchers = [make_resident("7973-46"), make_resident("7973-48")]
        start, results, errors = threading.Barrier(2), [], []

        def give(voucher):
            start.wait()
            try:
                results.append(vouching.vouch(principal_of(voucher), HUPPERDANGE, newcomer.user_id))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=give, args=(v,)) for v in vouchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert not errors
        assert "verified" in {r.status for r in results}
        records = list(VerificationItem.query(f"USER#{newcomer.user_id}", VerificationItem.sk.startswith("VERIFICATION#")))
        assert len(records) == 1 and reload(newcomer).residence_status == "verified"


# --- the member count on the neighbourhood ------------------------------------------------------

def test_the_member_count_stays_right_through_verifications_moves_boundaries_and_erasures(client, act_as, hupperdange):
    from chalicelib.accounts.service import claim_residence
    from chalicelib.accounts.verification import verify_resident
    from chalicelib.accounts.your_data import erase_my_account
    from chalicelib.neighbourhoods import service as neighbourhoods
    from chalicelib.neighbourhoods.models import DrawnNeighbourhoods
    from chalicelib.neighbours.service import member_count, recount_members
    from chalicelib.store.calls import count_dynamodb_calls

    def kept():  # the count on each published neighbourhood, against a COUNT Query of its verified residents
        items = NeighbourhoodItem.query("COMMUNE#0501", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX))
        counts = {item.id: (int(item.member_count), member_count(item.id)) for item in items}
        assert all(stored == counted for stored, counted in counts.values()), counts
        return {nbh: stored for nbh, (stored, _) in counts.items()}

    first, second = make_resident("7973-46"), make_resident("7973-48")
    newcomer, marnach = make_resident("7984-20", status="pending"), make_resident("3765-5")
    assert kept() == {HUPPERDANGE: 2, MARNACH: 1}
    verify_resident(reload(newcomer), "staff", "staff")
    assert kept() == {HUPPERDANGE: 3, MARNACH: 1}
    act_as(principal_of(reload(newcomer)))
    with count_dynamodb_calls() as calls:
        assert client.get(BASE).json_body["member_count"] == 3
    assert calls == {"Query": 1}  # the neighbourhood, its count on it (act_as: no session read)
    claim_residence(principal_of(reload(first)), "3765-12")  # moves to Marnach: pending there
    assert kept() == {HUPPERDANGE: 2, MARNACH: 1}
    erase_my_account(principal_of(reload(second)), "remove")
    assert kept() == {HUPPERDANGE: 1, MARNACH: 1}
    # One neighbourhood drawn round both villages (continuing Hupperdange's id): Marnach's verified move in
    whole_north = [[[5.9, 50.0], [6.2, 50.0], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Clervaux-Nord"}, "geometry": {"type": "Polygon", "coordinates": whole_north}}]}
    neighbourhoods.publish("0501", neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn)).version)
    assert reload(marnach).neighbourhood_id == reload(newcomer).neighbourhood_id
    assert set(kept().values()) == {2}
    # Items written before the count: counted by a Query until `./noper count-members` sets it
    (item,) = NeighbourhoodItem.query("COMMUNE#0501", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX))
    item.update(actions=[NeighbourhoodItem.member_count.remove()])
    assert client.get(f"/api/v1/neighbourhoods/{item.id}").json_body["member_count"] == 2
    assert recount_members("0501") == 1 and set(kept().values()) == {2}


def test_the_pending_list_is_one_query_after_the_session_on_every_device(client, hupperdange):
    from chalicelib.accounts.signin import start_session
    from chalicelib.store.calls import count_dynamodb_calls

    def device(user, name):
        opened = start_session(reload(user), name)
        return {**JSON, "Cookie": f"noper_session={opened.token}; noper_csrf={opened.csrf}", "X-CSRF-Token": opened.csrf}

    voucher = make_resident("7973-46")
    def pending(address_id, name):  # as claims store them now: with their street
        return make_resident(address_id, status="pending", name=name, street=get_address(address_id).street)

    nora, otto = pending("7984-20", "Nora"), pending("3765-5", "Otto")
    earlier = pending("7973-60", "Earlier")  # vouched before candidates kept their vouchers
    phone, laptop = device(voucher, "phone"), device(voucher, "laptop")
    assert client.post(f"{BASE}/vouches", headers=phone, body=body({"user_id": nora.user_id})).status_code == 201
    earlier_vouch = client.post(f"{BASE}/vouches", headers=phone, body=body({"user_id": earlier.user_id}))
    assert earlier_vouch.status_code == 201
    UserItem(*UserItem.key(earlier.user_id)).update(actions=[UserItem.vouchers.remove()])

    # The laptop's first request of the week learns that the phone counted its resident weekly active (#14): once.
    assert client.get(f"{BASE}/pending", headers=laptop).status_code == 200
    for headers in (phone, laptop):
        with count_dynamodb_calls() as calls:
            page = client.get(f"{BASE}/pending", headers=headers).json_body
        assert page["vouches_left_this_month"] == vouching.VOUCHES_PER_MONTH - 2  # the laptop knows the phone's
        assert {p["display_name"]: p["vouched_by_me"] for p in page["pending"]} == {"Nora": True, "Earlier": True}
        assert calls == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}  # the session, the list, Earlier's vouch
    assert otto.user_id not in {p["id"] for p in page["pending"]}  # Marnach's
    UserItem(*UserItem.key(voucher.user_id)).update(actions=[UserItem.vouches_month.remove()])
    assert vouching.copy_vouches_onto_accounts() >= 3  # the upgrade: the vouchers and my month's count
    assert reload(earlier).vouchers == {voucher.user_id} and reload(voucher).vouches_in_month == 2
    with count_dynamodb_calls() as calls:
        assert client.get(f"{BASE}/pending", headers=laptop).status_code == 200
    assert calls == {"GetItem": 1, "Query": 1}
    assert client.get(f"{BASE}/pending", headers=laptop).json_body["vouches_left_this_month"] == 3
    # A new claim starts afresh: vouches are for an address
    from chalicelib.accounts.service import claim_residence

    claim_residence(principal_of(reload(nora)), "7973-48")
    assert reload(nora).vouchers is None and reload(nora).vouchers_listed
    with count_dynamodb_calls() as calls:
        page = client.get(f"{BASE}/pending", headers=laptop).json_body
    assert {p["display_name"]: p["vouched_by_me"] for p in page["pending"]} == {"Nora": False, "Earlier": True}
    assert calls == {"GetItem": 1, "Query": 1}  # nobody vouched for Nora at her new address: no read either
