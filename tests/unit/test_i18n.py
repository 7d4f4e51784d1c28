import pytest

from chalicelib.i18n import catalogue, choose, translate
from chalicelib.languages import LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_has_the_english_keys_and_no_empty_text(language):
    assert set(catalogue(language)) == set(catalogue("en"))
    assert all(text.strip() for text in catalogue(language).values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_the_same_in_every_language(language):
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, text in catalogue("en").items():
        assert fields(catalogue(language)[key]) == fields(text), (language, key)


def test_choose_takes_the_first_supported_language():
    assert choose("de-LU,de;q=0.9") == "de"
    assert choose(None, "xx", "pt-PT") == "pt"
    assert choose("es") == "fr"


def test_translate_fills_placeholders():
    assert "123456" in translate("lb", "mail.sign_in.subject", code="123456")


def test_portuguese_names_a_commune_comuna_never_municipio():
    """As the web app's catalogues (frontend/src/i18n/catalogues.test.ts): one word for one thing."""
    mixed = {key: text for key, text in catalogue("pt").items() if "municíp" in text.lower() or "municip" in text.lower()}
    assert mixed == {}


@pytest.mark.parametrize("language, said", [("de", "Sa., 12. Dez. 2026, 09:00"), ("fr", "sam. 12 déc. 2026, 09:00"),
                                            ("lb", "Sam., 12. Dez. 2026 09:00"), ("pt", "sáb., 12 de dez. de 2026 09:00")])
def test_emails_say_when_an_event_starts_with_its_weekday_in_luxembourg_time_without_seconds(language, said):
    from datetime import datetime, timezone

    from chalicelib.notifications.rendering import _datetime

    assert _datetime({"language": language}, datetime(2026, 12, 12, 8, 0, tzinfo=timezone.utc), "when") == said
