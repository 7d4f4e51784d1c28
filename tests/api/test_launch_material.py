"""Launch material: the commune's poster and flyers, and a resident's invitation for a neighbour."""

import pytest
from pypdf import PdfReader
from io import BytesIO

from chalicelib.addresses.service import get_address
from tests.api.test_letters import PDF, resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.helpers import body, error_of

POSTERS = "/api/v1/communes/0501/posters"


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def verified_resident(client, outbox, email, address_id="7984-20"):
    headers = resident_headers(client, outbox, email, address_id)
    user_id = client.get("/api/v1/me", headers=headers).json_body["id"]
    clerk = staff_headers(client, outbox, "registry@clervaux.lu")
    decided = client.post(f"/api/v1/communes/0501/verifications/{user_id}", headers=clerk,
                          body=body({"decision": "approve"}))
    assert decided.status_code == 200, decided.body
    return headers


def test_staff_download_a_poster_of_a_neighbourhood_with_its_join_link_in_the_communes_languages(client, outbox):
    publish_clervaux()
    neighbourhood = get_address("7984-20").neighbourhood
    clerk = staff_headers(client, outbox, role="editor")

    poster = client.get(f"{POSTERS}?size=a4&neighbourhood_id={neighbourhood.id}", headers={**clerk, **PDF})

    assert poster.status_code == 200, poster.body
    assert poster.headers["Content-Type"] == "application/pdf"
    assert f'filename="noper-a4-{neighbourhood.id}.pdf"' in poster.headers["Content-Disposition"]
    page, = pages_of(poster.body)
    assert f"/join?neighbourhood={neighbourhood.id}" in page and neighbourhood.name in page
    # the three ways in, in each of the commune's languages
    assert "Äre Quartier op Noper" in page and "Votre quartier sur Noper" in page and "Ihr Viertel auf Noper" in page
    assert "deux voisins qui se portent garants" in page and "registre de la population" in page


def test_a_flyer_has_a_page_per_language_and_a_commune_wide_one_opens_the_commune(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)

    flyer = client.get(f"{POSTERS}?size=a6", headers={**clerk, **PDF})

    assert flyer.status_code == 200
    pages = pages_of(flyer.body)
    assert len(pages) == 5 and all("/join?commune=0501" in page for page in pages)
    assert PdfReader(BytesIO(flyer.body)).pages[0].mediabox.width == pytest.approx(105 / 25.4 * 72, abs=1)


@pytest.mark.parametrize(("query", "field"), [("size=a3", "size"), ("neighbourhood_id=0501-nowhere", "neighbourhood_id"),
                                              ("colour=red", "colour")])
def test_a_poster_that_cannot_be_is_refused_naming_the_field(client, outbox, query, field):
    publish_clervaux()
    answer = client.get(f"{POSTERS}?{query}", headers={**staff_headers(client, outbox), **PDF})
    assert answer.status_code in (400, 404) and field in error_of(answer)["fields"], answer.body


def test_posters_need_the_pdf_accept_header_and_the_communes_staff(client, outbox):
    publish_clervaux()
    assert client.get(POSTERS, headers=staff_headers(client, outbox)).status_code == 400
    resident = resident_headers(client, outbox, "ben@example.lu")
    assert client.get(POSTERS, headers={**resident, **PDF}).status_code == 403


def test_a_verified_resident_shares_or_prints_an_invitation_to_their_neighbourhood(client, outbox):
    publish_clervaux()
    neighbourhood = get_address("7984-20").neighbourhood
    anna = verified_resident(client, outbox, "anna@example.lu")
    assert client.patch("/api/v1/me", headers=anna, body=body({"display_name": "Anna W."})).status_code == 200

    invitation = client.get("/api/v1/me/invitation", headers=anna)
    flyer = client.get("/api/v1/me/invitation/flyer", headers={**anna, **PDF})

    assert invitation.status_code == 200, invitation.body
    assert invitation.json_body["url"].endswith(f"/join?neighbourhood={neighbourhood.id}")
    assert invitation.json_body["neighbourhood_name"] == neighbourhood.name
    assert invitation.json_body["url"] in invitation.json_body["text"]
    assert flyer.status_code == 200
    page, = pages_of(flyer.body)  # anna reads French (her account's first language): one page
    assert f"/join?neighbourhood={neighbourhood.id}" in page and "Anna W., votre voisin·e, vous invite" in page
    assert invitation.json_body["text"].startswith("Anna W., votre voisin·e, vous invite.")


def test_a_pending_resident_cannot_invite_yet_and_is_told_why(client, outbox):
    publish_clervaux()
    pending = resident_headers(client, outbox, "dani@example.lu")
    answer = client.get("/api/v1/me/invitation", headers=pending)
    assert answer.status_code == 403 and "verified" in error_of(answer)["message"]
