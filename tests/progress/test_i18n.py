import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_interface_is_french_even_for_a_browser_set_to_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Connexion à Progress" in content
    assert "Mot de passe oublié ?" in content


def test_a_person_can_switch_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in to Progress" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Connexion à Progress" in client.get(reverse("login")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Connexion à Progress" in client.get(reverse("login")).content.decode()


def test_every_interface_string_has_a_french_translation():
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_pages_have_a_title_and_a_skip_link(client):
    content = client.get(reverse("login")).content.decode()
    assert "<title>Se connecter · Progress</title>" in content
    assert 'href="#contenu"' in content and 'id="contenu"' in content


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w+)\}")


def _placeholders(text):
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def test_every_french_entry_keeps_the_placeholders_of_its_english():
    """A translation that renames or drops a placeholder raises a KeyError at run time."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po"))
    wrong = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            pairs = [(expected, text) for text in entry.msgstr_plural.values()]
        else:
            pairs = [(_placeholders(entry.msgid), entry.msgstr)]
        for expected, text in pairs:
            # A singular may leave the count out ("Une action"), never add a placeholder.
            found = _placeholders(text)
            if set(found) - set(expected) or (
                not entry.msgid_plural and set(expected) - set(found)
            ):
                wrong.append((entry.msgid, text))
    assert wrong == []
