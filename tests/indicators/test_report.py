"""Monthly snapshots, running costs, the yearly report (its PDF's text) and the backfill."""

from datetime import datetime, timezone

import pypdfium2 as pdfium
import pytest

from chalicelib.adapters import clock
from chalicelib.communes.models import CommuneItem
from chalicelib.content.counters import MonthStatsItem, WeekStatsItem
from chalicelib.indicators.rebuild import move_week_counters, rebuild
from chalicelib.indicators.snapshots import costs_of, freeze_last_month, freeze_month, months_of, set_cost
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.policy import Principal
from chalicelib.posts.models import PostItem
from ops.cli import main as noper

LAU2 = "0501"
ADMIN = Principal(user_id="U-admin", staff=frozenset({(LAU2, "admin")}))
NBHS = {"0501-a": ("Am Duerf", 3, 2), "0501-b": ("Bei der Kierch", 40, 30), "0501-c": ("Um Bierg", 12, 10),
        "0501-d": ("Zentrum", 9, 7)}
PDF = {"Accept": "application/pdf"}


@pytest.fixture(autouse=True)
def commune():
    stamp = clock.now()
    CommuneItem(*CommuneItem.key(LAU2), lau2=LAU2, name="Clervaux", languages=["fr", "lb"], time_zone="Europe/Luxembourg",
                created_at=stamp, updated_at=stamp, gsi1pk="COMMUNES", gsi1sk=f"clervaux#{LAU2}").save()
    for nbh_id, (name, members, households) in NBHS.items():
        NeighbourhoodItem(*NeighbourhoodItem.key(LAU2, nbh_id), id=nbh_id, lau2=LAU2, name=name, address_count=100,
                          cells=[], version=1, published_at=stamp, member_count=members, household_count=households,
                          gsi1pk=f"NBH#{nbh_id}", gsi1sk="NEIGHBOURHOOD").save()
        for week in ("2025-W45", "2025-W46", "2025-W47", "2025-W48", "2025-W49"):  # W49 is December's
            WeekStatsItem(*WeekStatsItem.key(nbh_id, week), posts=members, posts_help_request=2, first_answer_6h=1,
                          help_requests_answered=1, help_done=1, weekly_active=members // 2, households_active=households // 2,
                          thanks=members).save()


def test_a_month_is_frozen_once_from_its_weeks_and_never_changes_after():
    assert freeze_month(LAU2, "2025-11") == 4
    snapshot = MonthStatsItem.get(*MonthStatsItem.key("0501-b", "2025-11"))
    assert (snapshot.posts, snapshot.weeks, snapshot.verified, snapshot.households) == (160, 4, 40, 30)
    # Data corrected later does not change the frozen month; freezing again writes nothing
    WeekStatsItem(*WeekStatsItem.key("0501-b", "2025-W46")).update(actions=[WeekStatsItem.posts.add(100)])
    assert freeze_month(LAU2, "2025-11") == 0
    assert MonthStatsItem.get(*MonthStatsItem.key("0501-b", "2025-11")).posts == 160
    assert freeze_last_month(datetime(2025, 12, 1, 2, 30, tzinfo=timezone.utc)) == 0  # the schedule: idempotent
    assert len(months_of(LAU2, 2025)) == 4


def test_the_operator_records_the_monthly_bill():
    assert noper(["costs", "set", "--month", "2025-11", "--eur", "4.20"]) == 0
    assert noper(["costs", "set", "--month", "2025-12", "--eur", "5"]) == 0
    assert noper(["costs", "set", "--month", "2025-12", "--eur", "3.80"]) == 0  # corrected: replaced
    assert costs_of(2025) == {"2025-11": 4.2, "2025-12": 3.8}
    with pytest.raises(SystemExit):
        noper(["costs", "set", "--month", "2025-13", "--eur", "1"])


