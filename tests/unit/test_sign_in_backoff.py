"""The chance to guess a sign-in code, from the constants (docs/architecture.md, Security), and whom
the API believes about the caller's address."""

from types import SimpleNamespace

import pytest

from chalicelib import config
from chalicelib.accounts import signin
from chalicelib.config import ORIGIN_SECRET_HEADER
from chalicelib.web.api import client_ip

DAY, MONTH = 86_400, 30 * 86_400
CODES = 10**signin.CODE_DIGITS


def test_thirty_days_of_guessing_hit_a_code_with_less_than_one_in_a_thousand():
    guesses = signin.WRONG_CODES.most_attempts_within(MONTH)
    # Without the back-off: 5 attempts per code, 3 codes per email per window, around the clock.
    unlimited = MONTH // signin.WINDOW * signin.CODES_PER_EMAIL * signin.CODE_ATTEMPTS

    assert guesses == 371 and unlimited == 64_800  # the figures docs/architecture.md states
    assert guesses / CODES < 0.001 < unlimited / CODES  # each guess hits at most one code value in 10⁶


def test_even_if_the_owner_signs_in_every_day_and_resets_the_count():
    guesses = 30 * signin.WRONG_CODES.most_attempts_within(DAY)

    assert guesses == 690 and guesses / CODES < 0.001


def test_a_typo_costs_nothing_and_a_few_more_cost_minutes():
    waits = [signin.WRONG_CODES.lock_for(n) for n in range(1, 10)]

    assert waits == [0, 0, 0, 0, 0, 60, 120, 240, 480]
    assert signin.WRONG_CODES.lock_for(1000) == 2 * 3600  # capped


def request(headers, source="203.0.113.9"):
    return SimpleNamespace(headers={k.lower(): v for k, v in headers.items()},
                           context={"identity": {"sourceIp": source}})


def test_the_viewer_address_is_believed_only_next_to_the_origin_secret():
    secret = config.get_settings().origin_secret
    viewer = {"CloudFront-Viewer-Address": "198.51.100.7:51234"}

    assert client_ip(request({**viewer, ORIGIN_SECRET_HEADER: secret})) == "198.51.100.7"
    assert client_ip(request({**viewer, ORIGIN_SECRET_HEADER: secret + "x"})) == "203.0.113.9"
    assert client_ip(request(viewer)) == "203.0.113.9"
    assert client_ip(request({"CloudFront-Viewer-Address": "[2001:db8::1]:443", ORIGIN_SECRET_HEADER: secret})) == "2001:db8::1"


@pytest.fixture
def prod(monkeypatch):
    monkeypatch.setenv("NOPER_STAGE", "prod")
    for key in ("NOPER_DYNAMODB_ENDPOINT", "NOPER_AWS_ENDPOINT", "NOPER_OUTBOX_DIR", "NOPER_ORIGIN_SECRET"):
        monkeypatch.delenv(key, raising=False)
    config.get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    config.get_settings.cache_clear()


def test_prod_never_believes_a_viewer_address_without_its_own_secret(prod):
    with pytest.raises(ValueError, match="NOPER_ORIGIN_SECRET"):
        client_ip(request({"CloudFront-Viewer-Address": "198.51.100.7:1", ORIGIN_SECRET_HEADER: config.DEV_ORIGIN_SECRET}))
    assert client_ip(request({})) == "203.0.113.9"  # no viewer address claimed: nothing to believe


def test_during_a_rotation_both_secrets_are_accepted(prod):
    prod.setenv("NOPER_ORIGIN_SECRET", "n" * 40)
    prod.setenv("NOPER_ORIGIN_SECRET_PREVIOUS", "o" * 40)
    config.get_settings.cache_clear()
    viewer = {"CloudFront-Viewer-Address": "198.51.100.7:1"}

    assert client_ip(request({**viewer, ORIGIN_SECRET_HEADER: "n" * 40})) == "198.51.100.7"
    assert client_ip(request({**viewer, ORIGIN_SECRET_HEADER: "o" * 40})) == "198.51.100.7"
    assert client_ip(request({**viewer, ORIGIN_SECRET_HEADER: "p" * 40})) == "203.0.113.9"
