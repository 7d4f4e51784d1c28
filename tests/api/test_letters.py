"""Letters with verification codes: printed by commune staff, typed (or scanned) by residents."""

import re
import threading
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import grant_staff
from chalicelib.accounts.service import claim_residence
from chalicelib.accounts.signin import account_for_email
from chalicelib.addresses.service import get_address
from chalicelib.errors import Conflict
from chalicelib.neighbourhoods.service import list_published
from chalicelib.verification import codes, service
from chalicelib.verification.models import LetterBatchRequest, LetterCodeItem, VerificationItem
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import body, error_of

CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})\b")
PDF = {"Accept": "application/pdf"}


def staff_headers(client, outbox, email="clerk@clervaux.lu", lau2="0501", role="verifier"):
    grant_staff(email, lau2, role)
    return session_headers(sign_in(client, outbox, email))


def resident_headers(client, outbox, email, address_id="7984-20"):
    headers = session_headers(sign_in(client, outbox, email))
    assert client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": address_id})).status_code == 200
    return headers


def pending_resident(email, address_id="7984-20"):
    user = account_for_email(email)
    claim_residence(principal_of(user), address_id)
    user.refresh()
    return user


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def print_letters(client, headers, request):
    return client.post("/api/v1/communes/0501/letters", headers={**headers, **PDF}, body=body(request))


def redeem(client, headers, code):
    return client.post("/api/v1/me/residence/code", headers=headers, body=body({"code": code}))


def test_staff_print_a_page_per_household_of_pending_residents_and_its_code_verifies(client, outbox):
    # Given two residents waiting at one address and one at another
    publish_clervaux()
    anna = resident_headers(client, outbox, "anna@example.lu")
    resident_headers(client, outbox, "ben@example.lu")
    resident_headers(client, outbox, "carla@example.lu", address_id="7984-24")
    clerk = staff_headers(client, outbox)

    # When the commune prints letters for pending residents
    response = print_letters(client, clerk, {"pending": True})

    # Then one page per household, each with its address in the window and its code
    assert response.status_code == 201, response.body
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.body.startswith(b"%PDF")
    pages = pages_of(response.body)
    assert len(pages) == 2
    page = next(p for p in pages if "Kaesfurterstrooss 20" in p)
    assert "9755 Hupperdange" in page and "Lëtzebuergesch" in page and "Português" in page
    code = CODE.search(page).group(1)
    assert f"/join?code={code}" in page
    # In each language's words: its dates ("6 décembre 2026", not 2026-12-06) and grammar ("de votre quartier")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page) and "le réseau fermé de votre quartier" in page
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")
    assert any(f"jusqu'au {day} {month}" in page for day in range(1, 32) for month in months), page
    # And the printed code verifies a resident of that address
    verified = redeem(client, anna, code)
    assert verified.status_code == 200, verified.body
    assert verified.json_body["residence"]["status"] == "verified"
    assert verified.json_body["residence"]["method"] == "letter"
    user = UserItem.get(*UserItem.key(verified.json_body["id"]))
    assert user.gsi1sk == f"verified#{user.user_id}"
    record, = VerificationItem.query(f"USER#{user.user_id}", VerificationItem.sk.startswith(VerificationItem.PREFIX))
    assert (record.method, record.decision, record.address_id) == ("letter", "approved", "7984-20")
    assert record.by.startswith("letter:")


def test_the_launch_campaign_writes_to_every_address_of_a_neighbourhood(client, outbox):
    publish_clervaux()
    neighbourhood = get_address("7984-20").neighbourhood
    expected = next(n.address_count for n in list_published("0501").neighbourhoods if n.id == neighbourhood.id)

    response = print_letters(client, staff_headers(client, outbox), {"neighbourhood_id": neighbourhood.id})

    assert response.status_code == 201
    pages = pages_of(response.body)
    assert len(pages) == expected
    assert len({CODE.search(p).group(1) for p in pages}) == expected  # a code of its own for each household


def test_the_code_is_stored_only_as_a_keyed_hash_bound_to_its_address():
    publish_clervaux()
    pending_resident("anna@example.lu")

    batch = service.letter_batch("0501", LetterBatchRequest(pending=True), site="https://noper.example.lu", by=None)

    issued, = batch.codes
    stored = LetterCodeItem.get(*LetterCodeItem.key(codes.code_hash(issued.code)))
    assert issued.code not in stored.pk and stored.address_id == "7984-20" and stored.max_uses == 4


def test_a_code_of_another_address_does_not_verify(client, outbox):
    publish_clervaux()
    pending_resident("ben@example.lu", address_id="7984-24")
    batch = service.letter_batch("0501", LetterBatchRequest(pending=True), site="https://x", by=None)
    anna = resident_headers(client, outbox, "anna@example.lu")

    response = redeem(client, anna, codes.printed(batch.codes[0].code))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"code": "wrong code"}
    assert client.get("/api/v1/me", headers=anna).json_body["residence"]["status"] == "pending"


