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
