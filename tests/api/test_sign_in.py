"""Signing in with an emailed code, sessions and their cookies, CSRF, the profile."""

import re
from datetime import timedelta
from email import message_from_bytes, policy as email_policy

import pytest

from chalicelib.accounts import signin
from chalicelib.config import get_settings
from chalicelib.accounts.models import SignInCodeItem
from tests.helpers import JSON, body, error_of


def ask_code(client, email, language="lb"):
    return client.post("/api/v1/auth/code", headers=JSON, body=body({"email": email, "language": language}))


def code_from_outbox(outbox, email):
    mails = sorted(outbox.glob(f"*{email}.eml"))
    assert mails, f"no mail to {email}"
    text = message_from_bytes(mails[-1].read_bytes(), policy=email_policy.default).get_body(("plain",)).get_content()
    return re.search(r"^\s+(\d{6})\s*$", text, re.M).group(1)


def sign_in(client, outbox, email="anna@example.lu"):
    ask_code(client, email)
    response = client.post("/api/v1/auth/session", headers=JSON,
                           body=body({"email": email, "code": code_from_outbox(outbox, email)}))
    assert response.status_code == 200, response.body
    return response


def cookies_of(response):
    values = response.headers["Set-Cookie"]
    values = values if isinstance(values, list) else [values]
    return {v.split("=", 1)[0]: v for v in values}


def session_headers(response, csrf=True):
    jar = {name: value.split(";")[0].split("=", 1)[1] for name, value in cookies_of(response).items()}
    headers = {**JSON, "Cookie": f"noper_session={jar['noper_session']}; noper_csrf={jar['noper_csrf']}"}
    if csrf:
        headers["X-CSRF-Token"] = jar["noper_csrf"]
    return headers


def test_asking_a_code_answers_202_and_mails_it_in_the_chosen_language(client, outbox):
    response = ask_code(client, "Anna@Example.lu", language="lb")

    assert response.status_code == 202
    mail = sorted(outbox.glob("*anna@example.lu.eml"))[-1].read_text()
    assert "Noper-Code" in mail
    assert len(code_from_outbox(outbox, "anna@example.lu")) == 6


def test_the_code_is_stored_only_as_a_hash(client, outbox):
    ask_code(client, "ben@example.lu")
    code = code_from_outbox(outbox, "ben@example.lu")

    stored = SignInCodeItem.get(*SignInCodeItem.key("ben@example.lu"))

    assert code not in stored.code_hash and len(stored.code_hash) == 64


def test_an_unknown_and_a_known_email_get_the_same_answer(client, outbox):
    sign_in(client, outbox, "known@example.lu")

    known, unknown = ask_code(client, "known@example.lu"), ask_code(client, "nobody@example.lu")

    assert (known.status_code, known.body) == (unknown.status_code, unknown.body)


def test_a_bad_email_answers_400_naming_it(client):
    response = client.post("/api/v1/auth/code", headers=JSON, body=body({"email": "not-an-email"}))

    assert response.status_code == 400
    assert "email" in error_of(response)["fields"]


def test_codes_asked_too_often_for_one_email_answer_429_with_retry_after(client):
    answers = [ask_code(client, "carla@example.lu").status_code for _ in range(signin.CODES_PER_EMAIL + 1)]

    assert answers[-1] == 429 and set(answers[:-1]) == {202}


def test_signing_in_sets_the_session_and_csrf_cookies_with_their_flags(client, outbox):
    response = sign_in(client, outbox)

    cookies = cookies_of(response)
    assert "HttpOnly" in cookies["noper_session"] and "SameSite=Lax" in cookies["noper_session"]
    assert "Secure" in cookies["noper_session"]  # every stage but local
    assert "HttpOnly" not in cookies["noper_csrf"]  # the web app reads it to echo it
    assert response.json_body["email"] == "anna@example.lu"
    assert response.json_body["residence"]["status"] == "none"


def test_the_session_opens_the_profile(client, outbox):
    headers = session_headers(sign_in(client, outbox))

    response = client.get("/api/v1/me", headers=headers)

    assert response.status_code == 200
    assert response.json_body["roles"] == ["resident"]


def test_a_new_email_gets_one_account_and_signing_in_again_finds_it(client, outbox):
    first = sign_in(client, outbox).json_body["id"]
    again = sign_in(client, outbox).json_body["id"]

    assert first == again


