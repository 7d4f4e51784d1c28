"""Consultations through the API on the real table (DynamoDB Local) and S3 (moto)."""

import base64
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.adapters.aws import client as aws_client
from chalicelib.config import get_settings
from chalicelib.consultations import service
from chalicelib.consultations.models import MAX_DOCUMENT_BYTES, AnswerItem, ConsultationAnswers, TallyItem
from tests.api.test_posts import clervaux, make_user, resident
from tests.helpers import JSON, STAFF, body, error_of

__all__ = ["clervaux"]  # the fixture, reused

BASE = "/api/v1/communes/0501/consultations"
LANGS = ("lb", "fr", "de", "en", "pt")


def every(text):
    return {lang: f"{text} ({lang})" for lang in LANGS}


def draft(neighbourhood_ids=(), opens_in=timedelta(hours=-1), closes_in=timedelta(days=14), **changes):
    at = clock.now()
    payload = {
        "title": every("New school square"),
        "description": every("The commune plans a square in front of the school."),
        "location": {"lat": 50.0547, "lon": 6.0306},
        "neighbourhood_ids": list(neighbourhood_ids),
        "opens_at": (at + opens_in).isoformat(),
        "closes_at": (at + closes_in).isoformat(),
        "questions": [
            {"id": "trees", "kind": "single", "prompt": every("Trees or parking?"),
             "options": [{"id": "trees", "label": every("Trees")}, {"id": "parking", "label": every("Parking")}]},
            {"id": "uses", "kind": "multiple", "prompt": every("What for?"),
             "options": [{"id": "play", "label": every("Playing")}, {"id": "market", "label": every("Market")},
                         {"id": "rest", "label": every("Resting")}]},
            {"id": "overall", "kind": "rating", "prompt": every("How much do you like the project?")},
            {"id": "ideas", "kind": "text", "prompt": every("Ideas?")},
        ],
    }
    payload.update(changes)
    return payload


def drafted(client, act_as, payload):
    act_as(STAFF)
    response = client.post(BASE, headers=JSON, body=body(payload))
    assert response.status_code == 201, response.body
    return response.json_body


def published(client, act_as, payload):
    consultation = drafted(client, act_as, payload)
    response = client.post(f"{BASE}/{consultation['id']}/publish", headers=JSON,
                           body=body({"version": consultation["version"]}))
    assert response.status_code == 200, response.body
    return response.json_body


def at_home(nbh, consultation_id, tail=""):
    return f"/api/v1/neighbourhoods/{nbh}/consultations/{consultation_id}{tail}"


def answer(client, nbh, consultation_id, answers):
    return client.put(at_home(nbh, consultation_id, "/answers"), headers=JSON, body=body({"answers": answers}))


def later(monkeypatch, delta):
    moment = clock.now() + delta
    monkeypatch.setattr("chalicelib.consultations.service.now", lambda: moment)


def counts_in(results):
    """Every count a results answer shows, with where it is."""
    yield "respondents", results["respondents"]
    yield from (("respondents", c) for c in results["respondents_by_neighbourhood"].values())
    for q in results["questions"]:
        yield q["id"], q["answered"]
        yield from ((q["id"], c) for c in q["answered_by_neighbourhood"].values())
        for o in q["options"]:
            yield (q["id"], o["id"]), o["total"]
            yield from (((q["id"], o["id"]), c) for c in o["by_neighbourhood"].values())


def assert_nothing_under_5(results):
    for where, count in counts_in(results):
        assert count["suppressed"] or count["count"] >= 5, (where, count)
        assert (count["count"] is None) == count["suppressed"], (where, count)


# --- preparing: validation naming the field ---------------------------------------------------

def _without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


