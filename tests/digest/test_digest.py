"""The weekly digest on the real table (DynamoDB Local) and moto's SES: content, languages, exactly once."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.service import residents_key
from chalicelib.adapters import clock, mail
from chalicelib.communes.models import CommuneItem
from chalicelib.digest import fanout, service
from chalicelib.digest.weeks import week_of
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.policy import Principal
from tests.helpers import JSON, body

N1, N2 = "0501-n1", "0501-n2"
LANGUAGES = {"anna": "en", "ben": "fr", "carla": "lb", "dani": "de", "eva": "pt"}
SUBJECTS = {"en": "Your week in Op der Hiel", "fr": "Votre semaine à Op der Hiel", "lb": "Är Woch zu Op der Hiel",
            "de": "Ihre Woche in Op der Hiel", "pt": "A sua semana em Op der Hiel"}
NEW_POSTS_HEADING = {"en": "New this week", "fr": "Nouveau cette semaine", "lb": "Nei dës Woch",
                     "de": "Neu diese Woche", "pt": "Novidades desta semana"}


def resident(name, nbh=N1, ambassador=False):
    return Principal(user_id=f"U-{name}", lau2="0501", neighbourhood_id=nbh, residence_status="verified",
                     ambassador_of=frozenset({nbh}) if ambassador else frozenset())


def make_resident(name, nbh=N1, language="en", verified_at=None, **extra):
    UserItem(*UserItem.key(f"U-{name}"), user_id=f"U-{name}", email=f"{name}@example.lu", display_name=name.title(),
             languages=[language], created_at=clock.now(), address_id=f"7000-{name}", lau2="0501",
             neighbourhood_id=nbh, residence_status="verified", verified_at=verified_at or clock.now() - timedelta(days=90),
             gsi1pk=residents_key(nbh), gsi1sk=f"verified#U-{name}", **extra).save()


def publish(nbh_id, name):
    CommuneItem(*CommuneItem.key("0501"), gsi1pk=CommuneItem.LIST_KEY, gsi1sk="clervaux#0501", lau2="0501",
                name="Clervaux", languages=["lb", "fr", "de"], time_zone="Europe/Luxembourg", created_at=clock.now(),
                updated_at=clock.now()).save()
    NeighbourhoodItem(*NeighbourhoodItem.key("0501", nbh_id), gsi1pk=f"NBH#{nbh_id}", gsi1sk="NEIGHBOURHOOD",
                      id=nbh_id, lau2="0501", name=name, address_count=10, cells=[], version=1,
                      published_at=clock.now()).save()


def write(client, act_as, who, payload, nbh=N1):
    act_as(who)
    response = client.post(f"/api/v1/neighbourhoods/{nbh}/posts", headers=JSON, body=body(payload))
    assert response.status_code == 201, response.body
    return response.json_body


def delivered(outbox: Path, since: set[Path]) -> dict[str, email.message.EmailMessage]:
    """The messages written to the outbox since `since`, by recipient."""
    found = {}
    for path in sorted(set(outbox.glob("*.eml")) - since):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"] not in found, f"two emails to {message['To']}"
        found[message["To"]] = message
    return found


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


@pytest.fixture
def week():
    return week_of(clock.now())


@pytest.fixture
def neighbourhood_week(client, act_as):
    """Op der Hiel (N1): five residents in five languages, and a week of posts; Am Duerf (N2) next door."""
    publish(N1, "Op der Hiel")
    publish(N2, "Am Duerf")
    for name, language in LANGUAGES.items():
        make_resident(name, language=language)
    make_resident("amb", language="en")
    make_resident("otto", nbh=N2, language="de")
    posts = {
        "party": write(client, act_as, resident("anna"), {"kind": "discussion", "title": "Street party",
                                                          "text": "Who is in for June?"}),
        "ladder": write(client, act_as, resident("carla"), {"kind": "help_request", "title": "Ladder",
                                                            "text": "Need help with a ladder on Saturday"}),
        "hidden": write(client, act_as, resident("dani"), {"kind": "discussion", "title": "Rude words",
                                                           "text": "Something the moderators hid"}),
        "other": write(client, act_as, resident("otto", N2), {"kind": "discussion", "title": "Secret of Am Duerf",
                                                              "text": "Only for Am Duerf"}, nbh=N2),
    }
    act_as(resident("amb", ambassador=True))
    hidden = client.post(f"/api/v1/posts/{posts['hidden']['id']}/moderation", headers=JSON,
                         body=body({"action": "hide", "reason": "harassment"}))
    assert hidden.status_code == 200, hidden.body
    act_as(resident("ben"))
    assert client.put("/api/v1/me/blocks/U-anna").status_code == 200
    # Carla's ladder is thanked and commented: it comes before Anna's party
    act_as(resident("eva"))
    assert client.put(f"/api/v1/posts/{posts['ladder']['id']}/thanks").status_code in (200, 201)
    return posts


def test_each_resident_gets_the_week_of_their_neighbourhood_in_their_language(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    assert report.sent == 6 and not report.failed
    assert set(sent) == {f"{name}@example.lu" for name in [*LANGUAGES, "amb"]}
    for name, language in LANGUAGES.items():
        message = sent[f"{name}@example.lu"]
        text, html = parts(message)
        assert message["Subject"] == SUBJECTS[language], (language, message["Subject"])
        assert NEW_POSTS_HEADING[language] in text and NEW_POSTS_HEADING[language] in html
        assert message["Content-Language"] == language
        # links open the right post, absolutely
        assert f"/posts/{neighbourhood_week['ladder']['id']}" in text
        assert re.search(rf'href="https?://[^"]+/posts/{neighbourhood_week["ladder"]["id"]}"', html)


def test_a_digest_never_holds_another_neighbourhood_hidden_posts_or_a_blocked_person(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    for to, message in sent.items():
        text, html = parts(message)
        for content in (text, html):
            assert "Secret of Am Duerf" not in content and neighbourhood_week["other"]["id"] not in content
            assert "Rude words" not in content and neighbourhood_week["hidden"]["id"] not in content
    ben_text, ben_html = parts(sent["ben@example.lu"])
    assert "Street party" not in ben_text and "Street party" not in ben_html  # Ben blocked Anna
    anna_text, _ = parts(sent["anna@example.lu"])
    assert "Street party" in anna_text
    # most thanked and commented first
    assert anna_text.index("Ladder") < anna_text.index("Street party")


def test_the_other_neighbourhood_gets_only_its_own(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N2, "0501", "Am Duerf", week)

    sent = delivered(outbox, before)
    assert set(sent) == {"otto@example.lu"}
    text, html = parts(sent["otto@example.lu"])
    assert "Secret of Am Duerf" in text and "Street party" not in text and "Ladder" not in html


def test_running_twice_sends_one_email_per_resident(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    first = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    second = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert (first.sent, second.sent, second.already_sent) == (6, 0, 6)
    assert len(delivered(outbox, before)) == 6


def test_a_failed_send_is_retried_without_resending_the_others(neighbourhood_week, outbox, week, monkeypatch):
    before = set(outbox.glob("*.eml"))
    real_send = mail.send

    def ses_refuses_carla(message):
        if message["To"] == "carla@example.lu":
            raise ConnectionError("SES is down for this one")
        return real_send(message)

    monkeypatch.setattr(mail, "send", ses_refuses_carla)
    job = {"neighbourhood_id": N1, "lau2": "0501", "name": "Op der Hiel", "week": week}
    with pytest.raises(service.DigestIncomplete):
        service.run_job(job)  # SQS will deliver the job again
    first = delivered(outbox, before)
    assert len(first) == 5 and "carla@example.lu" not in first
    after_first = set(outbox.glob("*.eml"))

    monkeypatch.setattr(mail, "send", real_send)
    retry = service.run_job(job)

    assert (retry.sent, retry.already_sent) == (1, 5)
    assert set(delivered(outbox, after_first)) == {"carla@example.lu"}


def test_an_empty_week_or_an_unsubscribed_resident_gets_nothing(client, act_as, outbox, week):
    publish(N1, "Op der Hiel")
    make_resident("anna")
    make_resident("ben", notifications={"digest": False})
    before = set(outbox.glob("*.eml"))

    quiet = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    write(client, act_as, resident("anna"), {"kind": "discussion", "text": "Hello neighbours"})
    busy = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert (quiet.sent, quiet.empty, quiet.not_wanted) == (0, 1, 1)
    assert (busy.sent, busy.not_wanted) == (1, 1)
    assert set(delivered(outbox, before)) == {"anna@example.lu"}


def test_a_dry_run_sends_nothing_and_writes_no_marker(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    preview = service.run_neighbourhood(N1, "0501", "Op der Hiel", week, dry_run=True)
    real = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert {p.email for p in preview.previews} == {f"{name}@example.lu" for name in [*LANGUAGES, "amb"]}
    assert {p.subject for p in preview.previews if p.language == "lb"} == {SUBJECTS["lb"]}
    assert preview.sent == 0 and real.sent == 6
    assert len(delivered(outbox, before)) == 6


def test_the_html_loads_nothing_from_elsewhere(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    for message in delivered(outbox, before).values():
        _, html = parts(message)
        assert not re.search(r"<img\b", html, re.I)
        assert not re.search(r"""(src|background|srcset)\s*=\s*["']?https?:""", html, re.I)
        assert not re.search(r"<link\b|@import|url\(", html, re.I)
        assert message["List-Unsubscribe"].startswith("<http") and message["List-Unsubscribe-Post"]


