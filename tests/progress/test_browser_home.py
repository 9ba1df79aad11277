import pytest

from members.models import Role
from tests.browser import assert_accessible
from tests.members.factories import PASSWORD, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pilot_logs_in_and_lands_on_a_home_page_showing_their_structure_and_role(
    live_server, page, output_path
):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")
    RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure, person__full_name="Thomas Leroy")

    page.goto(f"{live_server.url}/")
    assert page.title() == "Se connecter · Progress"
    assert_accessible(page)

    page.get_by_label("Adresse e-mail").fill(pilot.person.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(f"{live_server.url}/")
    card = page.get_by_role("region", name="Les Jardins du Val")
    assert "Pilote" in card.text_content()
    assert "Thomas Leroy" in card.inner_text()
    assert page.title() == "Accueil · Progress"
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/home-pilot.png", full_page=True)


def test_a_wrong_password_is_announced_and_the_focus_can_reach_every_control(live_server, page):
    pilot = RoleFactory()
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(pilot.person.email)
    page.get_by_label("Mot de passe").fill("wrong password")
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    assert "Adresse e-mail ou mot de passe incorrect" in alert.inner_text()
    assert_accessible(page)

    # The skip link is the first stop of the keyboard and leads to the content.
    page.goto(f"{live_server.url}/compte/mot-de-passe/oubli/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