@pytest.mark.parametrize("change, field", [
    (lambda d: {**d, "title": _without(d["title"], "de")}, "title.de"),
    (lambda d: {**d, "description": {}}, "description"),
    (lambda d: {**d, "questions": []}, "questions"),
    (lambda d: {**d, "questions": [{**d["questions"][0], "options": d["questions"][0]["options"][:1]}]}, "questions.0"),
    (lambda d: {**d, "questions": [{**d["questions"][0], "kind": "ranking"}]}, "questions.0.kind"),
    (lambda d: {**d, "questions": [{**d["questions"][2], "options": d["questions"][0]["options"]}]}, "questions.0"),
    (lambda d: {**d, "questions": [{**d["questions"][3], "prompt": _without(d["questions"][3]["prompt"], "pt")}]},
     "questions.0.prompt.pt"),
    (lambda d: {**d, "questions": [d["questions"][0], d["questions"][0]]}, "body"),
    (lambda d: {**d, "closes_at": d["opens_at"]}, "body"),
    (lambda d: {**d, "opens_at": "2026-05-01T10:00:00"}, "opens_at"),
    (lambda d: {**d, "neighbourhood_ids": ["0501-nowhere"]}, "neighbourhood_ids.0"),
    (lambda d: {**d, "location": {"lat": 48.85, "lon": 2.35}}, "location.lat"),
    (lambda d: {**d, "colour": "red"}, "colour"),
])
def test_a_consultation_validates_its_fields(client, act_as, clervaux, change, field):
    act_as(STAFF)

    response = client.post(BASE, headers=JSON, body=body(change(draft())))

    assert response.status_code == 400 and field in error_of(response)["fields"], error_of(response)


def test_staff_draft_edit_and_publish_and_cannot_edit_once_open(client, act_as, clervaux, monkeypatch):
    # Given a draft opening tomorrow
    consultation = drafted(client, act_as, draft([clervaux["south"]], opens_in=timedelta(days=1)))
    url = f"{BASE}/{consultation['id']}"
    assert consultation["status"] == "draft" and consultation["location_cell"].startswith("89")
    # When staff edit it, then publish it
    edited = client.put(url, headers=JSON, body=body({**draft([clervaux["north"]], opens_in=timedelta(days=1)),
                                                       "version": 1}))
    assert edited.status_code == 200 and edited.json_body["neighbourhood_ids"] == [clervaux["north"]]
    stale = client.post(f"{url}/publish", headers=JSON, body=body({"version": 1}))
    assert stale.status_code == 409 and error_of(stale)["fields"] == {"version": "changed"}
    done = client.post(f"{url}/publish", headers=JSON, body=body({"version": 2}))
    assert done.status_code == 200 and done.json_body["state"] == "upcoming"
    # Then it can still change before it opens: its targets move with it
    moved = client.put(url, headers=JSON, body=body({**draft([clervaux["south"]], opens_in=timedelta(days=1)),
                                                      "version": 3}))
    assert moved.status_code == 200
    assert service.resident_list(resident("U-s", nbh=clervaux["south"]), clervaux["south"], "en").consultations
    assert not service.resident_list(resident("U-n", nbh=clervaux["north"]), clervaux["north"], "en").consultations
    # But not once it is open
    later(monkeypatch, timedelta(days=2))
    refused = client.put(url, headers=JSON, body=body({**draft([clervaux["south"]]), "version": 4}))
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"consultation_id": "opened"}
    assert client.post(f"{url}/publish", headers=JSON, body=body({"version": 4})).status_code == 409
    listed = client.get(BASE).json_body["consultations"]
    assert [c["id"] for c in listed] == [consultation["id"]]


def test_consultations_of_another_commune_are_not_found_by_its_staff(client, act_as, clervaux):
    consultation = drafted(client, act_as, draft())
    response = client.get(f"/api/v1/communes/0512/consultations/{consultation['id']}")
    assert response.status_code == 404 and error_of(response)["fields"] == {"consultation_id": "not found"}


# --- targeting -----------------------------------------------------------------------------

def test_residents_of_targeted_neighbourhoods_see_it_others_get_404(client, act_as, clervaux):
    south, north = clervaux["south"], clervaux["north"]
    consultation = published(client, act_as, draft([south]))
    everywhere = published(client, act_as, draft([], title=every("Whole commune")))
    draft_only = drafted(client, act_as, draft([south]))

    act_as(resident("U-south", nbh=south))
    listed = client.get(f"/api/v1/neighbourhoods/{south}/consultations?lang=de").json_body["consultations"]
    assert {c["id"] for c in listed} == {consultation["id"], everywhere["id"]}
    assert {c["title"] for c in listed} == {"New school square (de)", "Whole commune (de)"}
    assert client.get(at_home(south, consultation["id"])).status_code == 200
    assert client.get(at_home(south, draft_only["id"])).status_code == 404

    act_as(resident("U-north", nbh=north))
    listed = client.get(f"/api/v1/neighbourhoods/{north}/consultations").json_body["consultations"]
    assert [c["id"] for c in listed] == [everywhere["id"]]
    for tail in ("", "/comments", "/results"):
        response = client.get(at_home(north, consultation["id"], tail))
        assert response.status_code == 404 and error_of(response)["fields"] == {"consultation_id": "not found"}
    assert answer(client, north, consultation["id"], {"trees": "trees"}).status_code == 404
    # Through another neighbourhood's path: the policy's 404, as for any neighbourhood content
    assert client.get(at_home(south, consultation["id"])).status_code == 404
    # Staff publish; they are not residents: 404 on the residents' routes
    act_as(STAFF)
    assert client.get(at_home(south, consultation["id"])).status_code == 404


