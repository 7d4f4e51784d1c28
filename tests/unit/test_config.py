import pytest

from chalicelib import config
from chalicelib.config import Settings


def test_prod_refuses_emulator_endpoints(monkeypatch):
    monkeypatch.setenv("NOPER_STAGE", "prod")
    monkeypatch.setenv("NOPER_DYNAMODB_ENDPOINT", "http://127.0.0.1:8041")
    config.get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="emulator"):
            config.get_settings()
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()
    assert config.get_settings().stage == "test"


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        Settings(stage="staging")


def test_only_local_is_local():
    assert Settings(stage="local").is_local
    assert not Settings(stage="test").is_local


@pytest.fixture
def prod(monkeypatch):
    """The prod stage's settings without the emulators; `prod(VAR=value)` sets more and reads again."""
    monkeypatch.setenv("NOPER_STAGE", "prod")
    for key in ("NOPER_DYNAMODB_ENDPOINT", "NOPER_AWS_ENDPOINT", "NOPER_OUTBOX_DIR", "NOPER_SECRET_KEY", "NOPER_SITE_URL"):
        monkeypatch.delenv(key, raising=False)
    config.get_settings.cache_clear()

    def setting(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        config.get_settings.cache_clear()

    yield setting
    monkeypatch.undo()
    config.get_settings.cache_clear()


def test_prod_needs_its_own_secret_key(prod):
    with pytest.raises(ValueError, match="NOPER_SECRET_KEY"):
        config.signing_key()
    prod(NOPER_SECRET_KEY="k" * 40)
    assert config.signing_key() == b"k" * 40


def test_local_and_test_stages_have_a_development_key():
    assert len(config.signing_key()) >= 32


def test_the_test_stage_links_to_make_runs_origin():
    from chalicelib.web.site import LOCAL_SITE, site

    assert site() == LOCAL_SITE


def test_prod_needs_the_site_url_for_links_in_emails(prod):
    from chalicelib.web.site import site

    with pytest.raises(ValueError, match="NOPER_SITE_URL"):
        site()  # never a localhost link in a resident's email
    prod(NOPER_SITE_URL="https://noper.example.lu/")
    assert site() == "https://noper.example.lu"
