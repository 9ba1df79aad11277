"""In a browser: a board member downloads the AG report frozen for the AG from the home page;
another structure's pilot gets 404; a pilot builds a version and the page follows its build."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from members.models import Role
from reports import services
from reports.models import Report
from tests.browser import assert_accessible, log_in
from tests.demarches.factories import CycleFactory
from tests.members.factories import RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pilot():
    return RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")


@pytest.fixture
def cycle(pilot):
    return CycleFactory(structure=pilot.structure, year=2025, ag_on=datetime.date(2026, 6, 13))


def frozen_full_report(cycle, by) -> Report:
    """Built for real (tasks run in-process; no transaction here, so at once), then frozen."""
    report = services.request_report(kind=Report.Kind.FULL, cycle=cycle, by=by)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.failure_reason
    return services.freeze(report, for_date=cycle.ag_on, by=by)


def test_a_board_member_downloads_the_frozen_ag_report_from_the_home_page(
    live_server, page, cycle, pilot
):
    report = frozen_full_report(cycle, pilot.person)
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=pilot.structure)
    log_in(page, live_server, board.person.email)
    link = page.get_by_role(
        "link", name="Télécharger le rapport d'AG 2025 (figé pour l'AG du 13 juin 2026)"
    )
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == report.checksum
    assert download.value.suggested_filename.endswith(".pdf")
    assert_accessible(page)


def test_another_structures_pilot_gets_404_for_the_report_and_its_pdf(
    live_server, page, cycle, pilot
):
    report = frozen_full_report(cycle, pilot.person)
    other = RoleFactory(kind=Role.Kind.PILOT, structure__name="Atelier Bois Coopératif")
    log_in(page, live_server, other.person.email)
    # A tab of its own: the browser logs the 404s to the console, which `page` refuses.
    tab = page.context.new_page()
    for url in (report.get_absolute_url(), reverse("reports:download", args=[report.pk])):
        response = tab.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
        assert "Page introuvable" in tab.content()


def test_a_pilot_builds_a_new_version_and_sees_it_ready(live_server, page, cycle, pilot):
    log_in(page, live_server, pilot.person.email)
    page.goto(f"{live_server.url}{reverse('reports:cycle_reports', args=[cycle.pk])}")
    assert_accessible(page)
    synthesis = page.get_by_role("region", name="Synthèse publiable 2025")
    synthesis.get_by_role("button", name="Produire une nouvelle version").click()
    page.get_by_text("Prêt", exact=True).wait_for()
    assert page.get_by_role("link", name="Télécharger le PDF").is_visible()
    assert page.get_by_role("link", name="Rapports", exact=True).get_attribute("aria-current")
    assert_accessible(page)
    page.get_by_text("Supprimer cette version").click()  # the confirmation, without script
    assert page.get_by_role("button", name="Oui, supprimer la version 1").is_visible()
    page.goto(f"{live_server.url}{reverse('reports:cycle_reports', args=[cycle.pk])}")
    assert page.get_by_role(
        "link", name="Version 1 · Synthèse publiable 2025", exact=True
    ).is_visible()
    assert_accessible(page)


def test_the_page_follows_a_build_until_the_pdf_is_ready(live_server, page, cycle, pilot):
    # A request a worker has not picked yet: the page polls until the worker is done.
    report = Report.objects.create(
        kind=Report.Kind.SYNTHESIS, cycle=cycle, year=cycle.year, requested_by=pilot.person
    )
    log_in(page, live_server, pilot.person.email)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert page.get_by_role("status").get_by_text("En attente").is_visible()
    assert page.get_by_role("link", name="Rafraîchir").is_visible()
    assert_accessible(page)
    services.build(report.pk)  # the worker's part
    page.get_by_role("link", name="Télécharger le PDF").wait_for(timeout=10_000)
    assert page.get_by_text("Prêt", exact=True).is_visible()
    assert not page.get_by_role("link", name="Rafraîchir").is_visible()


def test_a_facilitator_builds_the_network_activity_report(live_server, page):
    facilitator = RoleFactory(facilitator=True, network__name="CRESS Hauts-de-France")
    log_in(page, live_server, facilitator.person.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapports"
    ).click()
    page.get_by_role("heading", name="Rapports d'activité", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Produire le rapport").click()
    page.get_by_role("link", name="Télécharger le PDF").wait_for()
    assert page.get_by_role("button", name="Figer pour l'AG").is_visible()
    assert_accessible(page)
    report = Report.objects.get(network=facilitator.network)
    assert report.status == Report.Status.READY and report.pages >= 1