def test_a_neighbourhoods_list_is_one_query_and_reaches_neighbourhoods_published_later(client, act_as, clervaux):
    from chalicelib.consultations.models import TargetItem
    from chalicelib.neighbourhoods.models import NeighbourhoodItem
    from chalicelib.store.calls import count_dynamodb_calls

    south = clervaux["south"]
    here = published(client, act_as, draft([south]))
    everywhere = published(client, act_as, draft([], title=every("Whole commune")))
    with count_dynamodb_calls() as calls:
        listed = service.resident_list(resident("U-s", nbh=south), south, "de").consultations
    assert calls == {"Query": 1}
    assert {(c.id, c.title) for c in listed} == {(here["id"], "New school square (de)"),
                                                   (everywhere["id"], "Whole commune (de)")}
    # A neighbourhood published afterwards gets the whole-commune one (as publishing neighbourhoods does)
    NeighbourhoodItem(*NeighbourhoodItem.key("0501", "0501-later"), gsi1pk="NBH#0501-later", gsi1sk="NEIGHBOURHOOD",
                      id="0501-later", lau2="0501", name="Later", address_count=1, cells=[], version=9,
                      published_at=clock.now()).save()
    newcomer = resident("U-l", nbh="0501-later")
    assert service.resident_list(newcomer, "0501-later", "en").consultations == []
    assert service.retarget("0501") > 0
    assert [c.id for c in service.resident_list(newcomer, "0501-later", "en").consultations] == [everywhere["id"]]
    # An entry written before entries carried titles is read with its consultation
    for entry in TargetItem.query(TargetItem.partition(south, "0501")):
        entry.title = entry.languages = None
        entry.save()
    assert {c.title for c in service.resident_list(resident("U-s", nbh=south), south, "fr").consultations} == {
        "New school square (fr)", "Whole commune (fr)"}


def test_open_for_lists_what_is_open_in_the_neighbourhood_in_the_language(client, act_as, clervaux):
    south, north = clervaux["south"], clervaux["north"]
    open_here = published(client, act_as, draft([south]))
    published(client, act_as, draft([north]))
    published(client, act_as, draft([south], opens_in=timedelta(days=2), closes_in=timedelta(days=3)))
    whole = published(client, act_as, draft([], closes_in=timedelta(days=1),
                                             title={"fr": "Toute la commune", **_without(every("x"), "fr")}))

    found = service.open_for("0501", south, clock.now(), "fr")

    assert [s.id for s in found] == [whole["id"], open_here["id"]]  # soonest closing first
    assert found[0].title == "Toute la commune" and found[0].language == "fr"
    assert service.open_for("0501", south, clock.now() + timedelta(days=20), "fr") == []


# --- answering -----------------------------------------------------------------------------

@pytest.mark.parametrize("answers, field", [
    ({"trees": "roses"}, "answers.trees"),
    ({"trees": ["trees"]}, "answers.trees"),
    ({"uses": []}, "answers.uses"),
    ({"uses": ["play", "play"]}, "answers.uses"),
    ({"uses": ["swim"]}, "answers.uses"),
    ({"overall": 6}, "answers.overall"),
    ({"overall": "4"}, "answers.overall"),
    ({"ideas": 3}, "answers.ideas"),
    ({"nope": "x"}, "answers.nope"),
    ({"ideas": "x" * 2001}, "answers.ideas"),
])
def test_answers_are_checked_against_the_questions(client, act_as, clervaux, answers, field):
    consultation = published(client, act_as, draft([clervaux["south"]]))
    act_as(resident("U-a", nbh=clervaux["south"]))

    response = answer(client, clervaux["south"], consultation["id"], answers)

    assert response.status_code == 400 and any(f.startswith(field) for f in error_of(response)["fields"]), \
        error_of(response)


