"""Welcome buddies (issue #12, point 4): a newly verified resident is offered the buddy of their neighbourhood with
the fewest pairs who speaks one of their languages; both accept (made once, counted once, even at the same
moment); either declines or ends; blocks keep people apart; erasure ends the pairs."""

from concurrent.futures import ThreadPoolExecutor

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.verification import verify_resident
from chalicelib.adapters import clock
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.errors import Conflict
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.policy import Principal
from chalicelib.volunteering import buddies
from chalicelib.volunteering.buddies import PairItem, erase_volunteering, export_volunteering
from chalicelib.volunteering.offers import BuddyItem
from tests.api.test_posts import N1, N2, resident
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import make_resident, mails_to


def buddy(client, act_as, user_id, languages, nbh=N1):
    make_resident(user_id, nbh=nbh, languages=("en",))
    act_as(resident(user_id, nbh=nbh))
    response = client.put("/api/v1/me/volunteering", headers=JSON, body=body({"languages": languages, "buddy": True}))
    assert response.status_code == 200, response.body
    return resident(user_id, nbh=nbh)


def pairs(client, act_as, principal):
    act_as(principal)
    response = client.get("/api/v1/me/buddy-pairs")
    assert response.status_code == 200, response.body
    return response.json_body["pairs"]


def act(client, act_as, principal, pair_id, verb):
    act_as(principal)
    return client.post(f"/api/v1/buddy-pairs/{pair_id}/{verb}")


def paired_this_week(nbh=N1) -> int:
    try:
        return int(WeekStatsItem.get(*WeekStatsItem.key(nbh, iso_week()), consistent_read=True).buddies_paired or 0)
    except WeekStatsItem.DoesNotExist:
        return 0


def test_verification_offers_a_buddy_who_speaks_a_language_of_the_newcomer_by_email_to_both(client, act_as, outbox):
    buddy(client, act_as, "U-lena", ["de"])  # speaks none of the newcomer's languages
    maria = buddy(client, act_as, "U-maria", ["pt", "fr"])
    NeighbourhoodItem(*NeighbourhoodItem.key("0501", N1), gsi1pk=f"NBH#{N1}", gsi1sk="NEIGHBOURHOOD", id=N1,
                      lau2="0501", name="Centre", address_count=10, cells=[], version=1, published_at=clock.now(),
                      member_count=2).save()
    newcomer = make_resident("U-joao", status="pending", languages=("pt",))
    newcomer.address_id = "A-1"
    newcomer.save()
    verify_resident(newcomer, "staff", "staff")  # the residence email's job offers the buddy

    offered = pairs(client, act_as, resident("U-joao"))
    assert [(p["role"], p["with_user_id"], p["with_name"], p["state"]) for p in offered] == [
        ("newcomer", "U-maria", "Maria", "offered")]
    assert [(p["role"], p["with_user_id"], p["with_name"]) for p in pairs(client, act_as, maria)] == [
        ("buddy", "U-joao", "Joao")]
    assert len(mails_to(outbox, newcomer.email)) == 2  # verified, and the buddy offered
    to_maria = mails_to(outbox, UserItem.get(*UserItem.key("U-maria")).email)
    assert [mail["subject"] for mail in to_maria] == ["A new neighbour to welcome: Joao"]  # her account speaks en
    assert BuddyItem.get(*BuddyItem.key(N1, "U-maria")).pairs == 1


def test_the_buddy_with_the_fewest_pairs_is_offered_and_nobody_fits_means_nothing(client, act_as):
    busy = buddy(client, act_as, "U-ana", ["fr"])
    buddy(client, act_as, "U-bea", ["fr"])
    make_resident("U-first", languages=("fr",))
    assert buddies.offer_buddy("U-first").buddy_id == "U-ana"  # tie: the first by id
    make_resident("U-second", languages=("fr",))
    assert buddies.offer_buddy("U-second").buddy_id == "U-bea"  # Ana has one pair now
    assert buddies.offer_buddy("U-second") is None  # one open pair at a time
    make_resident("U-third", languages=("ar",))
    assert buddies.offer_buddy("U-third") is None  # nobody speaks Arabic
    act_as(resident("U-third"))
    response = client.post("/api/v1/me/buddy-pairs")
    assert response.status_code == 409 and error_of(response)["fields"] == {"languages": "no buddy fits"}
    # Another neighbourhood's buddy is never offered
    make_resident("U-far", nbh=N2, languages=("fr",))
    assert buddies.offer_buddy("U-far") is None
    assert busy.user_id == "U-ana"


def test_both_accept_then_the_pair_is_made_and_counted_once_either_ends_it(client, act_as):
    ana = buddy(client, act_as, "U-ana", ["fr"])
    make_resident("U-new", languages=("fr",))
    newcomer = resident("U-new")
    act_as(newcomer)
    asked = client.post("/api/v1/me/buddy-pairs")
    assert asked.status_code == 201, asked.body
    pair_id = asked.json_body["id"]
    first = act(client, act_as, newcomer, pair_id, "accept").json_body
    assert (first["state"], first["accepted_by_me"], first["accepted_by_them"]) == ("accepted", True, False)
    assert act(client, act_as, newcomer, pair_id, "accept").json_body["state"] == "accepted"  # again: no change
    assert paired_this_week() == 0
    made = act(client, act_as, ana, pair_id, "accept").json_body
    assert made["state"] == "paired" and paired_this_week() == 1
    assert act(client, act_as, ana, pair_id, "accept").status_code == 409
    assert act(client, act_as, newcomer, pair_id, "decline").status_code == 409  # paired: it is ended, not declined
    # A stranger: not found
    assert act(client, act_as, resident("U-stranger"), pair_id, "end").status_code == 404
    assert act(client, act_as, newcomer, pair_id, "end").json_body["state"] == "ended"
    assert [p["state"] for p in pairs(client, act_as, ana)] == ["ended"]
    assert BuddyItem.get(*BuddyItem.key(N1, "U-ana")).pairs == 0
    assert act(client, act_as, ana, pair_id, "end").status_code == 409
    assert paired_this_week() == 1


