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


def test_prod_needs_its_own_secret_key(monkeypatch):
    monkeypatch.setenv("NOPER_STAGE", "prod")
    for key in ("NOPER_DYNAMODB_ENDPOINT", "NOPER_AWS_ENDPOINT", "NOPER_OUTBOX_DIR", "NOPER_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    config.get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="NOPER_SECRET_KEY"):
            config.signing_key()
        monkeypatch.setenv("NOPER_SECRET_KEY", "k" * 40)
        config.get_settings.cache_clear()
        assert config.signing_key() == b"k" * 40
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()


def test_local_and_test_stages_have_a_development_key():
    assert len(config.signing_key()) >= 32