def test_one_answer_per_resident_changed_until_it_closes(client, act_as, clervaux, monkeypatch):
    south = clervaux["south"]
    consultation = published(client, act_as, draft([south]))
    cid = consultation["id"]
    act_as(resident("U-a", nbh=south))

    first = answer(client, south, cid, {"trees": "trees", "uses": ["play", "market"], "overall": 4, "ideas": "Benches"})
    assert first.status_code == 201
    again = answer(client, south, cid, {"trees": "parking", "uses": ["market"], "ideas": "More benches"})
    assert again.status_code == 200
    assert again.json_body["my_answers"] == {"trees": "parking", "uses": ["market"], "ideas": "More benches"}
    assert client.get(at_home(south, cid)).json_body["my_answers"] == again.json_body["my_answers"]
    # One row for the resident, counted once
    rows = list(AnswerItem.query(f"CONSULTATION#{cid}", AnswerItem.sk.startswith("ANSWER#")))
    assert [(r.user_id, r.version) for r in rows] == [("U-a", 2)]
    assert tallies(cid) == {(south, "~respondents"): 1, (south, "trees", "~answered"): 1,
                            (south, "trees", "parking"): 1, (south, "uses", "~answered"): 1,
                            (south, "uses", "market"): 1, (south, "ideas", "~answered"): 1}
    assert [t.text for t in texts(cid)] == ["More benches"]
    # Closed: 409, answers and comments alike
    later(monkeypatch, timedelta(days=15))
    closed = answer(client, south, cid, {"trees": "trees"})
    assert closed.status_code == 409 and error_of(closed)["fields"] == {"consultation_id": "closed"}
    make_user(resident("U-a", nbh=south), "a@example.lu", "7000-1")
    commented = client.post(at_home(south, cid, "/comments"), headers=JSON, body=body({"text": "Late"}))
    assert commented.status_code == 409


def test_an_upcoming_consultation_takes_no_answers_yet(client, act_as, clervaux):
    consultation = published(client, act_as, draft([clervaux["south"]], opens_in=timedelta(days=1)))
    act_as(resident("U-a", nbh=clervaux["south"]))
    response = answer(client, clervaux["south"], consultation["id"], {"trees": "trees"})
    assert response.status_code == 409 and error_of(response)["fields"] == {"consultation_id": "not open yet"}


def tallies(consultation_id):
    found = {}
    for tally in TallyItem.query(f"CONSULTATION#{consultation_id}", TallyItem.sk.startswith("TALLY#")):
        if tally.count:
            found[tuple(tally.sk.split("#")[1:])] = int(tally.count)
    return found


def texts(consultation_id):
    from chalicelib.consultations.models import TextAnswerItem

    return list(TextAnswerItem.query(*TextAnswerItem.key(consultation_id, "")[:1],
                                     TextAnswerItem.sk.startswith(TextAnswerItem.PREFIX)))


def recount(consultation_id):
    """The counters as they should be, from the answer rows themselves."""
    expected = {}
    for row in AnswerItem.query(f"CONSULTATION#{consultation_id}", AnswerItem.sk.startswith("ANSWER#")):
        def add(*key):
            expected[(row.neighbourhood_id, *key)] = expected.get((row.neighbourhood_id, *key), 0) + 1
        add("~respondents")
        for qid, value in row.answers.items():
            add(qid, "~answered")
            for option in ([value] if isinstance(value, str) and qid != "ideas" else
                           value if isinstance(value, list) else [str(value)] if isinstance(value, int) else []):
                add(qid, option)
    return expected


def test_concurrent_answers_and_changes_never_double_count(client, act_as, clervaux):
    # Given 12 residents, each answering then changing their answers from two devices at once
    south = clervaux["south"]
    consultation = published(client, act_as, draft([south]))
    cid = consultation["id"]
    people = [resident(f"U-{i}", nbh=south) for i in range(12)]
    variants = [{"trees": "trees", "uses": ["play"], "overall": 5},
                {"trees": "parking", "uses": ["market", "rest"], "overall": 2, "ideas": "Shade"},
                {"uses": ["play", "market", "rest"], "ideas": "Fountain"}]

    def take_part(job):
        person, round_ = job
        for step in range(3):
            service.answer(person, south, cid, ConsultationAnswers(answers=variants[(round_ + step) % 3]))

    # When they all run at the same time (two threads per resident)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(take_part, [(p, r) for p in people for r in (0, 1)]))

    # Then every counter equals the count of the answer rows: nothing doubled, nothing lost
    assert tallies(cid) == recount(cid)
    assert tallies(cid)[(south, "~respondents")] == 12
    assert len(texts(cid)) == sum(1 for r in AnswerItem.query(f"CONSULTATION#{cid}", AnswerItem.sk.startswith("ANSWER#"))
                                  if "ideas" in r.answers)