def test_declining_frees_the_buddy(client, act_as):
    ana = buddy(client, act_as, "U-ana", ["fr"])
    make_resident("U-new", languages=("fr",))
    pair = buddies.offer_buddy("U-new")
    assert act(client, act_as, ana, pair.pair_id, "decline").json_body["state"] == "declined"
    assert BuddyItem.get(*BuddyItem.key(N1, "U-ana")).pairs == 0
    assert act(client, act_as, resident("U-new"), pair.pair_id, "accept").status_code == 409
    assert buddies.offer_buddy("U-new") is not None  # they may ask again


def test_accepting_at_the_same_moment_makes_the_pair_once(client, act_as):
    for round_ in range(4):
        buddy_id, newcomer_id = f"U-buddy{round_}", f"U-new{round_}"
        buddy(client, act_as, buddy_id, ["lb"])
        make_resident(newcomer_id, languages=("lb",))
        pair = buddies.offer_buddy(newcomer_id)
        assert pair.buddy_id == buddy_id
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda user_id: buddies.change(Principal(user_id=user_id), pair.pair_id, "accept"),
                                    [newcomer_id, buddy_id]))
        assert sorted(answer.state for answer in answers) == ["accepted", "paired"]
        stored = [PairItem.get(*PairItem.key(user_id, pair.pair_id), consistent_read=True)
                  for user_id in (newcomer_id, buddy_id)]
        assert {item.state for item in stored} == {"paired"} and stored[0].version == stored[1].version == 2
        act_as(resident(buddy_id))  # they stop volunteering: the next round's buddy is the only one
        assert client.put("/api/v1/me/volunteering", headers=JSON, body=body({})).status_code == 200
    assert paired_this_week() == 4


def test_nobody_is_offered_or_stays_paired_with_someone_blocked(client, act_as):
    ana = buddy(client, act_as, "U-ana", ["fr"])
    make_resident("U-new", languages=("fr",))
    act_as(resident("U-new"))
    assert client.put("/api/v1/me/blocks/U-ana").status_code in (200, 201)
    assert buddies.offer_buddy("U-new") is None  # the newcomer blocks the only buddy
    assert client.delete("/api/v1/me/blocks/U-ana").status_code == 204
    pair = buddies.offer_buddy("U-new")
    assert pair is not None
    # The buddy blocks the newcomer: the pair ends
    act_as(ana)
    assert client.put("/api/v1/me/blocks/U-new").status_code in (200, 201)
    assert [p["state"] for p in pairs(client, act_as, resident("U-new"))] == ["ended"]
    assert buddies.offer_buddy("U-new") is None  # and no new one with her
    try:
        buddies.change(Principal(user_id="U-new"), pair.pair_id, "accept")
        raise AssertionError("an ended pair cannot be accepted")
    except Conflict:
        pass


def test_export_and_erasure_cover_buddy_status_and_pairs(client, act_as):
    buddy(client, act_as, "U-ana", ["fr"])
    make_resident("U-new", languages=("fr",))
    pair = buddies.offer_buddy("U-new")
    buddies.change(Principal(user_id="U-ana"), pair.pair_id, "accept")
    exported = export_volunteering("U-ana")
    assert exported["offer"]["buddy"] is True
    assert [(p["role"], p["with_user_id"], p["state"]) for p in exported["buddy_pairs"]] == [
        ("buddy", "U-new", "accepted")]

    erase_volunteering("U-ana", "anonymise")

    assert list(PairItem.query(PairItem.partition("U-ana"))) == []
    assert list(BuddyItem.query(BuddyItem.partition(N1))) == []
    theirs = pairs(client, act_as, resident("U-new"))
    assert [(p["state"], p["with_name"]) for p in theirs] == [("ended", "")]
    assert export_volunteering("U-ana") == {"offer": {"skills": [], "frequency": "occasionally", "languages": [],
                                                      "buddy": False}, "buddy_pairs": []}


def test_erasing_the_account_through_the_api_ends_the_pair_and_takes_the_offer_off(client, act_as):
    ana = buddy(client, act_as, "U-ana", ["fr"])
    make_resident("U-new", languages=("fr",))
    pair = buddies.offer_buddy("U-new")
    act_as(ana)
    assert client.put("/api/v1/me/volunteering", headers=JSON,
                      body=body({"skills": ["music"], "languages": ["fr"], "buddy": True})).status_code == 200
    assert client.delete("/api/v1/me?content=remove").status_code == 204
    assert [(p["id"], p["state"], p["with_name"]) for p in pairs(client, act_as, resident("U-new"))] == [
        (pair.pair_id, "ended", "")]
    act_as(resident("U-new"))
    assert client.get(f"/api/v1/neighbourhoods/{N1}/helpers").json_body["helpers"] == []