def test_new_neighbours_are_counted_but_not_oneself(client, act_as, outbox, week):
    publish(N1, "Op der Hiel")
    make_resident("anna")
    make_resident("newbie", verified_at=clock.now())
    write(client, act_as, resident("anna"), {"kind": "discussion", "text": "Welcome to the street"})
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    assert "1 new neighbour joined this week" in parts(sent["anna@example.lu"])[0]
    assert "new neighbour" not in parts(sent["newbie@example.lu"])[0]


# --- the schedule: Monday 07:00 in Luxembourg, whatever the season -----------------------------------

@pytest.mark.parametrize("utc_hour, season, due", [
    (6, "winter", True), (5, "winter", False),   # CET = UTC+1: 06:00 UTC is 07:00
    (5, "summer", True), (6, "summer", False),   # CEST = UTC+2: 05:00 UTC is 07:00
])
def test_only_the_run_at_seven_in_luxembourg_enqueues(utc_hour, season, due, monkeypatch):
    publish(N1, "Op der Hiel")
    publish(N2, "Am Duerf")
    monday = datetime(2026, 11, 30, utc_hour, tzinfo=timezone.utc) if season == "winter" \
        else datetime(2026, 6, 29, utc_hour, tzinfo=timezone.utc)
    enqueued = []
    monkeypatch.setattr(fanout, "enqueue", enqueued.extend)

    count = fanout.scheduled(monday)

    if due:
        expected_week = "2026-W48" if season == "winter" else "2026-W26"
        assert count == 2
        assert sorted((job["neighbourhood_id"], job["week"]) for job in enqueued) == [(N1, expected_week),
                                                                                     (N2, expected_week)]
    else:
        assert count == 0 and enqueued == []