# --- results and suppression ----------------------------------------------------------------

def answered_by_many(client, act_as, clervaux):
    """South: 7 for trees, 2 for parking; north: 6 for trees; free texts from south."""
    south, north = clervaux["south"], clervaux["north"]
    consultation = published(client, act_as, draft([south, north]))
    cid = consultation["id"]
    crowd = [(f"U-s{i}", south, "trees") for i in range(7)] + [(f"U-p{i}", south, "parking") for i in range(2)] + \
        [(f"U-n{i}", north, "trees") for i in range(6)]
    for user_id, nbh, choice in crowd:
        extra = {"ideas": f'Idea from {user_id}, with "quotes"\nand a line; =1+1'} if user_id == "U-s0" else {}
        service.answer(resident(user_id, nbh=nbh), nbh, cid,
                       ConsultationAnswers(answers={"trees": choice, "overall": 3, **extra}))
    return cid


def test_staff_results_never_show_a_count_under_5_and_hide_what_subtraction_would_tell(client, act_as, clervaux):
    cid = answered_by_many(client, act_as, clervaux)
    south, north = clervaux["south"], clervaux["north"]
    act_as(STAFF)

    results = client.get(f"{BASE}/{cid}/results").json_body

    assert_nothing_under_5(results)
    trees = next(q for q in results["questions"] if q["id"] == "trees")
    by_id = {o["id"]: o for o in trees["options"]}
    # 2 for parking in the south: suppressed; so is trees there (9 answered - 7 would tell the 2)
    assert by_id["parking"]["by_neighbourhood"][south]["suppressed"]
    assert by_id["trees"]["by_neighbourhood"][south]["suppressed"]
    assert trees["answered_by_neighbourhood"][south] == {"count": 9, "suppressed": False}
    # ...and so are the north's 6 (13 for trees in all - 6 would tell the south's 7), and the 13 itself
    # (15 answered in all - 13 would tell the 2 for parking)
    assert by_id["trees"]["by_neighbourhood"][north]["suppressed"]
    assert by_id["trees"]["total"]["suppressed"] and by_id["parking"]["total"]["suppressed"]
    assert trees["answered"] == {"count": 15, "suppressed": False}
    # No line of the table has exactly one suppressed cell
    for nbh in (south, north, "all"):
        row = [o["by_neighbourhood"][nbh] if nbh != "all" else o["total"] for o in trees["options"]]
        row.append(trees["answered_by_neighbourhood"][nbh] if nbh != "all" else trees["answered"])
        assert sum(c["suppressed"] for c in row) != 1, (nbh, row)
    for option in trees["options"]:
        column = [*option["by_neighbourhood"].values(), option["total"]]
        assert sum(c["suppressed"] for c in column) != 1, (option["id"], column)
    # One free text: withheld (its author would stand out), and said so
    ideas = next(q for q in results["questions"] if q["id"] == "ideas")
    assert ideas["texts"] == [] and ideas["texts_withheld"] is True
    assert "U-s0" not in json.dumps({**results, "questions": [q for q in results["questions"] if q["id"] != "ideas"]})


def test_the_csv_has_a_bom_escapes_and_the_same_suppression(client, act_as, clervaux):
    cid = answered_by_many(client, act_as, clervaux)
    act_as(STAFF)

    response = client.get(f"{BASE}/{cid}/results.csv?lang=fr")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="consultation-{cid}.csv"'
    raw = response.body if isinstance(response.body, bytes) else response.body.encode()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Question", "Type", "Option", "Quartier", "Nombre", "Réponse libre"]
    counts = [row[4] for row in rows[1:] if row[4]]
    assert "moins de 5" in counts
    assert all(c == "moins de 5" or int(c) >= 5 for c in counts), counts
    assert ["Trees or parking? (fr)", "choix unique", "Ont répondu à cette question", "Tous les quartiers", "15", ""] in rows
    assert ["Trees or parking? (fr)", "choix unique", "Trees (fr)", "Tous les quartiers", "moins de 5", ""] in rows
    free = [row[5] for row in rows[1:] if row[5]]
    assert free == ["Réponses libres non communiquées : moins de 5 résidents ont répondu"]  # one answer: withheld
    act_as(resident("U-s0", nbh=clervaux["south"]))
    assert client.get(f"{BASE}/{cid}/results.csv").status_code == 403


