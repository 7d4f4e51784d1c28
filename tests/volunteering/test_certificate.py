"""A volunteer's certificate (issue #12, point 2): their own confirmed participations as a PDF in their language —
each activity with its organiser, dates, roles and hours, the totals, the commune's name, the issue date — and
nobody else's. Read back from the PDF's bytes (pypdf's text extraction and page count), as the paper digest's tests
do."""

import io

import pytest
from pypdf import PdfReader

from chalicelib.adapters import clock
from tests.announcements.world import ANNA, BEN, N1, build_commune, resident
from tests.helpers import JSON, body
from tests.notifications.factories import make_resident
from tests.volunteering.test_calls import call_body, published, shift, sign_up, soon

CERTIFICATE = "/api/v1/me/volunteering/certificate.pdf"
PDF = {"Accept": "application/pdf"}
DORA = resident("U-DORA", N1)


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def pdf_text(response) -> tuple[str, int]:
    pages = PdfReader(io.BytesIO(response.body)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split()), len(pages)


def confirm(client, call_id, shift_id, people):
    response = client.post(f"/api/v1/volunteering/{call_id}/shifts/{shift_id}/attendance", headers=JSON,
                           body=body({"people": people}))
    assert response.status_code == 200, response.body


@pytest.fixture
def volunteered(client, act_as):
    """Ben came to two shifts of the flea market and to a shopping round; Dora to one flea market shift."""
    make_resident("U-BEN", nbh=N1)
    make_resident("U-DORA", nbh=N1)
    fair = published(client, act_as)
    rounds = published(client, act_as, **{**call_body(title="Weekly shopping round for Mrs Weber"),
                                          "shifts": [shift("Shopping", 12, 1.5, 1)]})
    for who, shifts in ((BEN, [(fair, "01"), (fair, "02"), (rounds, "01")]), (DORA, [(fair, "01")])):
        act_as(who)
        for call, shift_id in shifts:
            assert sign_up(client, call["id"], shift_id).status_code == 201
    act_as(ANNA)
    with clock.still_at(soon(14)):
        confirm(client, fair["id"], "01", [{"user_id": "U-BEN", "came": True, "hours": 2},
                                           {"user_id": "U-DORA", "came": True, "hours": 1.5}])
        confirm(client, fair["id"], "02", [{"user_id": "U-BEN", "came": True, "hours": 4}])
        confirm(client, rounds["id"], "01", [{"user_id": "U-BEN", "came": True, "hours": 1.5}])
    return fair, rounds


def test_the_certificate_lists_my_activities_hours_and_totals_in_my_language(client, act_as, volunteered):
    act_as(BEN)
    response = client.get(f"{CERTIFICATE}?language=en", headers=PDF)
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "application/pdf"
    assert 'filename="volunteering-certificate.pdf"' in response.headers["Content-Disposition"]
    text, pages = pdf_text(response)
    assert pages == 1
    assert "Commune of Clervaux" in text and "Certificate of volunteering" in text
    assert "This certifies that Ben took part" in text
    assert "Flea market volunteers" in text and "Weekly shopping round for Mrs Weber" in text
    assert "Set-up · 2 h" in text and "Stall · 4 h" in text and "Shopping · 1.5 h" in text
    assert "2 participations, 6 hours" in text and "1 participation, 1.5 hours" in text  # plurals as English says
    assert "In total: 3 volunteer actions, 7.5 hours." in text
    assert f"Issued on {clock.now():%B} " in text
    # Another volunteer's record never appears
    assert "Dora" not in text and "Set-up · 1.5 h" not in text  # her shift and hours


def test_the_certificate_speaks_the_residents_language_and_holds_only_their_own_record(client, act_as, volunteered):
    act_as(DORA)
    german, _ = pdf_text(client.get(CERTIFICATE, headers={**PDF, "Accept-Language": "de-LU,de;q=0.9"}))
    assert "Bescheinigung über ehrenamtliches Engagement" in german and "Gemeinde Clervaux" in german
    assert "Insgesamt: 1 ehrenamtlicher Einsatz, 1,5 Stunden." in german
    assert "Ben" not in german and "Weekly shopping round" not in german
    for language, words in (("fr", "Attestation de bénévolat"), ("lb", "Certificat iwwer Benevolat"),
                            ("pt", "Certificado de voluntariado")):
        text, _ = pdf_text(client.get(f"{CERTIFICATE}?language={language}", headers=PDF))
        assert words in text, language
        if language == "fr":  # French says one below 2: "1,5 heure"
            assert "Au total : 1 action bénévole, 1,5 heure." in text


def test_a_resident_with_no_confirmed_participation_gets_a_certificate_saying_so(client, act_as):
    act_as(BEN)
    text, pages = pdf_text(client.get(f"{CERTIFICATE}?language=en", headers=PDF))
    assert pages == 1 and "No participation has been confirmed yet." in text
    assert "In total: 0 volunteer actions, 0 hours." in text


def test_bad_language_and_strangers_are_refused(client, act_as):
    act_as(BEN)
    assert client.get(f"{CERTIFICATE}?language=xx", headers=PDF).status_code == 400
    from chalicelib.policy import ANONYMOUS

    act_as(ANONYMOUS)
    assert client.get(CERTIFICATE, headers=PDF).status_code == 401


def test_sign_ups_older_than_the_communes_copy_still_print_its_name(client, act_as, volunteered):
    from chalicelib.volunteering.models import SignUpItem

    for signup in SignUpItem.by_user.query(SignUpItem.user_key("U-BEN")):
        signup.update(actions=[SignUpItem.commune.remove()])
    act_as(BEN)
    assert client.get("/api/v1/me/volunteering/record").json_body["commune"] is None
    text, _ = pdf_text(client.get(f"{CERTIFICATE}?language=en", headers=PDF))
    assert "Commune of Clervaux" in text and "In total: 3 volunteer actions, 7.5 hours." in text