def test_a_wrong_code_is_refused_and_five_attempts_use_the_code_up(client, outbox):
    ask_code(client, "dan@example.lu")
    right = code_from_outbox(outbox, "dan@example.lu")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    answers = [client.post("/api/v1/auth/session", headers=JSON, body=body({"email": "dan@example.lu", "code": wrong}))
               for _ in range(signin.CODE_ATTEMPTS)]
    last = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": "dan@example.lu", "code": right}))

    assert {a.status_code for a in answers} == {400}
    assert error_of(answers[0])["fields"] == {"code": "wrong code"}
    assert last.status_code == 429  # even the right code: the attempts are used up


def test_a_code_opens_one_session_only(client, outbox):
    ask_code(client, "eva@example.lu")
    code = code_from_outbox(outbox, "eva@example.lu")
    payload = body({"email": "eva@example.lu", "code": code})

    assert client.post("/api/v1/auth/session", headers=JSON, body=payload).status_code == 200
    assert client.post("/api/v1/auth/session", headers=JSON, body=payload).status_code == 400


def test_an_expired_code_is_refused(client, outbox, monkeypatch):
    ask_code(client, "finn@example.lu")
    code = code_from_outbox(outbox, "finn@example.lu")
    later = signin.now() + timedelta(minutes=signin.CODE_MINUTES + 1)
    monkeypatch.setattr(signin, "now", lambda: later)

    response = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": "finn@example.lu", "code": code}))

    assert response.status_code == 400 and error_of(response)["fields"] == {"code": "expired"}


@pytest.mark.parametrize("cookie", ["noper_session=forged-token", "noper_session=", "garbage;;=="])
def test_forged_or_empty_session_tokens_are_strangers(client, cookie):
    assert client.get("/api/v1/me", headers={"Cookie": cookie}).status_code == 401


def test_an_expired_session_is_refused(client, outbox, monkeypatch):
    headers = session_headers(sign_in(client, outbox))
    later = signin.now() + timedelta(days=signin.SESSION_DAYS, minutes=1)
    monkeypatch.setattr(signin, "now", lambda: later)

    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_state_changing_requests_need_the_csrf_header(client, outbox):
    response = sign_in(client, outbox)
    without, wrong = session_headers(response, csrf=False), {**session_headers(response), "X-CSRF-Token": "x"}

    for headers in (without, wrong):
        answer = client.delete("/api/v1/me/sessions", headers=headers)
        assert answer.status_code == 403
        assert "X-CSRF-Token" in error_of(answer)["fields"]
    assert client.get("/api/v1/me", headers=without).status_code == 200  # reading needs none


def test_signing_out_ends_this_session_only(client, outbox):
    phone, laptop = session_headers(sign_in(client, outbox)), session_headers(sign_in(client, outbox))

    answer = client.delete("/api/v1/auth/session", headers=phone)

    assert answer.status_code == 204
    assert "Max-Age=0" in cookies_of(answer)["noper_session"]
    assert client.get("/api/v1/me", headers=phone).status_code == 401
    assert client.get("/api/v1/me", headers=laptop).status_code == 200


def test_sessions_are_listed_and_signing_out_everywhere_ends_them_all(client, outbox):
    phone, laptop = session_headers(sign_in(client, outbox)), session_headers(sign_in(client, outbox))

    listed = client.get("/api/v1/me/sessions", headers=phone).json_body["sessions"]
    client.delete("/api/v1/me/sessions", headers=laptop)

    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    assert client.get("/api/v1/me", headers=phone).status_code == 401
    assert client.get("/api/v1/me", headers=laptop).status_code == 401


# --- client identity and back-off (issue 17) ---

def forged(number, secret=None):
    """A request that claims another viewer address each time, straight to API Gateway."""
    headers = {**JSON, "CloudFront-Viewer-Address": f"198.51.100.{number}:4{number:04d}"}
    if secret is not None:
        headers["X-Noper-Origin-Secret"] = secret
    return headers


@pytest.mark.parametrize("secret", [None, "", "a-wrong-secret", "noper-local-origin-secret-not-for-productio"])
def test_forty_wrong_codes_from_forty_forged_addresses_run_into_429(client, outbox, secret):
    emails = [f"target{n}@example.lu" for n in range(8)]  # 8 × 5 attempts: no email's own limit is reached
    for email in emails:
        ask_code(client, email)

    answers = [client.post("/api/v1/auth/session", headers=forged(n, secret),
                           body=body({"email": emails[n % 8], "code": "000000"})) for n in range(40)]

    statuses = [a.status_code for a in answers]
    assert statuses[:signin.ATTEMPTS_PER_IP] == [400] * signin.ATTEMPTS_PER_IP  # the caller's real address counts
    assert set(statuses[signin.ATTEMPTS_PER_IP:]) == {429}
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_codes_asked_from_forged_addresses_run_into_429(client):
    statuses = [client.post("/api/v1/auth/code", headers=forged(n, "forged"),
                            body=body({"email": f"someone{n}@example.lu"})).status_code
                for n in range(get_settings().codes_per_ip + 5)]

    assert statuses[:get_settings().codes_per_ip] == [202] * get_settings().codes_per_ip
    assert set(statuses[get_settings().codes_per_ip:]) == {429}