def test_an_expired_code_does_not_verify(client, outbox, monkeypatch):
    publish_clervaux()
    anna = resident_headers(client, outbox, "anna@example.lu")
    batch = service.letter_batch("0501", LetterBatchRequest(pending=True, valid_days=1), site="https://x", by=None)
    later = service.now() + timedelta(days=2)
    monkeypatch.setattr(service, "now", lambda: later)

    response = redeem(client, anna, codes.printed(batch.codes[0].code))

    assert response.status_code == 400 and error_of(response)["fields"] == {"code": "expired"}


def test_a_code_typed_loosely_still_verifies(client, outbox):
    publish_clervaux()
    anna = resident_headers(client, outbox, "anna@example.lu")
    code = service.letter_batch("0501", LetterBatchRequest(pending=True), site="https://x", by=None).codes[0].code
    typed = " ".join([code[:5], code[5:]]).lower().replace("0", "o").replace("1", "l")

    assert redeem(client, anna, typed).status_code == 200


def test_a_code_verifies_at_most_four_residents_of_the_household_even_at_once():
    # Given eight people claiming the same address and one letter for it
    publish_clervaux()
    users = [pending_resident(f"resident{i}@example.lu") for i in range(8)]
    code = service.letter_batch("0501", LetterBatchRequest(pending=True), site="https://x", by=None).codes[0].code
    outcomes, start = [], threading.Barrier(len(users))

    def redeem_at_once(user):
        start.wait()
        try:
            service.redeem_letter_code(principal_of(user), code, f"198.51.100.{users.index(user)}")
            outcomes.append("verified")
        except Conflict as refusal:
            outcomes.append(refusal.fields.get("code", refusal.fields.get("user_id")))

    # When all of them type the code at the same moment
    threads = [threading.Thread(target=redeem_at_once, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly four are verified and the code counted four uses
    assert sorted(outcomes) == ["used up"] * 4 + ["verified"] * 4
    assert LetterCodeItem.get(*LetterCodeItem.key(codes.code_hash(code))).uses == 4
    assert sum(UserItem.get(*UserItem.key(u.user_id)).residence_status == "verified" for u in users) == 4


def test_an_outsider_guessing_codes_is_stopped_after_ten_tries_an_hour(client, outbox):
    """A code is 10 symbols of a 32-symbol alphabet: 32^10 = 2^50 ≈ 1.1e15 codes. An outsider who
    claims an address must hit one of the few live codes of that address (say 2). Allowed 10
    attempts an hour per account (and 30 per IP), that is 87,600 a year: the expected time to guess
    is 2^50 / 2 / 87,600 ≈ 6.4e9 years per account; even 10,000 accounts on 10,000 IPs need
    ~640,000 years. The sign-in code itself (10^6, 5 tries) is not the weak link either: each
    account needs its own email."""
    publish_clervaux()
    outsider = resident_headers(client, outbox, "outsider@example.lu")
    service.letter_batch("0501", LetterBatchRequest(pending=True), site="https://x", by=None)

    answers = [redeem(client, outsider, f"AAAA-AAAA-{i:02d}").status_code for i in range(10)]
    blocked = redeem(client, outsider, "AAAA-AAAA-99")

    assert answers == [400] * 10
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_a_code_needs_a_claimed_address_first(client, outbox):
    publish_clervaux()
    headers = session_headers(sign_in(client, outbox, "newcomer@example.lu"))

    response = redeem(client, headers, "K7QF-2M9X-PD")

    assert response.status_code == 409 and error_of(response)["fields"] == {"address_id": "no address claimed"}


@pytest.mark.parametrize("typed", ["", "K7QF-2M9X", "K7QF-2M9X-PD-ZZ", "K7QF-2M9X-P!"])
def test_what_cannot_be_a_code_is_400_naming_code(client, outbox, typed):
    publish_clervaux()
    headers = resident_headers(client, outbox, "anna@example.lu")

    response = redeem(client, headers, typed)

    assert response.status_code == 400 and "code" in error_of(response)["fields"]


def test_letters_need_the_pdf_accept_header(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)

    response = client.post("/api/v1/communes/0501/letters", headers=clerk, body=body({"pending": True}))

    assert response.status_code == 400 and "Accept" in error_of(response)["fields"]


@pytest.mark.parametrize("request_body, status, field", [
    ({}, 400, "neighbourhood_id"),
    ({"neighbourhood_id": "0999-abc"}, 404, "neighbourhood_id"),
    ({"pending": True}, 409, "pending"),  # nobody waiting
    ({"pending": True, "valid_days": 0}, 400, "valid_days"),
])
def test_letters_for_nobody_or_elsewhere_are_refused_naming_the_field(client, outbox, request_body, status, field):
    publish_clervaux()

    response = print_letters(client, staff_headers(client, outbox), request_body)

    assert response.status_code == status and field in error_of(response)["fields"]


def test_staff_of_another_commune_cannot_print_letters(client, outbox):
    publish_clervaux()
    other = staff_headers(client, outbox, email="clerk@consdorf.lu", lau2="1004", role="admin")

    assert print_letters(client, other, {"pending": True}).status_code == 403