def test_the_yearly_report_is_a_pdf_in_the_communes_languages_with_its_figures(client, act_as):
    freeze_month(LAU2, "2025-11")
    set_cost("2025-11", 4.2)
    act_as(ADMIN)
    response = client.get(f"/api/v1/communes/{LAU2}/report?year=2025", headers=PDF)
    assert response.status_code == 200, response.body
    assert response.body.startswith(b"%PDF")
    assert 'filename="noper-rapport-0501-2025.pdf"' in response.headers["Content-Disposition"]
    document = pdfium.PdfDocument(response.body)
    text = "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    assert "Noper à Clervaux : l'année 2025" in text and "Noper zu Clervaux: d'Joer 2025" in text  # fr, then lb
    assert "Utilisateurs" in text and "Qualité des échanges" in text and "Adoption par quartier" in text
    assert "moins de 5" in text  # Am Duerf's 2 households, and Zentrum's 7 that would give them away
    assert "Bei der Kierch 100 30 30%" in text and "Am Duerf 100 moins de 5 moins de 5" in text
    # Hoplr's figure: 24 of the 49 households active each week (1 + 15 + 5 + 3), with its definition
    assert "Ménages actifs chaque semaine 49" in text and "comme Hoplr compte les ménages inscrits actifs" in text
    assert "4,20 EUR" in text and "Fir 64 verifizéiert Awunner: 0,07 EUR pro Persoun." in text  # one commune shares it
    assert client.get(f"/api/v1/communes/{LAU2}/report?year=2025").status_code == 400  # Accept: application/pdf
    assert client.get(f"/api/v1/communes/{LAU2}/report?year=1999", headers=PDF).status_code == 400


def test_the_rebuild_sets_the_counters_from_stored_items_and_a_second_run_changes_nothing():
    stamp = clock.now()
    for n in range(3):
        PostItem(*PostItem.key(f"P{n}"), post_id=f"P{n}", neighbourhood_id="0501-a", kind="giveaway", author_id="U-a",
                 content={}, state="given" if n == 0 else "available", created_at=stamp).save()
    WeekStatsItem(*WeekStatsItem.key("0501-a", "2025-W45")).update(actions=[WeekStatsItem.comments.add(7)])
    first = rebuild(LAU2)
    from chalicelib.content.counters import iso_week

    week = WeekStatsItem.get(*WeekStatsItem.key("0501-a", iso_week(stamp)))
    assert (week.posts, week.posts_giveaway, week.giveaways_given, week.exchanges) == (3, 3, 1, 1)
    assert WeekStatsItem.get(*WeekStatsItem.key("0501-a", "2025-W45")).comments == 0  # none stored: set, not added
    assert WeekStatsItem.get(*WeekStatsItem.key("0501-a", "2025-W45")).weekly_active == 1  # not rebuilt: kept
    assert rebuild(LAU2) == first
    again = WeekStatsItem.get(*WeekStatsItem.key("0501-a", iso_week(stamp)))
    assert (again.posts, again.exchanges) == (3, 1)


def test_the_upgrade_moves_each_neighbourhoods_weeks_into_the_communes_partition_once():
    WeekStatsItem("NBH#0501-a#STATS", "2024-W10", posts=4, comments=2).save()
    WeekStatsItem(*WeekStatsItem.key("0501-a", "2024-W10"), posts=1).save()  # counted since the deploy
    assert move_week_counters(LAU2) == 1
    assert move_week_counters(LAU2) == 0
    moved = WeekStatsItem.get(*WeekStatsItem.key("0501-a", "2024-W10"))
    assert (moved.posts, moved.comments) == (5, 2)
    with pytest.raises(WeekStatsItem.DoesNotExist):
        WeekStatsItem.get("NBH#0501-a#STATS", "2024-W10")


def test_the_operators_commands_rebuild_and_move_with_a_progress_bar(capsys):
    WeekStatsItem("NBH#0501-b#STATS", "2024-W11", posts=2).save()
    assert noper(["indicators", "move-week-counters"]) == 0
    assert "weekly counters moved into their commune's partition: 1" in capsys.readouterr().out
    assert noper(["indicators", "rebuild", "--commune", LAU2]) == 0
    out = capsys.readouterr()
    assert "weeks of counters set for 0501:" in out.out and "reading [" in out.err
    assert noper(["indicators", "rebuild", "--commune", "0999"]) == 1  # no such commune
    assert noper(["indicators", "freeze", "--month", "2025-11", "--commune", LAU2]) == 0
    assert "neighbourhood snapshots frozen for 2025-11: 4" in capsys.readouterr().out
