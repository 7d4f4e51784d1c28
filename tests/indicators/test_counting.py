"""Each indicator's write path counts once: retries, repeats and concurrent requests do not double count."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from chalicelib.accounts.models import SessionItem, UserItem
from chalicelib.accounts.signin import start_session
from chalicelib.adapters import clock
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.content.once import ActiveWeekItem, WelcomeWindowItem, active_this_week, resident_verified, welcomed
from chalicelib.neighbourhoods.models import HouseholdItem, NeighbourhoodItem, count_household, move_household
from chalicelib.policy import Principal
from chalicelib.store.table import transaction
from tests.helpers import JSON, body

N1 = "0501-n1"
ANNA = Principal(user_id="U-anna", lau2="0501", neighbourhood_id=N1, residence_status="verified")
BEN = Principal(user_id="U-ben", lau2="0501", neighbourhood_id=N1, residence_status="verified")
CARL = Principal(user_id="U-carl", lau2="0501", neighbourhood_id=N1, residence_status="verified")


def this_week(name, nbh=N1):
    try:
        return getattr(WeekStatsItem.get(*WeekStatsItem.key(nbh, iso_week()), consistent_read=True), name) or 0
    except WeekStatsItem.DoesNotExist:
        return 0


def verified_user(user_id):
    user = UserItem(*UserItem.key(user_id), user_id=user_id, email=f"{user_id}@example.lu", created_at=clock.now(),
                    address_id="A1", lau2="0501", neighbourhood_id=N1, residence_status="verified")
    user.save()
    return user


def test_one_resident_making_20_concurrent_requests_counts_once_as_weekly_active():
    # Given two sessions of one resident (a phone and a laptop), neither having counted this week
    user = verified_user("U-anna")
    start_session(user, "phone"), start_session(user, "laptop")
    sessions = list(SessionItem.by_user.query(SessionItem.user_key("U-anna")))
    # When 20 requests arrive at once, each having read its session before any wrote
    copies = [SessionItem.get(sessions[n % 2].pk, sessions[n % 2].sk) for n in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda session: active_this_week(session, "U-anna", N1), copies))
    # Then she counts once, and both sessions know the week (their next requests write nothing)
    assert this_week("weekly_active") == 1
    assert all(SessionItem.get(s.pk, s.sk).active_week == iso_week() for s in sessions)
    assert ActiveWeekItem.get(*ActiveWeekItem.key("U-anna", iso_week())).ttl is not None


def test_a_request_with_a_session_counts_its_verified_resident_once_a_week(client):
    user = verified_user("U-anna")
    opened = start_session(user, "phone")
    headers = {"Cookie": f"noper_session={opened.token}; noper_csrf={opened.csrf}"}
    for _ in range(3):
        assert client.get("/api/v1/me/sessions", headers=headers).status_code == 200
    assert this_week("weekly_active") == 1


def write_post(client, payload):
    response = client.post(f"/api/v1/neighbourhoods/{N1}/posts", headers=JSON, body=body(payload))
    assert response.status_code == 201, response.body
    return response.json_body


HELP = {"kind": "help_request", "title": "Ladder", "text": "Need help with a ladder on Saturday"}


def test_posts_count_by_kind_and_thanks_count_once_per_neighbour(client, act_as):
    act_as(ANNA)
    post = write_post(client, HELP)
    write_post(client, {"kind": "discussion", "title": "Street party", "text": "Who is in for June?"})
    act_as(BEN)
    for _ in range(2):  # a retried thanks is the same thanks
        assert client.put(f"/api/v1/posts/{post['id']}/thanks").status_code == 200
    assert (this_week("posts"), this_week("posts_help_request"), this_week("posts_discussion")) == (2, 1, 1)
    assert this_week("thanks") == 1
    assert client.delete(f"/api/v1/posts/{post['id']}/thanks").status_code == 200
    assert this_week("thanks") == 0


def test_a_help_request_counts_its_first_answer_once_in_its_bucket(client, act_as):
    act_as(ANNA)
    post = write_post(client, HELP)
    comment = f"/api/v1/posts/{post['id']}/comments"
    assert client.post(comment, headers=JSON, body=body({"text": "Anyone?"})).status_code == 201  # its author's own
    assert this_week("help_requests_answered") == 0
    for neighbour in (BEN, CARL, BEN):  # answers after the first one are not first answers
        act_as(neighbour)
        assert client.post(comment, headers=JSON, body=body({"text": "I can"})).status_code == 201
    assert this_week("comments") == 4
    assert this_week("help_requests_answered") == 1 and this_week("first_answer_1h") == 1


def test_a_newcomer_counts_welcomed_once_within_their_first_week():
    stamp = clock.now()
    with transaction() as t:
        resident_verified(t, "U-new", N1, stamp)
    assert this_week("verified_gained") == 1
    welcomed("U-new", "U-new", N1)  # writing to oneself is no welcome
    assert this_week("newcomers_welcomed") == 0
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda n: welcomed(f"U-{n}", "U-new", N1), range(10)))
    assert this_week("newcomers_welcomed") == 1
    # A newcomer whose week is over is not counted
    with transaction() as t:
        resident_verified(t, "U-late", N1, stamp - timedelta(days=8))
    welcomed("U-ben", "U-late", N1)
    assert this_week("newcomers_welcomed") == 1
    assert WelcomeWindowItem.get(*WelcomeWindowItem.key("U-late")).welcomed_at is None


def test_a_household_counts_when_its_first_resident_is_verified_and_until_its_last_leaves():
    NeighbourhoodItem(*NeighbourhoodItem.key("0501", N1), id=N1, lau2="0501", name="N1", address_count=10, cells=[],
                      version=1, published_at=clock.now(), gsi1pk=f"NBH#{N1}", gsi1sk="NEIGHBOURHOOD").save()

    def households():
        return NeighbourhoodItem.get(*NeighbourhoodItem.key("0501", N1), consistent_read=True).household_count or 0

    with ThreadPoolExecutor(max_workers=4) as pool:  # two residents of one address verified at once, and another
        list(pool.map(lambda address: count_household("0501", N1, address, 1), ["A1", "A1", "A2"]))
    assert households() == 2 and this_week("households_gained") == 2
    count_household("0501", N1, "A1", -1)
    assert households() == 2  # one resident of A1 is still verified
    count_household("0501", N1, "A1", -1)
    assert households() == 1 and this_week("households_lost") == 1


N2 = "0501-n2"


def published(*nbh_ids):
    for nbh_id in nbh_ids:
        NeighbourhoodItem(*NeighbourhoodItem.key("0501", nbh_id), id=nbh_id, lau2="0501", name=nbh_id,
                          address_count=10, cells=[], version=1, published_at=clock.now(), gsi1pk=f"NBH#{nbh_id}",
                          gsi1sk="NEIGHBOURHOOD").save()


def households_in(nbh_id):
    return NeighbourhoodItem.get(*NeighbourhoodItem.key("0501", nbh_id), consistent_read=True).household_count or 0


def test_a_household_moved_by_its_residents_moves_once_even_when_they_move_at_once():
    published(N1, N2)
    count_household("0501", N1, "A1", 1), count_household("0501", N1, "A1", 1)
    # Two publications at once move its two residents, each run trying the household
    with ThreadPoolExecutor(max_workers=4) as pool:
        moved = list(pool.map(lambda _: move_household("0501", "A1", N1, N2), range(4)))
    assert moved.count(True) == 1
    assert (households_in(N1), households_in(N2)) == (0, 1)
    assert (this_week("households_lost", N1), this_week("households_gained", N2)) == (1, 1)
    # Its last resident leaving counts it out of the neighbourhood it moved to
    count_household("0501", N2, "A1", -1), count_household("0501", N2, "A1", -1)
    assert households_in(N2) == 0 and this_week("households_lost", N2) == 1


def test_a_household_counted_before_it_kept_its_neighbourhood_moves_from_the_old_one():
    published(N1, N2)
    count_household("0501", N1, "A1", 1)
    HouseholdItem(*HouseholdItem.key("A1")).update(actions=[HouseholdItem.neighbourhood_id.remove()])

    assert move_household("0501", "A1", N1, N2) is True
    assert (households_in(N1), households_in(N2)) == (0, 1)
    assert move_household("0501", "A1", N1, N2) is False  # again: nothing


def test_a_household_without_verified_residents_does_not_move():
    published(N1, N2)
    count_household("0501", N1, "A1", 1), count_household("0501", N1, "A1", -1)

    assert move_household("0501", "A1", N1, N2) is False
    assert (households_in(N1), households_in(N2)) == (0, 0)


def test_a_resident_verified_in_the_new_neighbourhood_before_the_others_moved_moves_the_household_once():
    # Given a household counted in N1, whose address new boundaries put in N2; a pending resident already moved
    published(N1, N2)
    count_household("0501", N1, "A1", 1)
    # When that resident is verified in N2 before the household's verified resident is moved
    count_household("0501", N2, "A1", 1)
    assert (households_in(N1), households_in(N2)) == (0, 1)
    # Then moving the other resident moves nothing more
    assert move_household("0501", "A1", N1, N2) is False
    assert (households_in(N1), households_in(N2)) == (0, 1)
    assert (this_week("households_lost", N1), this_week("households_gained", N2)) == (1, 1)


def test_a_household_moves_into_the_new_neighbourhood_when_the_old_one_is_gone():
    published(N2)  # N1 no longer published
    count_household("0501", N1, "A1", 1)

    assert move_household("0501", "A1", N1, N2) is True
    assert households_in(N2) == 1 and this_week("households_gained", N2) == 1
    assert this_week("households_lost", N1) == 0


def test_turning_a_topic_off_counts_one_unsubscribe_and_doing_it_again_counts_nothing():
    from chalicelib.notifications import settings

    verified_user("U-anna")
    settings.change("U-anna", {"digest": False})
    settings.change("U-anna", {"digest": False})  # the one-click link followed twice
    settings.change("U-anna", {"digest": True, "messages": True})  # on again: no unsubscribe
    assert this_week("unsubscribes") == 1
    settings.change("U-anna", {"digest": False, "events": False})
    assert this_week("unsubscribes") == 3


def test_moderators_hiding_and_appeals_count_in_the_posts_week(client, act_as):
    from tests.moderation.test_moderation import AMB1, AMB2, appeal, decide, moderate

    act_as(ANNA)
    kept, shown = write_post(client, {"kind": "discussion", "title": "A", "text": "One"}), \
        write_post(client, {"kind": "discussion", "title": "B", "text": "Two"})
    act_as(AMB1)
    for post in (kept, shown):
        assert moderate(client, post["id"], "hide", "harassment").status_code == 200
        assert moderate(client, post["id"], "hide", "harassment").status_code == 409  # hidden already: no count
    assert this_week("posts_hidden") == 2
    act_as(ANNA)
    appeal(client, kept["id"]), appeal(client, shown["id"])
    act_as(AMB2)
    assert decide(client, kept["id"], "uphold", "still rude").status_code == 200
    assert decide(client, shown["id"], "restore", "fair enough").status_code == 200
    assert decide(client, shown["id"], "restore", "fair enough").status_code == 409  # decided: no count
    assert (this_week("appeals"), this_week("appeals_upheld"), this_week("posts_hidden")) == (2, 1, 1)


def test_verifying_and_leaving_count_residents_and_households_in_their_week():
    from chalicelib.accounts.verification import verify_resident

    NeighbourhoodItem(*NeighbourhoodItem.key("0501", N1), id=N1, lau2="0501", name="N1", address_count=10, cells=[],
                      version=1, published_at=clock.now(), gsi1pk=f"NBH#{N1}", gsi1sk="NEIGHBOURHOOD",
                      member_count=0).save()
    for user_id in ("U-one", "U-two"):  # two residents of one address
        UserItem(*UserItem.key(user_id), user_id=user_id, email=f"{user_id}@example.lu", created_at=clock.now(),
                 address_id="A1", lau2="0501", neighbourhood_id=N1, residence_status="pending",
                 gsi1pk=f"NBH#{N1}#RESIDENTS", gsi1sk=f"pending#{user_id}").save()
        verify_resident(UserItem.get(*UserItem.key(user_id)), "staff", "U-clerk")
    assert this_week("verified_gained") == 2 and this_week("households_gained") == 1
    stored = NeighbourhoodItem.get(*NeighbourhoodItem.key("0501", N1), consistent_read=True)
    assert (stored.member_count, stored.household_count) == (2, 1)
    assert WelcomeWindowItem.get(*WelcomeWindowItem.key("U-one")).until > clock.now()


def test_an_accounts_first_claim_in_a_commune_counts_it_registered_once(client, outbox):
    from tests.api.test_residence import publish_clervaux
    from tests.api.test_sign_in import session_headers, sign_in

    publish_clervaux()
    headers = session_headers(sign_in(client, outbox))
    claimed = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "7984-20"}))
    assert claimed.status_code == 200, claimed.body
    nbh = claimed.json_body["residence"]["neighbourhood"]["id"]
    for address in ("7984-20", "7973-46"):  # again, then another address: claims, not new accounts
        client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": address}))
    assert this_week("registered", nbh) == 1


def test_a_household_counts_active_once_a_week_whichever_of_its_residents_comes_first():
    # Two residents of one address and one of another, each using Noper this week (20 requests at once for the two)
    before, households_before = this_week("weekly_active"), this_week("households_active")
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda n: active_this_week(None, ("U-hh-a", "U-hh-b")[n % 2], N1, "A-household"), range(20)))
    active_this_week(None, "U-hh-c", N1, "A-next-door")
    active_this_week(None, "U-hh-c", N1, "A-next-door")  # a second session of the week: nothing more
    assert this_week("weekly_active") - before == 3
    assert this_week("households_active") - households_before == 2