def test_dst_change_weeks_still_run_once():
    from chalicelib.digest.weeks import is_digest_time

    # Sunday 29 March 2026 clocks went forward, Sunday 25 October 2026 back: the Mondays after.
    assert [is_digest_time(datetime(2026, 3, 30, h, tzinfo=timezone.utc)) for h in (5, 6)] == [True, False]
    assert [is_digest_time(datetime(2026, 10, 26, h, tzinfo=timezone.utc)) for h in (5, 6)] == [False, True]


def test_the_local_stage_runs_the_queue_handler_in_process(neighbourhood_week, outbox, week):
    before = set(outbox.glob("*.eml"))

    fanout.enqueue(fanout.jobs_for(week))

    assert len(delivered(outbox, before)) == 7  # six in Op der Hiel, Otto in Am Duerf


def test_the_communes_announcements_and_consultations_come_in_the_residents_language(
        neighbourhood_week, outbox, week, monkeypatch):
    from chalicelib.announcements import service as announcements
    from chalicelib.announcements.models import DigestAnnouncement
    from chalicelib.consultations import service as consultations
    from chalicelib.consultations.models import ConsultationSummary

    asked = []

    def for_digest(lau2, nbh, since, until, language):
        asked.append(("announcements", lau2, nbh, language))
        return [DigestAnnouncement(id="A1", title=f"Roadworks ({language})", category="works",
                                   published_at=since + timedelta(days=1), link_path="/announcements/A1")]

    def open_for(lau2, nbh, at, language):
        asked.append(("consultations", lau2, nbh, language))
        return [ConsultationSummary(id="C1", title=f"New playground ({language})", language=language,
                                    opens_at=at - timedelta(days=3), closes_at=at + timedelta(days=9), state="open")]

    monkeypatch.setattr(announcements, "for_digest", for_digest)
    monkeypatch.setattr(consultations, "open_for", open_for)
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    text, html = parts(sent["carla@example.lu"])
    assert "Roadworks (lb)" in text and "/announcements/A1" in text and "New playground (lb)" in html
    assert re.search(r'href="https?://[^"]+/consultations/C1"', html)
    # read once per language, not per resident (anna and amb both write English)
    assert sorted(asked) == sorted({entry for entry in asked}) and len(asked) == 2 * len(set(LANGUAGES.values()))
    assert all(entry[1:3] == ("0501", N1) for entry in asked)


