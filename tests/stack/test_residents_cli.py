"""`./noper staff|ambassador|operator|letters ...`: the operator grants roles and prints letters."""

import re
from io import BytesIO

from pypdf import PdfReader

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.verification import service
from tests.api.test_letters import pending_resident
from tests.api.test_residence import publish_clervaux
from tests.stack.test_neighbourhoods_cli import run_noper


def test_staff_roles_are_granted_to_a_new_email_and_revoked():
    publish_clervaux()

    added = run_noper("staff", "add", "Clerk@Clervaux.lu", "--commune", "0501", "--role", "verifier")
    admin = run_noper("staff", "add", "clerk@clervaux.lu", "--commune", "0501", "--role", "admin")

    assert added.returncode == 0 and admin.returncode == 0, added.stderr + admin.stderr
    assert account_of("clerk@clervaux.lu").staff == {"0501:verifier", "0501:admin"}
    removed = run_noper("staff", "remove", "clerk@clervaux.lu", "--commune", "0501", "--role", "admin")
    assert removed.returncode == 0 and account_of("clerk@clervaux.lu").staff == {"0501:verifier"}


def test_staff_add_refuses_an_unknown_commune_and_a_bad_email_plainly():
    unknown = run_noper("staff", "add", "clerk@nowhere.lu", "--commune", "0999", "--role", "admin")
    bad = run_noper("staff", "add", "not-an-email", "--commune", "0501", "--role", "admin")

    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert bad.returncode == 1 and "not an email" in bad.stderr


def test_operator_and_ambassador_roles():
    publish_clervaux()
    anna = pending_resident("anna@example.lu")

    refused = run_noper("ambassador", "add", "anna@example.lu", "--neighbourhood", anna.neighbourhood_id)
    service.decide("0501", anna.user_id, True, None, "test")
    appointed = run_noper("ambassador", "add", "anna@example.lu", "--neighbourhood", anna.neighbourhood_id)
    operator = run_noper("operator", "add", "ops@example.lu")

    assert refused.returncode == 1 and "verified resident" in refused.stderr
    assert appointed.returncode == 0, appointed.stderr
    assert UserItem.get(*UserItem.key(anna.user_id)).ambassador_of == {anna.neighbourhood_id}
    assert operator.returncode == 0 and account_of("ops@example.lu").operator


def test_letters_are_written_to_a_pdf_whose_code_verifies(tmp_path):
    publish_clervaux()
    anna = pending_resident("anna@example.lu")
    output = tmp_path / "letters.pdf"

    result = run_noper("letters", "--commune", "0501", "--pending", "-o", str(output), "--site", "https://noper.example.lu")

    assert result.returncode == 0, result.stderr
    assert "1 letters" in result.stdout
    page, = PdfReader(BytesIO(output.read_bytes())).pages
    code = re.search(r"https://noper\.example\.lu/join\?code=([0-9A-Z-]{12})", page.extract_text()).group(1)
    assert service.redeem_letter_code(principal_of(anna), code, "192.0.2.1").residence.status == "verified"


def test_letters_for_a_whole_neighbourhood_and_unknown_ones():
    publish_clervaux()
    unknown = run_noper("letters", "--commune", "0501", "--neighbourhood", "0501-nope", "-o", "/tmp/none.pdf")

    assert unknown.returncode == 1 and "neighbourhood_id" in unknown.stderr


def test_the_demo_signs_in_staff_and_residents_and_loads_twice_alike():
    from ops.demo_residents import RESIDENTS, STAFF_EMAIL

    first, second = run_noper("demo"), run_noper("demo")

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert {"9901:admin", "0501:admin"} <= account_of(STAFF_EMAIL).staff
    people = {email: account_of(email) for email, _, _ in RESIDENTS}
    assert [p.residence_status for p in people.values()] == ["verified", "verified", "verified", "pending"]
    assert {p.residence_method for p in people.values()} == {"staff", None}
    assert len({p.neighbourhood_id for p in people.values()}) == 1
    assert len(service.verifications_of(people["anna@demo.noper.lu"].user_id)) == 1  # not verified twice
    pending = service.pending_residents("9901").residents
    assert [r.email for r in pending] == ["dani@demo.noper.lu"]
