"""Urgent alerts for lost pets: within reach, wanted, once per (post, resident), at most 3 a day."""

import threading

import pytest

from chalicelib.notifications import alerts
from chalicelib.notifications.alerts import AlertCountItem, luxembourg_day
from tests.api.test_neighbourhoods import TOWN
from tests.api.test_posts import LOST_CAT, clervaux, resident, written  # noqa: F401  (clervaux is a fixture)
from tests.notifications.factories import make_resident, mails_to

NEAR_SOUTH = {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}


def lose_a_cat(client, act_as, nbh, author="U-owner", species="cat"):
    act_as(resident(author, nbh=nbh))
    return written(client, {**LOST_CAT, "species": species, "last_seen": NEAR_SOUTH}, nbh=nbh)


def test_a_lost_pet_is_emailed_at_once_to_residents_within_reach_who_want_it(client, act_as, outbox, clervaux):
    # Given residents around the place the cat was lost, and farther away
    owner = make_resident("U-owner", nbh=clervaux["south"])
    south = make_resident("U-south", nbh=clervaux["south"], languages=["de"])
    north = make_resident("U-north", nbh=clervaux["north"], languages=["it", "pt"])
    village = make_resident("U-village", nbh=clervaux["village"])
    pending = make_resident("U-pending", nbh=clervaux["south"], status="pending")
    quiet = make_resident("U-quiet", nbh=clervaux["south"], notifications={"alert_lost_pet": False})

    # When the owner posts the lost cat
    post = lose_a_cat(client, act_as, clervaux["south"])

    # Then the neighbours within reach who want alerts get one email each, in their language
    [german] = mails_to(outbox, south.email)
    [portuguese] = mails_to(outbox, north.email)
    assert "Tier in Ihrer Nähe entlaufen: cat" == german["Subject"]
    assert portuguese["Subject"].startswith("Animal perdido perto de si")
    assert f"/posts/{post['id']}" in german.get_body(("plain",)).get_content()
    assert german["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # And not the author, the village 5 km away, a pending resident or one who said no
    for nobody in (owner, village, pending, quiet):
        assert mails_to(outbox, nobody.email) == [], nobody.user_id


def test_a_rerun_of_the_fan_out_sends_nothing_twice(client, act_as, outbox, clervaux):
    south = make_resident("U-south", nbh=clervaux["south"])
    post = lose_a_cat(client, act_as, clervaux["south"])

    assert alerts.lost_pet_job({"post_id": post["id"]}) == 0

    assert len(mails_to(outbox, south.email)) == 1
    assert AlertCountItem.get(*AlertCountItem.key("U-south", "alert_lost_pet", luxembourg_day())).count == 1


def test_a_resident_gets_at_most_three_lost_pet_alerts_a_day(client, act_as, outbox, clervaux):
    south = make_resident("U-south", nbh=clervaux["south"])

    for number in range(5):
        lose_a_cat(client, act_as, clervaux["south"], author=f"U-owner{number}", species=f"cat {number}")

    assert [m["Subject"].rsplit(" ", 1)[-1] for m in mails_to(outbox, south.email)] == ["0", "1", "2"]


def test_a_resident_who_blocked_the_author_is_not_alerted(client, act_as, outbox, clervaux):
    from chalicelib.adapters.clock import now
    from chalicelib.messages.models import BlockItem

    south = make_resident("U-south", nbh=clervaux["south"])
    BlockItem(*BlockItem.key("U-south", "U-owner"), created_at=now()).save()

    lose_a_cat(client, act_as, clervaux["south"])

    assert mails_to(outbox, south.email) == []


def test_the_daily_cap_is_atomic_under_racing_alerts():
    day = luxembourg_day()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def race():
        barrier.wait()
        results.append(alerts.take_slot("U-racer", "alert_lost_pet", day))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 5 + [True] * 3
    assert alerts.take_slot("U-racer", "alert_emergency", day)  # each kind has its own cap


def test_a_failed_send_gives_the_slot_back_and_a_retry_sends(client, act_as, outbox, clervaux, monkeypatch):
    from chalicelib.adapters import mail

    south = make_resident("U-south", nbh=clervaux["south"])
    real_send = mail.send

    def ses_down(_message):
        raise RuntimeError("SES is down")

    monkeypatch.setattr(mail, "send", ses_down)
    post = lose_a_cat(client, act_as, clervaux["south"])  # the post is written all the same
    assert mails_to(outbox, south.email) == []
    assert AlertCountItem.get(*AlertCountItem.key("U-south", "alert_lost_pet", luxembourg_day())).count == 0

    monkeypatch.setattr(mail, "send", real_send)
    assert alerts.lost_pet_job({"post_id": post["id"]}) == 1
    assert len(mails_to(outbox, south.email)) == 1


@pytest.mark.parametrize("kind", ["found_pet"])
def test_other_kinds_send_no_alert(client, act_as, outbox, clervaux, kind):
    south = make_resident("U-south", nbh=clervaux["south"])
    act_as(resident("U-owner", nbh=clervaux["south"]))
    written(client, {**LOST_CAT, "kind": kind, "last_seen": NEAR_SOUTH}, nbh=clervaux["south"])

    assert mails_to(outbox, south.email) == []


def test_an_emergency_alert_follows_the_same_rules_with_its_own_cap(outbox):
    anna = make_resident("U-anna", languages=["fr"])
    quiet = make_resident("U-quiet", notifications={"alert_emergency": False})
    for number in range(alerts.ALERTS_PER_DAY):  # lost pets used up today's lost-pet slots
        assert alerts.take_slot("U-anna", "alert_lost_pet", luxembourg_day())

    def emergency(user, announcement_id):
        return alerts.send_emergency_alert(user, announcement_id, language="fr", title="Eau non potable",
                                           body="Faites bouillir l'eau.", commune="Clervaux",
                                           url="http://localhost:8080/announcements/A1")

    assert emergency(anna, "A1") is True
    assert emergency(anna, "A1") is False  # once
    assert emergency(quiet, "A1") is False
    assert [emergency(anna, f"A{n}") for n in range(2, 5)] == [True, True, False]  # 3 a day

    mails = mails_to(outbox, anna.email)
    assert len(mails) == 3 and mails[0]["Subject"] == "Urgence : Eau non potable"
    assert mails_to(outbox, quiet.email) == []
