"""The paper digest (ambassadors only) and the local stage's digest button, through the API."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from chalicelib import config
from chalicelib.digest.weeks import week_of
from chalicelib.adapters import clock
from tests.digest.test_digest import N1, N2, publish, resident  # noqa: F401 (fixtures below)
from tests.digest.test_digest import neighbourhood_week  # noqa: F401
from tests.helpers import JSON, STAFF, body, error_of

PDF = {"Accept": "application/pdf"}


def paper(client, week, language, nbh=N1):
    return client.get(f"/api/v1/neighbourhoods/{nbh}/paper-digest?week={week}&language={language}", headers=PDF)


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages)


@pytest.mark.parametrize("language, heading", [("lb", "Nei dës Woch"), ("pt", "Novidades desta semana"),
                                               ("de", "Neu diese Woche")])
def test_an_ambassador_prints_the_week_in_the_language_chosen(client, act_as, neighbourhood_week, language, heading):
    act_as(resident("amb", ambassador=True))

    response = paper(client, week_of(clock.now()), language)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert heading in text and "Ladder" in text and "Street party" in text
    assert "Rude words" not in text and "Secret of Am Duerf" not in text


@pytest.mark.parametrize("who", [STAFF, resident("anna"), resident("otto", N2, ambassador=True)])
def test_anyone_but_an_ambassador_of_the_neighbourhood_gets_404(client, act_as, neighbourhood_week, who):
    act_as(who)

    response = paper(client, week_of(clock.now()), "fr")

    assert response.status_code == 404


def test_a_wrong_week_or_language_answers_400_naming_it(client, act_as, neighbourhood_week):
    act_as(resident("amb", ambassador=True))

    assert "week" in error_of(paper(client, "2026-48", "fr"))["fields"]
    assert "week" in error_of(paper(client, "2026-W60", "fr"))["fields"]
    assert "language" in error_of(paper(client, "2026-W48", "xx"))["fields"]


def run(client, payload):
    return client.post("/api/v1/communes/0501/digest-runs", headers=JSON, body=body(payload))


def test_the_digest_button_exists_on_the_local_stage_only(client, act_as, neighbourhood_week):
    act_as(STAFF)

    response = run(client, {"dry_run": True})

    assert response.status_code == 404 and "stage" in error_of(response)["fields"]


def test_on_the_local_stage_staff_run_it_and_see_counts_only(client, act_as, neighbourhood_week, monkeypatch, outbox):
    local = config.Settings(**{**config.get_settings().model_dump(), "stage": "local"})
    monkeypatch.setattr(config, "get_settings", lambda: local)
    act_as(STAFF)
    week = week_of(clock.now())

    dry = run(client, {"week": week, "dry_run": True})
    real = run(client, {"week": week, "neighbourhood_id": N1})
    again = run(client, {"week": week, "neighbourhood_id": N1})

    assert dry.status_code == 200, dry.body
    assert dry.json_body["would_send"] == 7 and dry.json_body["sent"] == 0  # Op der Hiel's six, Otto
    assert (real.json_body["sent"], again.json_body["sent"], again.json_body["already_sent"]) == (6, 0, 6)
    assert real.json_body["read_everything"] == 0  # nobody had looked at the feed
    assert "Ladder" not in dry.body.decode() and "@" not in dry.body.decode()
    assert run(client, {"week": week, "neighbourhood_id": "0999-x"}).status_code == 404