def test_the_neighbourhood_is_read_once_and_its_markers_claimed_in_one_transaction(neighbourhood_week, week):
    from chalicelib.store.calls import count_dynamodb_calls

    with count_dynamodb_calls() as calls:
        report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert report.sent == 6
    assert "Scan" not in calls and calls["GetItem"] == 0 and calls["PutItem"] == 0
    assert calls["TransactWriteItems"] == 1  # the six sent markers, each by condition
    # residents (with their blocks), feed, lending, the calendar's coming 7 days, the commune's budget progress:
    # 5 Queries; announcements and consultations 1 Query each (the neighbourhood's partitions hold the whole-commune
    # ones), once: none this week, in any language
    assert calls["Query"] == 5 + 1 + 1
    assert calls["BatchGetItem"] == 1  # the week's posts' counters
    assert calls["UpdateItem"] == 1  # the indicators' digest_recipients (#14): one ADD per batch of up to 100 sent
    assert sum(calls.values()) == 10


def test_the_apps_sqs_handler_sends_the_neighbourhoods_digests(app, neighbourhood_week, outbox, week, monkeypatch):
    import json

    from chalice.test import Client

    from ops import stack

    monkeypatch.setattr(service, "SAFETY_MARGIN", 0.5)  # the test client's Lambda context gives 3 s, not 300
    before = set(outbox.glob("*.eml"))
    job = {"neighbourhood_id": N2, "lau2": "0501", "name": "Am Duerf", "week": week}
    with Client(app, stage_name="test", project_dir=str(stack.ROOT)) as lambdas:
        event = lambdas.events.generate_sqs_event(message_bodies=[json.dumps(job)], queue_name=fanout.QUEUE)
        lambdas.lambda_.invoke("digest_neighbourhood", event)

    assert set(delivered(outbox, before)) == {"otto@example.lu"}


