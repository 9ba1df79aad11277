import re

import pytest
from django.utils import timezone

from members.models import Role
from tests.browser import assert_accessible, log_in
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "un jardin partagé en 2027"


@pytest.fixture
def visitors(browser):
    """Pages in fresh browser contexts (another person on another machine), each failing the
    test on a console error like the `page` fixture."""
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


def send_invitation(page, structure_url, *, email, full_name, role):
    page.get_by_role("link", name="Inviter une personne").click()
    assert page.title().startswith("Inviter une personne")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Nom complet").fill(full_name)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_url(structure_url)
    assert f"Invitation envoyée à {email}" in page.get_by_role("status").inner_text()
    assert_accessible(page)


def link_in(message) -> str:
    return re.search(r"https?://\S+/invitation/\S+", message.body).group(0)


def accept_with_a_new_account(page, link, structure_url, *, screenshot=None):
    page.goto(link)
    assert page.get_by_label("Nom complet").input_value()  # prefilled from the invitation
    assert_accessible(page)
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon compte et accepter").click()
    page.wait_for_url(structure_url)
    assert "Bienvenue !" in page.get_by_role("status").inner_text()
    assert_accessible(page)


def test_a_pilot_and_a_copilot_join_by_invitation_and_a_hand_over_keeps_the_history(
    live_server, page, visitors, mailoutbox, output_path
):
    facilitator = RoleFactory(facilitator=True, person__full_name="Camille Martin")
    structure = MembershipFactory(
        network=facilitator.network, structure__name="Les Jardins du Val"
    ).structure
    structure_url = f"{live_server.url}{structure.get_absolute_url()}"

    # The facilitator invites a pilot.
    log_in(page, live_server, facilitator.person.email)
    page.goto(structure_url)
    assert_accessible(page)
    send_invitation(
        page, structure_url, email="nadia@example.org", full_name="Nadia Benali", role="Pilote"
    )
    pending = page.get_by_role("region", name="Invitations en attente")
    assert "Nadia Benali" in pending.inner_text()
    assert pending.get_by_role("button", name="Renvoyer").count() == 1
    assert len(mailoutbox) == 1
    page.screenshot(path=f"{output_path}/structure-pending-invitation.png", full_page=True)

    # The pilot accepts from the e-mail link and invites a co-pilot.
    pilot_page = visitors()
    accept_with_a_new_account(
        pilot_page,
        link_in(mailoutbox[0]),
        structure_url,
        screenshot=f"{output_path}/invitation-accept.png",
    )
    send_invitation(
        pilot_page,
        structure_url,
        email="thomas@example.org",
        full_name="Thomas Leroy",
        role="Copilote",
    )

    # The co-pilot accepts: the pair shows on the structure page.
    copilot_page = visitors()
    accept_with_a_new_account(copilot_page, link_in(mailoutbox[1]), structure_url)
    pair = copilot_page.get_by_role("region", name="Binôme de pilotage").inner_text()
    assert "Nadia Benali, pilote" in pair
    assert "Thomas Leroy, copilote" in pair

    # The facilitator hands the pilot seat over to the co-pilot.
    page.goto(structure_url)
    page.get_by_role("link", name="Passer le relais").click()
    assert_accessible(page)
    page.get_by_label("Fonction").select_option(label="Pilote")
    page.get_by_label("Relais passé à").select_option(label="Thomas Leroy")
    # The date is prefilled with today's date.
    assert page.get_by_label(re.compile(r"^\s*À partir du")).input_value() == (
        timezone.localdate().isoformat()
    )
    page.get_by_role("button", name="Passer le relais").click()
    page.wait_for_url(structure_url)
    assert_accessible(page)
    assert (
        "Thomas Leroy, pilote" in page.get_by_role("region", name="Binôme de pilotage").inner_text()
    )
    history = page.get_by_role("region", name="Historique des mandats").inner_text()
    assert "Nadia Benali, pilote du" in history
    assert structure.roles.get(kind=Role.Kind.PILOT, ended_on=None).person.full_name == (
        "Thomas Leroy"
    )
    page.screenshot(path=f"{output_path}/structure-after-hand-over.png", full_page=True)
