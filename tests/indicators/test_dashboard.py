"""The commune's dashboard through the API: who sees it, suppression, the CSV, the public figures, its Queries."""

from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.communes.models import CommuneItem
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.policy import Principal
from chalicelib.store.calls import count_dynamodb_calls

LAU2 = "0501"
NBHS = {"0501-a": "Am Duerf", "0501-b": "Bei der Kierch", "0501-c": "Um Bierg", "0501-d": "Zentrum"}
ADMIN = Principal(user_id="U-admin", staff=frozenset({(LAU2, "admin")}))
EDITOR = Principal(user_id="U-editor", staff=frozenset({(LAU2, "editor")}))
VERIFIER = Principal(user_id="U-verifier", staff=frozenset({(LAU2, "verifier")}))
RESIDENT = Principal(user_id="U-res", lau2=LAU2, neighbourhood_id="0501-a", residence_status="verified")
AMBASSADOR = Principal(user_id="U-amb", lau2=LAU2, neighbourhood_id="0501-a", residence_status="verified",
                       ambassador_of=frozenset({"0501-a"}))
NOW = clock.now()
DAY = (NOW - timedelta(days=7)).date()  # last week: in the public figures' 12 complete weeks too


@pytest.fixture(autouse=True)
def commune():
    CommuneItem(*CommuneItem.key(LAU2), lau2=LAU2, name="Clervaux", languages=["lb", "fr"], time_zone="Europe/Luxembourg",
                created_at=NOW, updated_at=NOW, gsi1pk="COMMUNES", gsi1sk=f"clervaux#{LAU2}").save()
    for n, (nbh_id, name) in enumerate(NBHS.items()):
        NeighbourhoodItem(*NeighbourhoodItem.key(LAU2, nbh_id), id=nbh_id, lau2=LAU2, name=name, address_count=200,
                          cells=[], version=1, published_at=NOW, member_count=[3, 40, 12, 9][n],
                          household_count=[2, 30, 10, 7][n], gsi1pk=f"NBH#{nbh_id}", gsi1sk="NEIGHBOURHOOD").save()
    week = iso_week(DAY)
    for nbh_id, posts in zip(NBHS, (3, 40, 12, 9)):
        WeekStatsItem(*WeekStatsItem.key(nbh_id, week), posts=posts, posts_discussion=posts, weekly_active=posts,
                      thanks=posts).save()


def test_staff_see_every_neighbourhood_with_small_figures_hidden_and_the_commune_totals(client, act_as):
    for who in (ADMIN, EDITOR):
        act_as(who)
        response = client.get(f"/api/v1/communes/{LAU2}/indicators?period=week&to={DAY}")
        assert response.status_code == 200, response.body
    board = response.json_body
    rows = {row["id"]: row["figures"] for row in board["neighbourhoods"]}
    assert rows["0501-a"]["posts"] == {"value": None, "suppressed": True, "previous": None, "change": None}
    assert rows["0501-d"]["posts"]["suppressed"] is True  # the complement: the total would reveal 0501-a
    assert rows["0501-b"]["posts"]["value"] == 40 and rows["0501-c"]["posts"]["value"] == 12
    assert rows["0501-a"]["verified"]["suppressed"] is True and rows["0501-b"]["verified"]["value"] == 40
    assert board["commune"]["posts"]["value"] == 64 and board["commune"]["verified"]["value"] == 64
    assert board["commune"]["adoption"]["value"] == round(49 / 800, 4)
    assert len(board["series"]) >= 12 and board["series"][-1]["figures"]["posts"] == 64


def test_residents_partners_and_other_staff_get_404_and_strangers_401(client, act_as):
    for who in (RESIDENT, AMBASSADOR, VERIFIER, Principal(user_id="U-other", staff=frozenset({("0999", "admin")}))):
        act_as(who)
        assert client.get(f"/api/v1/communes/{LAU2}/indicators").status_code == 404
    act_as(Principal())
    assert client.get(f"/api/v1/communes/{LAU2}/indicators").status_code == 401