def test_the_week_is_the_iso_week_in_luxembourg_and_older_open_things_still_show(client, act_as, outbox, monkeypatch):
    from chalicelib.adapters import ids
    from chalicelib.digest.weeks import week_bounds
    from chalicelib.posts import service as posts

    publish(N1, "Op der Hiel")
    make_resident("anna", language="en")
    make_resident("ben", language="en")
    start, _ = week_bounds("2026-W47")
    last_week = start + timedelta(days=3)
    # Sunday 23:30 in Luxembourg is still W47 (22:30 UTC); a minute after midnight is W48
    sunday_night = start + timedelta(days=6, hours=23, minutes=30)
    monday_morning = start + timedelta(days=7, minutes=1)

    def written_at(moment, payload):
        monkeypatch.setattr(posts, "now", lambda: moment.astimezone(timezone.utc))
        monkeypatch.setattr(ids, "now", lambda: moment.astimezone(timezone.utc))
        return write(client, act_as, resident("anna"), payload)

    old_help = written_at(last_week, {"kind": "help_request", "title": "Move a sofa", "text": "Heavy sofa, Tuesday"})
    old_talk = written_at(last_week, {"kind": "discussion", "title": "Old news", "text": "From last week"})
    late = written_at(sunday_night, {"kind": "discussion", "title": "Late on Sunday", "text": "Still W47"})
    early = written_at(monday_morning, {"kind": "discussion", "title": "Early on Monday", "text": "Already W48"})
    monkeypatch.undo()
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", "2026-W47")
    w47 = delivered(outbox, before)["ben@example.lu"]
    after_w47 = set(outbox.glob("*.eml"))
    service.run_neighbourhood(N1, "0501", "Op der Hiel", "2026-W48")
    w48 = delivered(outbox, after_w47)["ben@example.lu"]

    text47, text48 = parts(w47)[0], parts(w48)[0]
    assert all(post["id"] in text47 for post in (old_help, old_talk, late)) and early["id"] not in text47
    assert early["id"] in text48 and old_talk["id"] not in text48 and late["id"] not in text48
    # the help request of the week before is still open: it shows under its own heading
    assert "Neighbours still looking for help" in text48 and old_help["id"] in text48


def test_things_newly_lendable_show_but_not_those_of_a_blocked_neighbour(neighbourhood_week, client, act_as, outbox, week):
    act_as(resident("anna"))
    drill = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON,
                        body=body({"name": "Cordless drill", "category": "tools"}))
    act_as(resident("carla"))
    tent = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON,
                       body=body({"name": "Family tent", "category": "camping"}))
    assert drill.status_code == tent.status_code == 201, (drill.body, tent.body)
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    eva_text, eva_html = parts(sent["eva@example.lu"])
    assert "Cordless drill" in eva_text and "Family tent" in eva_text
    assert f'/items/{tent.json_body["id"]}"' in eva_html
    ben_text, _ = parts(sent["ben@example.lu"])
    assert "Family tent" in ben_text and "Cordless drill" not in ben_text  # Ben blocked Anna


def test_a_pet_lost_within_reach_shows_while_it_is_still_lost(neighbourhood_week, client, act_as, outbox, week):
    import h3

    from chalicelib.neighbourhoods.models import CellItem

    # Am Duerf's cell where the cat was last seen, and Op der Hiel two cells away (within ~1 km)
    point = {"lat": 49.61, "lon": 6.13}
    seen = h3.latlng_to_cell(point["lat"], point["lon"], 9)
    near = sorted(h3.grid_ring(seen, 2))[0]
    for cell, nbh, name in ((seen, N2, "Am Duerf"), (near, N1, "Op der Hiel")):
        CellItem(*CellItem.key(cell), cell=cell, lau2="0501", nbh_id=nbh, name=name,
                 communes={"0501": {"id": nbh, "name": name}}).save()
    cat = write(client, act_as, resident("otto", N2),
                {"kind": "lost_pet", "species": "Grey cat", "description": "Answers to Mimi", "last_seen": point}, nbh=N2)
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)
    still_lost = service.run_neighbourhood(N1, "0501", "Op der Hiel", week, dry_run=True)
    act_as(resident("otto", N2))
    assert client.post(f"/api/v1/posts/{cat['id']}/state", headers=JSON,
                       body=body({"state": "reunited"})).status_code == 200
    reunited = service.run_neighbourhood(N1, "0501", "Op der Hiel", week, dry_run=True)

    anna_text, anna_html = parts(delivered(outbox, before)["anna@example.lu"])
    assert "Pets still missing nearby" in anna_text and "Grey cat (nearby)" in anna_text
    assert f'/posts/{cat["id"]}"' in anna_html
    count = {p.email: p.counts.get("lost_pets", 0) for p in still_lost.previews}
    assert count["anna@example.lu"] == 1
    assert all(p.counts.get("lost_pets", 0) == 0 for p in reunited.previews)
