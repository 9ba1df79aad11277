"""Autosave and conflicts as people live them: typing saves by itself; two people on two
machines editing the same answer get the conflict screen, never a silent overwrite."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, log_in

# --- In a browser ----------------------------------------------------------------------------


@pytest.fixture
def visitors(request):
    """Pages in fresh browser contexts (two people on two machines), each failing the test on a
    console error such as a Content-Security-Policy violation."""
    browser = request.getfixturevalue("browser")
    contexts, errors = [], []

    def open_page():
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        contexts.append(context)
        new_page = context.new_page()
        new_page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        new_page.on("pageerror", lambda error: errors.append(str(error)))
        return new_page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"the browser console reported errors: {errors}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_autosaves_in_the_browser(visitors, live_server, pilot, answer):

    page = visitors()
    log_in(page, live_server, pilot.email)
    page.goto(f"{live_server.url}{answer.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_label("Situation actuelle").fill("Feuilles d'émargement uniquement")
    status = page.locator("#answer-status")
    status.get_by_text("Enregistré à").wait_for()
    page.get_by_label("Bonnes pratiques actuelles").fill("Un compte rendu diffusé")
    expect(page.locator("#id_version")).to_have_value("3")
    answer.refresh_from_db()
    assert answer.situation == "Feuilles d'émargement uniquement"
    assert answer.good_practices == "Un compte rendu diffusé"
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_people_editing_get_a_conflict_showing_both_texts(
    visitors, live_server, pilot, copilot, answer
):

    first, second = visitors(), visitors()
    for page, person in [(first, pilot), (second, copilot)]:
        log_in(page, live_server, person.email)
        page.goto(f"{live_server.url}{answer.get_absolute_url()}")
    first.get_by_label("Situation actuelle").fill("Le texte du pilote")
    first.locator("#answer-status").get_by_text("Enregistré à").wait_for()

    second.get_by_label("Situation actuelle").fill("Le texte de la copilote")
    conflict = second.locator("#answer-conflict")
    conflict.get_by_role("columnheader", name="Votre version").wait_for()
    assert "Le texte de la copilote" in conflict.inner_text()
    assert "Le texte du pilote" in conflict.inner_text()
    assert_accessible(second)
    # While in conflict, autosave waits for a choice: typing more overwrites nothing.
    second.get_by_label("Améliorations et axes de progrès").fill("Rien de plus")
    second.wait_for_timeout(1500)
    answer.refresh_from_db()
    assert (answer.situation, answer.improvements) == ("Le texte du pilote", "")

    second.get_by_role("button", name="Garder ma version").click()
    second.wait_for_load_state()
    second.get_by_text("Réponse enregistrée.").wait_for()
    answer.refresh_from_db()
    assert (answer.situation, answer.improvements) == ("Le texte de la copilote", "Rien de plus")
