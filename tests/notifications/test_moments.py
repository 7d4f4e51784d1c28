"""Emails for the moments people wait on: their address verified (by staff, a letter, two neighbours) or
refused with the reason; a loan request to the owner and the owner's answer to the borrower. Read as
SES (moto server) received them, in the recipient's language."""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default

import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.notifications import alert_queue, moments
from chalicelib.notifications.settings import TOPICS
from tests.api.test_letters import CODE, pages_of, pending_resident, print_letters, redeem, resident_headers, staff_headers
from tests.api.test_neighbours import HUPPERDANGE, make_resident, vouch
from tests.api.test_residence import publish_clervaux
from tests.api.test_verifications import decide
from tests.lending.test_lending import ask_loan, day, decide as decide_loan, lend
from chalicelib.policy import Principal


def sent_to(address: str) -> list[EmailMessage]:
    """The notifications (not sign-in codes) SES received for this address, oldest first, from the raw bytes."""
    with urllib.request.urlopen(f"{os.environ['NOPER_AWS_ENDPOINT']}/moto-api/data.json") as answer:
        raw_messages = json.load(answer)["ses"]["RawMessage"]
    found = []
    for raw in raw_messages:
        data = raw["raw_data"]
        message = BytesParser(policy=default).parsebytes(data.encode("utf-8", "surrogateescape")
                                                         if isinstance(data, str) else data)
        if message["To"] == address and message["Auto-Submitted"]:
            found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def speaks(user_id: str, language: str, **fields) -> None:
    user = UserItem.get(*UserItem.key(user_id))
    user.update(actions=[UserItem.languages.set([language]),
                         *[getattr(UserItem, name).set(value) for name, value in fields.items()]])


ALL_OFF = {topic: False for topic in TOPICS}


# --- the address ------------------------------------------------------------------------------

def test_staff_approval_emails_the_resident_in_their_language_even_with_every_choice_off(client, outbox):
    publish_clervaux()
    anna = pending_resident("anna-approved@example.lu")
    speaks(anna.user_id, "de", notifications=ALL_OFF)
    clerk = staff_headers(client, outbox)

    assert decide(client, clerk, anna.user_id, {"decision": "approve"}).status_code == 200

    [message] = sent_to("anna-approved@example.lu")
    assert message["Subject"] == "Ihre Adresse ist bestätigt: willkommen in Ihrem Viertel"
    assert "Ihre Gemeinde hat Ihre Adresse geprüft" in text_of(message) and "Hupperdange" in text_of(message)
    assert f"/neighbourhoods/{HUPPERDANGE}/posts" in text_of(message)
    assert message["List-Unsubscribe"] is None  # essential: about their own account
    assert message["Content-Language"] == "de"


def test_a_refusal_tells_the_resident_the_communes_reason(client, outbox):
    publish_clervaux()
    ben = pending_resident("ben-refused@example.lu")
    speaks(ben.user_id, "fr")
    clerk = staff_headers(client, outbox)

    decided = decide(client, clerk, ben.user_id, {"decision": "reject", "reason": "Pas inscrit à cette adresse"})

    assert decided.status_code == 200
    [message] = sent_to("ben-refused@example.lu")
    assert message["Subject"] == "Votre adresse n'a pas pu être vérifiée"
    assert "Pas inscrit à cette adresse" in text_of(message)
    assert "Pas inscrit à cette adresse" in message.get_body(("html",)).get_content()
    assert "/join" in text_of(message)


def test_a_letter_code_verifying_emails_the_resident(client, outbox):
    publish_clervaux()
    carla = resident_headers(client, outbox, "carla-letter@example.lu")
    clerk = staff_headers(client, outbox)
    code = CODE.search(pages_of(print_letters(client, clerk, {"pending": True}).body)[0]).group(1)
    carla_id = client.get("/api/v1/me", headers=carla).json_body["id"]
    speaks(carla_id, "lb")

    assert redeem(client, carla, code).status_code == 200

    [message] = sent_to("carla-letter@example.lu")
    assert message["Subject"] == "Är Adress ass confirméiert: wëllkomm an Ärem Quartier"
    assert "De Code aus Ärem Bréif" in text_of(message)


def test_two_households_vouching_email_the_newcomer_once(client, act_as):
    publish_clervaux()
    newcomer = make_resident("7984-20", status="pending", name="dani-vouched", languages=["pt"])
    first, second = make_resident("7973-46"), make_resident("7973-48")

    vouch(client, act_as, first, newcomer)
    assert sent_to("dani-vouched@example.lu") == []
    assert vouch(client, act_as, second, newcomer).status_code == 201

    [message] = sent_to("dani-vouched@example.lu")
    assert message["Subject"] == "O seu endereço está verificado: bem-vindo ao seu bairro"
    assert "Dois vizinhos de agregados diferentes" in text_of(message)


def test_the_same_decision_is_emailed_once_however_often_the_job_runs(client, outbox):
    publish_clervaux()
    eva = pending_resident("eva-once@example.lu")
    clerk = staff_headers(client, outbox)
    at = decide(client, clerk, eva.user_id, {"decision": "approve"}).json_body["at"]

    assert alert_queue.run_job({"kind": "residence", "user_id": eva.user_id, "at": at}) == 0

    assert len(sent_to("eva-once@example.lu")) == 1