def ideas_from(client, act_as, clervaux, per_neighbourhood):
    """A consultation where `per_neighbourhood` residents of the south and of the north each give an idea."""
    south, north = clervaux["south"], clervaux["north"]
    cid = published(client, act_as, draft([south, north]))["id"]
    for nbh, where in ((south, "s"), (north, "n")):
        for i in range(per_neighbourhood):
            idea = f'Idea {where}{i}, with "quotes"\nand a line; =1+1'
            service.answer(resident(f"U-{where}{i}", nbh=nbh), nbh, cid, ConsultationAnswers(answers={"ideas": idea}))
    return cid


@pytest.mark.parametrize(("per_neighbourhood", "shown"), [(2, False), (5, True)])
def test_free_texts_are_exported_only_once_5_residents_answered_the_question(client, act_as, clervaux,
                                                                             per_neighbourhood, shown):
    # 4 ideas in all: withheld everywhere staff read them; 10: shown, without their authors
    cid = ideas_from(client, act_as, clervaux, per_neighbourhood)
    act_as(STAFF)

    ideas = next(q for q in client.get(f"{BASE}/{cid}/results").json_body["questions"] if q["id"] == "ideas")
    raw = client.get(f"{BASE}/{cid}/results.csv?lang=en").body
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    free = [row[5] for row in rows[1:] if row[5]]

    if shown:
        assert ideas["texts_withheld"] is False and len(ideas["texts"]) == 10
        assert sorted(free) == sorted(ideas["texts"]) and 'Idea s0, with "quotes"\nand a line; =1+1' in free
        assert "U-s0" not in text
    else:
        assert ideas["texts_withheld"] is True and ideas["texts"] == []
        assert free == ["Free-text answers withheld: fewer than 5 residents answered"]
        assert "with \"quotes\"" not in text and "Idea s0" not in text


def test_results_are_one_query_of_the_consultation_with_its_tallies_texts_and_names(client, act_as, clervaux,
                                                                                    monkeypatch):
    from chalicelib.neighbourhoods.models import NeighbourhoodItem
    from chalicelib.store.calls import count_dynamodb_calls

    cid = ideas_from(client, act_as, clervaux, 5)
    south, north = clervaux["south"], clervaux["north"]
    act_as(STAFF)
    with count_dynamodb_calls() as calls:
        staff = client.get(f"{BASE}/{cid}/results").json_body
    assert calls == {"Query": 1}  # and the session's read
    ideas = next(q for q in staff["questions"] if q["id"] == "ideas")
    assert len(ideas["texts"]) == 10 and ideas["texts_withheld"] is False
    names = {n["id"]: n["name"] for n in staff["neighbourhoods"]}
    assert set(names) == {south, north} and names[south] != south
    # A renamed neighbourhood: publishing neighbourhoods retargets, which keeps the names on the consultation
    renamed = NeighbourhoodItem.get(*NeighbourhoodItem.key("0501", south))
    renamed.update(actions=[NeighbourhoodItem.name.set("Am Schoulhaff")])
    service.retarget("0501")
    assert {n["name"] for n in client.get(f"{BASE}/{cid}/results").json_body["neighbourhoods"]} == {
        "Am Schoulhaff", names[north]}
    # Residents, once it closed: the same Query without the texts
    later(monkeypatch, timedelta(days=15))
    act_as(resident("U-s1", nbh=south))
    with count_dynamodb_calls() as calls:
        closed = client.get(at_home(south, cid, "/results")).json_body
    assert calls == {"Query": 1}
    assert all(q["texts"] is None for q in closed["questions"]) and closed["respondents"]["count"] == 10
    # Another commune's staff, or a resident elsewhere: still not found
    act_as(resident("U-v", nbh=clervaux["village"]))
    assert client.get(at_home(clervaux["village"], cid, "/results")).status_code == 404