def test_an_ambassador_sees_their_own_neighbourhood_only_suppressed_alike(client, act_as):
    act_as(AMBASSADOR)
    response = client.get(f"/api/v1/neighbourhoods/0501-a/indicators?period=week&to={DAY}")
    assert response.status_code == 200, response.body
    [row] = response.json_body["neighbourhoods"]
    assert row["id"] == "0501-a" and row["figures"]["posts"]["suppressed"] is True
    assert response.json_body["commune"] is None
    assert client.get("/api/v1/neighbourhoods/0501-b/indicators").status_code == 404
    act_as(RESIDENT)
    assert client.get("/api/v1/neighbourhoods/0501-a/indicators").status_code == 404


def test_the_csv_hides_what_the_dashboard_hides(client, act_as):
    act_as(ADMIN)
    response = client.get(f"/api/v1/communes/{LAU2}/indicators.csv?period=week&to={DAY}")
    assert response.status_code == 200
    text = response.body.decode("utf-8-sig")
    lines = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert ",<5," in lines["0501-a"] and ",<5," in lines["0501-d"] and "<5" not in lines[""]


def test_the_public_figures_are_off_until_the_commune_publishes_them(client, act_as):
    act_as(Principal())
    assert client.get(f"/api/v1/communes/{LAU2}/indicators/public").status_code == 404
    CommuneItem(*CommuneItem.key(LAU2)).update(actions=[CommuneItem.publish_indicators.set(True)])
    response = client.get(f"/api/v1/communes/{LAU2}/indicators/public")
    assert response.status_code == 200, response.body
    assert response.json_body["figures"]["posts"] == 64 and response.json_body["neighbourhoods"] == 4


def test_the_public_figures_hide_a_share_made_from_a_small_count(client, act_as):
    # Given a published commune where only 3 households have a verified resident (its addresses are public data)
    CommuneItem(*CommuneItem.key(LAU2)).update(actions=[CommuneItem.publish_indicators.set(True)])
    for n, nbh_id in enumerate(NBHS):
        NeighbourhoodItem(*NeighbourhoodItem.key(LAU2, nbh_id)).update(
            actions=[NeighbourhoodItem.household_count.set([3, 0, 0, 0][n])])
    act_as(Principal())
    figures = client.get(f"/api/v1/communes/{LAU2}/indicators/public").json_body["figures"]
    # Then the households and the adoption share they make are both hidden, while larger figures show
    assert figures["households"] is None and figures["adoption"] is None
    assert figures["posts"] == 64


def test_a_dashboard_is_two_queries_after_the_session_and_a_year_three(client, act_as):
    act_as(ADMIN)
    for period, expected in (("week", 2), ("month", 2), ("year", 3)):
        with count_dynamodb_calls() as calls:
            assert client.get(f"/api/v1/communes/{LAU2}/indicators?period={period}").status_code == 200
        assert calls == {"Query": expected}, (period, calls)


def test_a_year_reads_its_frozen_months_instead_of_their_weeks_and_counts_each_once(client, act_as):
    from chalicelib.content.counters import month_of_week
    from chalicelib.indicators.snapshots import freeze_month

    act_as(ADMIN)

    def year_posts():
        response = client.get(f"/api/v1/communes/{LAU2}/indicators?period=year&to={DAY}")
        assert response.status_code == 200, response.body
        return response.json_body["commune"]["posts"]["value"]

    assert year_posts() == 64
    freeze_month(LAU2, month_of_week(iso_week(DAY)))
    assert year_posts() == 64
    WeekStatsItem(*WeekStatsItem.key("0501-b", iso_week(DAY))).update(actions=[WeekStatsItem.posts.add(10)])
    assert year_posts() == 64  # the frozen month stands: a later correction does not change it


def test_a_past_period_shows_the_residents_at_its_end_not_todays(client, act_as):
    from chalicelib.content.counters import iso_week as week_of

    # Given 5 residents verified in 0501-b this week (its 40 today include them)
    WeekStatsItem(*WeekStatsItem.key("0501-b", week_of(NOW))).update(actions=[WeekStatsItem.verified_gained.add(5)])
    act_as(ADMIN)
    response = client.get(f"/api/v1/communes/{LAU2}/indicators?period=week&to={DAY}")
    rows = {row["id"]: row["figures"] for row in response.json_body["neighbourhoods"]}
    # Then last week's figure is 35, and this week's 40
    assert rows["0501-b"]["verified"]["value"] == 35
    now_rows = {row["id"]: row["figures"] for row in client.get(
        f"/api/v1/communes/{LAU2}/indicators?period=week").json_body["neighbourhoods"]}
    assert now_rows["0501-b"]["verified"]["value"] == 40
