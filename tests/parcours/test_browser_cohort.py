"""A facilitator, in a browser, creates a parcours from the session plan template and enrols
a cohort of eight structures with their pilot pairs; the ninth is refused."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Role
from parcours.models import Enrolment, Parcours, Session
from tests.browser import assert_accessible, log_in
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_creates_a_parcours_and_enrols_a_cohort_of_eight(live_server, page):
    facilitator = RoleFactory(facilitator=True, network__name="Cress Hauts-de-France")
    for number in range(1, 10):
        pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=f"Structure {number}")
        RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
        MembershipFactory(network=facilitator.network, structure=pilot.structure)
    starts_on = timezone.localdate() + datetime.timedelta(days=30)
    log_in(page, live_server, facilitator.person.email)

    # From the navigation to the form, prefilled from the template.
    page.get_by_role("link", name="Parcours", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours et communautés")
    assert_accessible(page)
    page.get_by_role("link", name="Créer un parcours ou une communauté").click()
    assert_accessible(page)
    expect(page.get_by_label("Sessions collectives")).to_have_value("7")
    expect(page.get_by_label("Capacité (structures)")).to_have_value("8")
    page.get_by_label("Parcours", exact=True).check()
    page.get_by_label("Titre").fill("Impliquer les usagers")
    page.get_by_label("Sujet").fill("Implication des usagers")
    page.get_by_label("Début").fill(starts_on.isoformat())
    # No end yet: refused in French, what was typed stays.
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_role("alert")).to_contain_text("Un parcours a besoin d'une date de fin.")
    expect(page.get_by_label("Titre")).to_have_value("Impliquer les usagers")
    assert_accessible(page)
    page.get_by_label("Fin", exact=True).fill(
        (starts_on + datetime.timedelta(days=270)).isoformat()
    )
    page.get_by_label("Date de la première session").fill(
        (starts_on + datetime.timedelta(days=7)).isoformat()
    )
    page.get_by_role("button", name="Créer").click()

    # The parcours and its seven sessions.
    expect(page.get_by_role("heading", level=1)).to_have_text("Impliquer les usagers")
    sessions = page.locator("table.session-table").first.locator("tbody tr")
    expect(sessions).to_have_count(7)
    expect(sessions.first).to_contain_text("Lancement et état des lieux du déjà-là")
    expect(sessions.last).to_contain_text("Bilan et suites")
    assert_accessible(page)
    parcours = Parcours.objects.get()
    assert parcours.sessions.collective().count() == 7

    # Eight structures, each in one click with its current pilot pair.
    page.get_by_role("link", name="Inscrire une structure").first.click()
    assert_accessible(page)
    for number in range(1, 9):
        row = page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=re.compile(rf"^Structure {number}\b"))
        )
        row.get_by_role("button", name=re.compile("Inscrire avec ce binôme")).click()
        expect(page.get_by_role("status").first).to_contain_text(f"Structure {number} est inscrite")
    expect(
        page.get_by_text("Le parcours est complet : une structure doit se retirer")
    ).to_be_visible()
    assert Enrolment.objects.active().filter(parcours=parcours).count() == 8
    assert all(enrolment.copilot for enrolment in Enrolment.objects.all())
    assert Session.objects.filter(kind=Session.Kind.INDIVIDUAL).count() == 16

    # The ninth is refused: the parcours is full.
    row = page.get_by_role("row").filter(has_text="Structure 9")
    row.get_by_role("link", name=re.compile("Choisir les personnes")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Le parcours est complet (8 structures sur 8)."
    )
    assert_accessible(page)
    assert Enrolment.objects.filter(parcours=parcours).count() == 8

    page.get_by_role("link", name="Retour au parcours").click()
    expect(page.locator("#enrolments")).to_contain_text("8 sur 8")
    assert_accessible(page)