def test_moving_texts_of_earlier_consultations_keeps_their_results(client, act_as, clervaux):
    from chalicelib.consultations.models import ConsultationItem, TextAnswerItem
    from chalicelib.store.calls import count_dynamodb_calls

    cid = ideas_from(client, act_as, clervaux, 5)
    act_as(STAFF)
    before = client.get(f"{BASE}/{cid}/results").json_body
    # Given the consultation as written before: its texts in their own partition, no names on it
    for text in texts(cid):
        TextAnswerItem(TextAnswerItem.earlier_partition(cid), text.sk.removeprefix(TextAnswerItem.PREFIX),
                       question_id=text.question_id, text=text.text).save()
        text.delete()
    ConsultationItem(*ConsultationItem.key(cid)).update(actions=[ConsultationItem.neighbourhood_names.remove()])
    assert texts(cid) == []
    # Then its results read the texts and names where they were, until the upgrade
    assert client.get(f"{BASE}/{cid}/results").json_body == before
    # A resident changing their text meanwhile replaces the earlier copy
    south = clervaux["south"]
    service.answer(resident("U-s0", nbh=south), south, cid, ConsultationAnswers(answers={"ideas": "Changed idea"}))
    assert service.move_texts("0501") == 9 and service.move_texts("0501") == 0  # idempotent
    assert list(TextAnswerItem.query(TextAnswerItem.earlier_partition(cid))) == []
    assert len(texts(cid)) == 10
    with count_dynamodb_calls() as calls:
        after = client.get(f"{BASE}/{cid}/results").json_body
    assert calls == {"Query": 1}
    ideas = next(q for q in after["questions"] if q["id"] == "ideas")
    assert "Changed idea" in ideas["texts"] and len(ideas["texts"]) == 10
    assert after["neighbourhoods"] == before["neighbourhoods"]


def test_a_formula_in_a_label_or_answer_is_not_run_by_a_spreadsheet():
    assert service._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert service._cell("-2") == "'-2" and service._cell("Trees") == "Trees"


def test_residents_see_results_only_once_closed_without_free_texts(client, act_as, clervaux, monkeypatch):
    cid = answered_by_many(client, act_as, clervaux)
    south = clervaux["south"]
    act_as(resident("U-s1", nbh=south))
    early = client.get(at_home(south, cid, "/results"))
    assert early.status_code == 409 and error_of(early)["fields"] == {"consultation_id": "not closed yet"}

    later(monkeypatch, timedelta(days=15))
    results = client.get(at_home(south, cid, "/results")).json_body

    assert_nothing_under_5(results)
    assert all(q["texts"] is None for q in results["questions"])
    assert results["respondents"] == {"count": 15, "suppressed": False}


# --- comments --------------------------------------------------------------------------------

def test_comments_go_to_the_commune_and_the_targeted_residents(client, act_as, clervaux):
    south, north = clervaux["south"], clervaux["north"]
    consultation = published(client, act_as, draft([south]))
    cid = consultation["id"]
    anna = resident("U-anna", nbh=south)
    make_user(anna, "anna@example.lu", "7000-1")
    act_as(anna)
    written = client.post(at_home(south, cid, "/comments"), headers=JSON, body=body({"text": "Keep the old lime tree"}))
    assert written.status_code == 201 and written.json_body["mine"] is True
    bad = client.post(at_home(south, cid, "/comments"), headers=JSON, body=body({"text": "  "}))
    assert bad.status_code == 400 and "text" in error_of(bad)["fields"]

    act_as(resident("U-ben", nbh=south))
    seen = client.get(at_home(south, cid, "/comments")).json_body["comments"]
    assert [(c["text"], c["mine"]) for c in seen] == [("Keep the old lime tree", False)]
    act_as(resident("U-far", nbh=north))
    assert client.get(at_home(north, cid, "/comments")).status_code == 404
    act_as(STAFF)
    assert [c["text"] for c in client.get(f"{BASE}/{cid}/comments").json_body["comments"]] == ["Keep the old lime tree"]


# --- documents -------------------------------------------------------------------------------

def test_a_document_upload_gets_a_presigned_post_with_the_right_conditions(client, act_as, clervaux):
    consultation = drafted(client, act_as, draft())
    response = client.post(f"{BASE}/{consultation['id']}/documents", headers=JSON,
                           body=body({"name": "plan.pdf", "content_type": "application/pdf", "size": 2048}))
    assert response.status_code == 201, response.body
    started = response.json_body
    fields = started["upload"]["fields"]
    assert fields["key"] == f"incoming/consultations/{consultation['id']}/{started['document']['id']}"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, MAX_DOCUMENT_BYTES] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert {"key": fields["key"]} in conditions
    assert {"bucket": get_settings().uploads_bucket} in conditions
    assert "expiration" in policy
    for payload, field in (({"name": "x.docx", "content_type": "application/msword", "size": 5}, "content_type"),
                           ({"name": "plan.pdf", "content_type": "application/pdf", "size": MAX_DOCUMENT_BYTES + 1},
                            "size"),
                           ({"name": "../plan.pdf", "content_type": "application/pdf", "size": 5}, "name")):
        refused = client.post(f"{BASE}/{consultation['id']}/documents", headers=JSON, body=body(payload))
        assert refused.status_code in (400, 413) and field in error_of(refused)["fields"]