def test_the_viewer_address_counts_when_cloudfront_vouches_for_it(client, outbox):
    from chalicelib.config import get_settings

    emails = [f"viewer{n}@example.lu" for n in range(8)]
    for email in emails:
        ask_code(client, email)

    # Behind CloudFront, 40 different residents are 40 budgets: none of them is refused.
    statuses = {client.post("/api/v1/auth/session", headers=forged(n, get_settings().origin_secret),
                            body=body({"email": emails[n % 8], "code": "000000"})).status_code for n in range(40)}

    assert statuses == {400}


def test_a_launch_evening_on_the_town_halls_wifi_signs_everyone_in(client, outbox):
    """Only wrong codes count against an address: 40 neighbours signing in from one address all get in,
    and a guesser from there is still stopped (test_forty_wrong_codes_... above)."""
    from chalicelib.config import get_settings

    emails = [f"neighbour{n}@example.lu" for n in range(40)]
    for n, email in enumerate(emails):  # their phones asked for the codes (each its own address, believed)
        assert client.post("/api/v1/auth/code", headers=forged(n, get_settings().origin_secret),
                           body=body({"email": email, "language": "fr"})).status_code == 202

    statuses = [client.post("/api/v1/auth/session", headers=JSON,  # then all from the one wifi
                            body=body({"email": email, "code": code_from_outbox(outbox, email)})).status_code
                for email in emails]

    assert statuses == [200] * 40


def wrong_code_for(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_codes_past_the_free_ones_lock_the_email_and_the_right_code_resets_it(client, outbox, monkeypatch):
    from chalicelib import ratelimit

    email = "greta@example.lu"
    ask_code(client, email)
    first = code_from_outbox(outbox, email)
    for _ in range(signin.CODE_ATTEMPTS):  # a whole code's worth of typos: free
        client.post("/api/v1/auth/session", headers=JSON, body=body({"email": email, "code": wrong_code_for(first)}))
    ask_code(client, email)
    code = code_from_outbox(outbox, email)

    wrong = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": email, "code": wrong_code_for(code)}))
    locked = client.post("/api/v1/auth/session", headers=JSON, body=body({"email": email, "code": code}))

    assert wrong.status_code == 400 and "60 seconds" in error_of(wrong)["message"]
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 60
    assert "wrong codes" in error_of(locked)["message"]

    later = signin.now() + timedelta(seconds=61)
    monkeypatch.setattr(ratelimit, "now", lambda: later)
    monkeypatch.setattr(signin, "now", lambda: later)
    assert client.post("/api/v1/auth/session", headers=JSON, body=body({"email": email, "code": code})).status_code == 200

    # Forgotten: the next typo is free again.
    attempt = signin.WRONG_CODES.attempt(signin._email_key(email))
    assert attempt.failures == 0
    attempt.release()


def test_one_attempt_at_a_time_per_email(client):
    turn = signin.WRONG_CODES.attempt(signin._email_key("hugo@example.lu"))

    with pytest.raises(signin.RateLimited):  # a parallel guess while the first is in flight
        signin.WRONG_CODES.attempt(signin._email_key("hugo@example.lu"))
    turn.release()
    signin.WRONG_CODES.attempt(signin._email_key("hugo@example.lu")).release()


def test_a_locked_email_does_not_spend_its_codes_attempts(client, outbox):
    email = "ines@example.lu"
    key = signin._email_key(email)
    for _ in range(signin.WRONG_CODES.free + 1):  # as if earlier codes had been mistyped
        signin.WRONG_CODES.attempt(key).failed()
    ask_code(client, email)

    for _ in range(signin.CODE_ATTEMPTS + 2):
        client.post("/api/v1/auth/session", headers=JSON, body=body({"email": email, "code": "000000"}))

    assert SignInCodeItem.get(*SignInCodeItem.key(email)).attempts == 0
