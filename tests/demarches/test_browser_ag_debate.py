"""The AG debate in a browser: the page and the sheet pass axe-core, the pilot records what the
AG said, and the sheet prints alone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demarches.models import AgDebate
from members.models import Role
from tests.browser import assert_accessible, log_in
from tests.demarches.factories import CycleFactory, ThemeChoiceFactory
from tests.members.factories import RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pilot_prepares_the_debate_records_the_ag_and_prints_the_sheet(live_server, page):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    cycle = CycleFactory(structure=pilot.structure, year=2025, ag_on=None)
    ThemeChoiceFactory(cycle=cycle, theme__title="Gouvernance démocratique")
    log_in(page, live_server, pilot.person.email)

    page.goto(f"{live_server.url}{reverse('demarches:ag_debate', args=[cycle.pk])}")
    assert_accessible(page)
    questions = page.get_by_label("Questions posées à l'assemblée")
    assert "« Gouvernance démocratique »" in questions.input_value()
    page.get_by_label("Date de l'AG").fill("2026-06-12")
    page.get_by_label("Remarques de l'AG").fill("Les adhérents saluent le travail.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le débat de l'AG est enregistré")).to_be_visible()
    assert_accessible(page)
    assert AgDebate.objects.get(cycle=cycle).remarks == "Les adhérents saluent le travail."

    page.get_by_role("link", name="Fiche de débat à imprimer").click()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()  # shown by print.js
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Débat de l'assemblée générale")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Écrans de la démarche")).to_be_hidden()