def test_only_real_pdfs_are_kept_and_residents_get_a_link(client, act_as, clervaux):
    south = clervaux["south"]
    consultation = drafted(client, act_as, draft([south]))
    cid, bucket = consultation["id"], get_settings().uploads_bucket
    ids = {}
    for name, data in (("plan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), ("fake.pdf", b"MZ\x90\x00 not a pdf")):
        started = client.post(f"{BASE}/{cid}/documents", headers=JSON,
                              body=body({"name": name, "content_type": "application/pdf", "size": len(data)})).json_body
        aws_client("s3").put_object(Bucket=bucket, Key=started["upload"]["fields"]["key"], Body=data)
        ids[name] = started["document"]["id"]
        assert service.process_uploaded_document(bucket, started["upload"]["fields"]["key"]) in ("ready", "failed")
        assert service.process_uploaded_document(bucket, started["upload"]["fields"]["key"]).startswith("already")
    documents = {d["name"]: d for d in client.get(f"{BASE}/{cid}").json_body["documents"]}
    assert documents["plan.pdf"]["status"] == "ready"
    assert documents["fake.pdf"] == {**documents["fake.pdf"], "status": "failed", "reason": "The file is not a PDF."}
    published_now = client.post(f"{BASE}/{cid}/publish", headers=JSON, body=body({"version": 1}))
    assert published_now.status_code == 200

    act_as(resident("U-a", nbh=south))
    shown = client.get(at_home(south, cid)).json_body["consultation"]["documents"]
    assert [d["name"] for d in shown] == ["plan.pdf"]
    link = client.get(at_home(south, cid, f"/documents/{ids['plan.pdf']}"))
    assert link.status_code == 200 and link.json_body["name"] == "plan.pdf"
    assert client.get(at_home(south, cid, f"/documents/{ids['fake.pdf']}")).status_code == 404


def test_a_residents_view_is_one_batch_read_with_its_documents_listed(client, act_as, clervaux):
    from chalicelib.consultations.documents import list_documents
    from chalicelib.consultations.models import ConsultationItem
    from chalicelib.store.calls import count_dynamodb_calls

    south = clervaux["south"]
    consultation = drafted(client, act_as, draft([south]))
    cid, bucket = consultation["id"], get_settings().uploads_bucket
    started = client.post(f"{BASE}/{cid}/documents", headers=JSON,
                          body=body({"name": "plan.pdf", "content_type": "application/pdf", "size": 9})).json_body
    aws_client("s3").put_object(Bucket=bucket, Key=started["upload"]["fields"]["key"], Body=b"%PDF-1.7\n")
    assert service.process_uploaded_document(bucket, started["upload"]["fields"]["key"]) == "ready"
    edited = client.put(f"{BASE}/{cid}", headers=JSON, body=body({**draft([south]), "version": 1}))
    assert edited.status_code == 200  # the edit keeps the list
    assert client.post(f"{BASE}/{cid}/publish", headers=JSON, body=body({"version": 2})).status_code == 200
    act_as(resident("U-a", nbh=south))
    assert answer(client, south, cid, {"trees": "trees"}).status_code == 201

    with count_dynamodb_calls() as calls:
        seen = client.get(at_home(south, cid)).json_body
    assert calls == {"BatchGetItem": 1}  # and the session's read
    assert [d["name"] for d in seen["consultation"]["documents"]] == ["plan.pdf"]
    assert seen["my_answers"] == {"trees": "trees"}
    # A consultation written before the list: its documents are queried, until `./noper list-documents`
    ConsultationItem(*ConsultationItem.key(cid)).update(actions=[ConsultationItem.ready_documents.remove()])
    assert [d["name"] for d in client.get(at_home(south, cid)).json_body["consultation"]["documents"]] == ["plan.pdf"]
    assert list_documents() >= 1
    with count_dynamodb_calls() as calls:
        assert [d["name"] for d in client.get(at_home(south, cid)).json_body["consultation"]["documents"]] == ["plan.pdf"]
    assert calls == {"BatchGetItem": 1}