# --- loans ------------------------------------------------------------------------------------

N1 = "0501-n1"
OWNER = Principal(user_id="U-MOMENT-OWNER", lau2="0501", neighbourhood_id=N1, residence_status="verified")
BORROWER = Principal(user_id="U-MOMENT-BORROWER", lau2="0501", neighbourhood_id=N1, residence_status="verified")


@pytest.fixture
def lenders():
    from tests.notifications.factories import make_resident as make_neighbour

    tag = secrets.token_hex(4)  # moto keeps every test's mail: an address of this test's own
    owner = make_neighbour(OWNER.user_id, nbh=N1, languages=("fr",), email_address=f"owner-{tag}@example.lu")
    owner.update(actions=[UserItem.display_name.set("Ben B.")])
    borrower = make_neighbour(BORROWER.user_id, nbh=N1, languages=("en",), email_address=f"borrower-{tag}@example.lu")
    borrower.update(actions=[UserItem.display_name.set("Anna K.")])
    return owner, borrower


def test_a_loan_request_reaches_the_owner_and_the_answer_the_borrower(client, act_as, lenders):
    owner, borrower = lenders
    item = lend(client, act_as, owner=OWNER, name="Perceuse")

    loan = ask_loan(client, act_as, item["id"], day(2), day(4), borrower=BORROWER)

    assert loan.status_code == 201, loan.body
    [request] = sent_to(owner.email)
    assert request["Subject"] == "Anna K. aimerait emprunter : Perceuse"
    assert f"/items/{item['id']}" in text_of(request) and "Acceptez ou refusez" in text_of(request)
    assert request["List-Unsubscribe"].startswith("<") and "loan_reminders" in request["List-Unsubscribe"]
    assert "prêt entre vous et un voisin" in text_of(request)

    assert decide_loan(client, act_as, loan.json_body["id"], "accept", who=OWNER).status_code == 200

    [answer] = sent_to(borrower.email)
    assert answer["Subject"] == "Ben B. lends you Perceuse"
    assert "has accepted your request" in text_of(answer)


def test_a_declined_request_tells_the_borrower(client, act_as, lenders):
    _, borrower = lenders
    item = lend(client, act_as, owner=OWNER, name="Leeder")
    loan = ask_loan(client, act_as, item["id"], day(2), day(3), borrower=BORROWER).json_body

    assert decide_loan(client, act_as, loan["id"], "decline", who=OWNER).status_code == 200

    [answer] = sent_to(borrower.email)
    assert answer["Subject"] == "Ben B. cannot lend you Leeder"


def test_an_owner_who_turned_loan_emails_off_gets_none(client, act_as, lenders):
    owner, _ = lenders
    owner.update(actions=[UserItem.notifications.set({"loan_reminders": False})])
    item = lend(client, act_as, owner=OWNER, name="Scie")

    assert ask_loan(client, act_as, item["id"], day(2), day(3), borrower=BORROWER).status_code == 201

    assert sent_to(owner.email) == []


def test_states_nobody_waits_for_send_nothing():
    assert moments.loan_changed("no-such-loan", "picked_up") is False
    assert moments.loan_changed("no-such-loan", "requested") is False


# --- a move with redrawn boundaries -----------------------------------------------------------

def test_residents_moved_by_a_redraw_are_told_their_new_neighbourhood_in_their_language_once(client, outbox):
    from chalicelib.accounts.moves import moves_of
    from chalicelib.neighbourhoods import service as neighbourhoods
    from chalicelib.neighbourhoods.models import DrawnNeighbourhoods

    publish_clervaux()
    # Marnach's residents: one verified (every choice off: the email is essential), one pending; Hupperdange's stays
    moved = pending_resident("moved-verified@example.lu", "3765-12")
    speaks(moved.user_id, "fr", residence_status="verified", notifications=ALL_OFF)
    waiting = pending_resident("moved-pending@example.lu", "3765-12")
    speaks(waiting.user_id, "de")
    staying = pending_resident("staying@example.lu", "7984-20")
    # One neighbourhood drawn around both villages (it continues Hupperdange's): Marnach's residents move
    whole_north = [[[5.9, 50.0], [6.2, 50.0], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Clervaux-Nord"},
         "geometry": {"type": "Polygon", "coordinates": whole_north}}]}
    draft = neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn))
    neighbourhoods.publish("0501", draft.version)

    (move,) = moves_of(moved.user_id)
    [french] = sent_to("moved-verified@example.lu")
    [german] = sent_to("moved-pending@example.lu")
    assert french["Subject"] == "Votre quartier sur Noper est désormais Clervaux-Nord"
    assert "se trouve maintenant dans Clervaux-Nord" in text_of(french) and "reste vérifiée" in text_of(french)
    assert f"/neighbourhoods/{move.new_neighbourhood_id}" in text_of(french)
    assert french["List-Unsubscribe"] is None and french["Content-Language"] == "fr"
    assert german["Subject"] == "Ihr Viertel auf Noper ist jetzt Clervaux-Nord"
    assert "noch nicht bestätigt" in text_of(german)
    assert sent_to("staying@example.lu") == []
    # A retried job sends nothing more
    assert moments.run_job({"kind": "moved", "user_id": moved.user_id, "at": move.at.isoformat()}) == 0
    assert len(sent_to("moved-verified@example.lu")) == 1
