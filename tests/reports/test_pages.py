"""The reports' pages: who sees and downloads which report, asking for a version and following
its build, freezing a version for the AG, deleting one, and bad input."""

import datetime
import hashlib
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, Role
from reports import services
from reports.models import Report
from tests.demarches.factories import CycleFactory
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a stand-in for a real report\n%%EOF\n"


@pytest.fixture
def cycle(structure):
    """The démarche 2025, presented at the AG of 14 June 2026."""
    return CycleFactory(structure=structure, year=2025, ag_on=datetime.date(2026, 6, 14))


def person(structure, kind):
    return RoleFactory(kind=kind, structure=structure).person


@pytest.fixture
def board_member(structure):
    return person(structure, Role.Kind.BOARD_MEMBER)


def facilitator_of(structure, sharing):
    network = MembershipFactory(structure=structure, sharing=sharing).network
    return RoleFactory(facilitator=True, network=network).person


def version(cycle, kind=Report.Kind.FULL, number=1, *, data=PDF, size=None, **fields):
    """A ready version with its PDF, as the task leaves it (without building one)."""
    return Report.objects.create(
        kind=kind,
        cycle=cycle,
        year=cycle.year,
        status=Report.Status.READY,
        number=number,
        pages=12,
        size=size or len(data),
        checksum=hashlib.sha256(data).hexdigest(),
        finished_at=timezone.now(),
        file=ContentFile(data, name=f"{kind}-v{number}.pdf"),
        **fields,
    )


def content(response) -> str:
    """The page's text as a person reads it (apostrophes are escaped in the HTML)."""
    return html.unescape(response.content.decode())


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Asking for a version ------------------------------------------------------------------


def test_the_pilot_asks_for_a_version_and_lands_on_it_ready(
    client, cycle, pilot, django_capture_on_commit_callbacks
):
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request", args=[cycle.pk]), {"kind": Report.Kind.SYNTHESIS}
        )
    report = Report.objects.get(cycle=cycle)
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    page = content(client.get(response.url))
    assert "Prêt" in page
    assert reverse("reports:download", args=[report.pk]) in page
    assert "hx-trigger" not in page


def test_asking_twice_while_in_flight_gives_the_same_request(client, cycle, pilot):
    client.force_login(pilot)
    url = reverse("reports:request", args=[cycle.pk])
    first = client.post(url, {"kind": Report.Kind.FULL})
    second = client.post(url, {"kind": Report.Kind.FULL}, follow=True)
    assert Report.objects.filter(cycle=cycle).count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "déjà en cours de production" in content(second)


def test_the_reports_page_offers_to_build_only_to_the_pilot_pair(
    client, cycle, pilot, board_member
):
    client.force_login(pilot)
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert page.count("Produire une nouvelle version") == 2
    assert "les données n'ont pas changé depuis une version" in page
    assert reverse("demarches:ag_debate", args=[cycle.pk]) in page
    assert reverse("demarches:ag_debate_sheet", args=[cycle.pk]) in page
    client.force_login(board_member)
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert "Produire une nouvelle version" not in page


def test_a_board_member_cannot_ask_for_a_version(client, cycle, board_member):
    client.force_login(board_member)
    response = client.post(reverse("reports:request", args=[cycle.pk]), {"kind": "full"})
    assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("data", [{}, {"kind": "network"}, {"kind": "everything"}])
def test_asking_without_a_valid_document_says_so(client, cycle, pilot, data):
    client.force_login(pilot)
    response = client.post(reverse("reports:request", args=[cycle.pk]), data, follow=True)
    assert response.status_code == 200
    assert "Choisissez le document à produire." in content(response)
    assert not Report.objects.exists()


# --- The reports page ----------------------------------------------------------------------


def test_the_reports_page_lists_versions_with_their_details(client, cycle, pilot):
    version(cycle, number=1, size=1_250_000, frozen_for=datetime.date(2026, 6, 14))
    version(cycle, number=2, requested_by=pilot)
    client.force_login(pilot)
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert page.index("Version 2") < page.index("Version 1")
    assert "Figé pour l'AG du 14 juin 2026" in page
    assert "1,2\xa0Mo" in page
    assert "12 pages" in page
    assert f"demandée par {pilot.full_name}" in page
    assert page.count("Télécharger") == 2


def test_the_reports_page_shows_requests_in_flight_and_recent_failures(client, cycle, pilot):
    version(cycle, number=1, requested_at=timezone.now() - datetime.timedelta(days=2))
    Report.objects.create(kind="full", cycle=cycle, year=cycle.year, stage="Mise en page")
    Report.objects.create(
        kind="synthesis", cycle=cycle, year=cycle.year, status="failed", failure_reason="Panne"
    )
    Report.objects.create(  # an old failure, before the version: no longer worth showing
        kind="full",
        cycle=cycle,
        year=cycle.year,
        status="failed",
        requested_at=timezone.now() - datetime.timedelta(days=3),
    )
    client.force_login(pilot)
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert "Mise en page" in page and "Suivre la production" in page
    assert page.count("Voir pourquoi") == 1
    # The full report is being built: only the synthesis may be asked for.
    assert page.count("Produire une nouvelle version") == 1


@pytest.mark.parametrize("versions", [2, 20])
def test_the_reports_page_query_count_does_not_grow_with_versions(
    client, cycle, pilot, django_assert_num_queries, versions
):
    for number in range(1, versions + 1):
        version(cycle, Report.Kind.FULL, number, requested_by=pilot, frozen_by=pilot)
        version(cycle, Report.Kind.SYNTHESIS, number, requested_by=pilot)
    Report.objects.create(kind="full", cycle=cycle, year=cycle.year, requested_by=pilot)
    client.force_login(pilot)
    # savepoint, session, user, the cycle, may read the page (role), which kinds the person
    # reads (role ×2), may manage (role), the reports, the tabs (view_cycle, view reports: role
    # ×2), the navigation's roles, release
    with django_assert_num_queries(13):
        response = client.get(reverse("reports:cycle_reports", args=[cycle.pk]))
    assert content(response).count("Télécharger") == 2 * versions


# --- Who reads what ------------------------------------------------------------------------


def test_a_board_member_downloads_the_pdf(client, cycle, board_member):
    report = version(cycle)
    client.force_login(board_member)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="full-v1.pdf"' in response["Content-Disposition"]
    assert downloaded(response) == PDF


def test_a_facilitator_reads_the_synthesis_when_the_structure_shares_a_summary(
    client, cycle, structure
):
    full, synthesis = version(cycle, "full"), version(cycle, "synthesis")
    client.force_login(facilitator_of(structure, Membership.Sharing.SUMMARY))
    assert downloaded(client.get(reverse("reports:download", args=[synthesis.pk]))) == PDF
    assert client.get(reverse("reports:download", args=[full.pk])).status_code == 404
    assert client.get(full.get_absolute_url()).status_code == 404
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert "Synthèse publiable" in page
    assert reverse("reports:download", args=[full.pk]) not in page
    assert "quand la structure lui partage toute sa démarche" in page
    # The debate belongs to the full démarche, which the structure does not share.
    assert reverse("demarches:ag_debate", args=[cycle.pk]) not in page


def test_a_facilitator_reads_both_when_the_structure_shares_its_whole_demarche(
    client, cycle, structure
):
    full, synthesis = version(cycle, "full"), version(cycle, "synthesis")
    client.force_login(facilitator_of(structure, Membership.Sharing.FULL))
    for report in (full, synthesis):
        assert downloaded(client.get(reverse("reports:download", args=[report.pk]))) == PDF
    page = content(client.get(reverse("reports:cycle_reports", args=[cycle.pk])))
    assert "Produire une nouvelle version" not in page


def test_a_facilitator_of_a_structure_sharing_nothing_gets_404(client, cycle, structure):
    report = version(cycle, "synthesis")
    client.force_login(facilitator_of(structure, Membership.Sharing.NOTHING))
    assert client.get(reverse("reports:cycle_reports", args=[cycle.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("who", ["other_pilot", "contributor"])
def test_other_people_get_404_everywhere(client, cycle, structure, who):
    report = version(cycle)
    intruder = (
        person(StructureFactory(), Role.Kind.PILOT)
        if who == "other_pilot"
        else person(structure, Role.Kind.CONTRIBUTOR)
    )
    client.force_login(intruder)
    listing = client.get(reverse("reports:cycle_reports", args=[cycle.pk]))
    if who == "contributor":  # the page of their démarche, without a version to read
        assert listing.status_code == 200
        assert report.get_absolute_url() not in content(listing)
        assert "est lu par le CA et le binôme de pilotage" in content(listing)
    else:
        assert listing.status_code == 404
    for url in (
        report.get_absolute_url(),
        reverse("reports:download", args=[report.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("reports:freeze", args=[report.pk]),
        reverse("reports:delete", args=[report.pk]),
    ):
        assert client.post(url, {"for_date": "2026-06-14"}).status_code == 404, url
    report.refresh_from_db()
    assert not report.is_frozen


# --- The report page and its polling fragment ------------------------------------------------


def test_a_report_page_sits_in_the_demarche_under_the_reports_tab(client, cycle, pilot):
    report = version(cycle)
    client.force_login(pilot)
    page = content(client.get(report.get_absolute_url()))
    assert 'aria-current="page">Rapports</a>' in page
    assert "Démarche 2025" in page
    assert "Pages" in page and "12" in page
    assert f'title="{report.checksum}"' in page
    assert f"{report.checksum[:12]}…" in page


def test_while_in_flight_the_fragment_polls_and_the_page_works_without_javascript(
    client, cycle, pilot
):
    report = Report.objects.create(kind="full", cycle=cycle, year=cycle.year, stage="Mise en page")
    client.force_login(pilot)
    fragment = content(client.get(report.get_absolute_url(), headers={"HX-Request": "true"}))
    assert 'hx-trigger="every 1s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment
    assert "Mise en page" in fragment
    assert "<html" not in fragment
    page = content(client.get(report.get_absolute_url()))
    assert "Rafraîchir" in page
    assert 'role="status"' in page


def test_once_ready_the_fragment_stops_polling_and_offers_the_download(client, cycle, pilot):
    report = version(cycle)
    client.force_login(pilot)
    fragment = content(client.get(report.get_absolute_url(), headers={"HX-Request": "true"}))
    assert "hx-trigger" not in fragment
    assert reverse("reports:download", args=[report.pk]) in fragment
    assert "Prêt" in fragment


def test_polling_with_nothing_new_swaps_nothing(client, cycle, pilot):
    report = Report.objects.create(kind="full", cycle=cycle, year=cycle.year, stage="Mise en page")
    client.force_login(pilot)
    url = f"{report.get_absolute_url()}?seen=pending:Mise en page"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204
    Report.objects.filter(pk=report.pk).update(status="running")
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200


def test_a_request_with_unchanged_data_offers_the_existing_version(client, cycle, pilot):
    first = version(cycle, number=1)
    again = Report.objects.create(
        kind="full", cycle=cycle, year=cycle.year, status="ready", same_as=first
    )
    client.force_login(pilot)
    page = content(client.get(again.get_absolute_url()))
    assert "Les données n'ont pas changé depuis la version 1 : voici la version 1." in page
    assert reverse("reports:download", args=[first.pk]) in page
    assert downloaded(client.get(reverse("reports:download", args=[again.pk]))) == PDF


def test_a_failure_is_explained_and_the_pilot_may_ask_again(client, cycle, pilot, board_member):
    failed = Report.objects.create(
        kind="full",
        cycle=cycle,
        year=cycle.year,
        status="failed",
        failure_reason="La base de données était injoignable ; relancez.",
    )
    client.force_login(pilot)
    page = content(client.get(failed.get_absolute_url()))
    assert "La base de données était injoignable" in page
    assert "Relancer" in page
    assert client.get(reverse("reports:download", args=[failed.pk])).status_code == 404
    client.force_login(board_member)
    assert "Relancer" not in content(client.get(failed.get_absolute_url()))


def test_asking_again_after_a_failure_makes_a_new_request(client, cycle, pilot):
    Report.objects.create(kind="full", cycle=cycle, year=cycle.year, status="failed")
    client.force_login(pilot)
    client.post(reverse("reports:request", args=[cycle.pk]), {"kind": "full"})
    assert Report.objects.in_flight().filter(cycle=cycle, kind="full").count() == 1


# --- Freezing and deleting -------------------------------------------------------------------


def test_the_freeze_form_proposes_the_date_of_the_ag(client, cycle, pilot, board_member):
    report = version(cycle)
    client.force_login(pilot)
    page = content(client.get(report.get_absolute_url()))
    assert 'value="2026-06-14"' in page
    assert "Supprimer cette version" in page
    client.force_login(board_member)
    page = content(client.get(report.get_absolute_url()))
    assert "Figer pour l'AG" not in page
    assert "Supprimer cette version" not in page


def test_a_frozen_version_cannot_be_deleted(client, cycle, pilot):
    report = version(cycle)
    client.force_login(pilot)
    response = client.post(
        reverse("reports:freeze", args=[report.pk]), {"for_date": "2026-06-14"}, follow=True
    )
    assert "La version 1 est figée pour l'AG." in content(response)
    assert "Figé pour l'AG du 14 juin 2026" in content(response)
    assert "Supprimer cette version" not in content(response)
    response = client.post(reverse("reports:delete", args=[report.pk]), follow=True)
    assert "Une version figée pour une AG est conservée" in content(response)
    report.refresh_from_db()
    assert report.frozen_for == datetime.date(2026, 6, 14)
    assert report.frozen_by == pilot
    assert report.file.storage.exists(report.file.name)


def test_the_pilot_deletes_a_version_that_is_not_frozen(
    client, cycle, pilot, django_capture_on_commit_callbacks
):
    report = version(cycle)
    name, storage = report.file.name, report.file.storage
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:delete", args=[report.pk]))
    assert response.url == reverse("reports:cycle_reports", args=[cycle.pk])
    assert not Report.objects.versions().exists()
    assert not storage.exists(name)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "Version 1" not in content(client.get(response.url))


@pytest.mark.parametrize("day", ["31/02/2026", "2026-02-31", "", "demain"])
def test_a_bad_date_of_the_ag_is_refused_with_a_message(client, cycle, pilot, day):
    report = version(cycle)
    client.force_login(pilot)
    response = client.post(
        reverse("reports:freeze", args=[report.pk]), {"for_date": day}, follow=True
    )
    assert response.status_code == 200
    assert "Indiquez la date de l'AG, par exemple 14/06/2026." in content(response)
    report.refresh_from_db()
    assert not report.is_frozen


@pytest.mark.parametrize("day", ["01/01/0001", "14/06/2024", "14/06/2027"])
def test_a_version_is_frozen_only_for_an_ag_of_its_year_or_the_next(client, cycle, pilot, day):
    report = version(cycle)  # the démarche 2025, whose AG is on 14 June 2026
    client.force_login(pilot)
    response = client.post(
        reverse("reports:freeze", args=[report.pk]), {"for_date": day}, follow=True
    )
    assert "L'AG qui présente l'année 2025 a lieu en 2025 ou en 2026." in content(response)
    report.refresh_from_db()
    assert not report.is_frozen


def test_a_frozen_version_is_not_frozen_again_for_another_date(cycle, pilot):
    report = version(cycle)
    services.freeze(report, for_date=datetime.date(2026, 6, 14), by=pilot)
    with pytest.raises(ValidationError):
        services.freeze(report, for_date=datetime.date(2025, 12, 1), by=pilot)
    report.refresh_from_db()
    assert report.frozen_for == datetime.date(2026, 6, 14)


def test_the_admin_site_shows_reports_but_cannot_change_or_delete_them(admin_client, cycle):
    report = version(cycle, frozen_for=datetime.date(2026, 6, 14), frozen_at=timezone.now())
    assert admin_client.get(reverse("admin:reports_report_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).status_code
        == 200
    )
    assert (
        admin_client.post(reverse("admin:reports_report_delete", args=[report.pk])).status_code
        == 403
    )
    response = admin_client.post(
        reverse("admin:reports_report_changelist"),
        {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"},
    )
    assert Report.objects.filter(pk=report.pk, frozen_for__isnull=False).exists()
    assert response.status_code in (200, 302)


def test_a_polled_report_that_was_deleted_stops_the_polling(client, cycle, pilot):
    report = version(cycle)
    client.force_login(pilot)
    url = report.get_absolute_url()
    report.delete()
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286  # htmx stops polling on 286
    assert "Ce rapport n'existe plus." in content(response)
    assert client.get(url).status_code == 404


# --- The network's activity reports -----------------------------------------------------------


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True, network__name="CRESS Hauts-de-France")


def test_a_facilitator_builds_the_network_report_from_the_navigation(
    client, facilitator, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.person)
    url = reverse("reports:network_reports", args=[facilitator.network_id])
    assert url in content(client.get(reverse("home")))
    year = timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": year})
    report = Report.objects.get(network=facilitator.network)
    assert response.url == report.get_absolute_url()
    page = content(client.get(report.get_absolute_url()))
    assert "Prêt" in page
    assert "Fil d'Ariane" in page and url in page
    assert 'value="' in page  # the freeze form, for the network's AG
    listing = content(client.get(url))
    assert f"Rapport d'activité du réseau {year}" in listing
    assert reverse("reports:download", args=[report.pk]) in listing


@pytest.mark.parametrize("year", ["1990", "", "deux mille"])
def test_a_year_not_offered_is_refused_with_a_message(client, facilitator, year):
    client.force_login(facilitator.person)
    response = client.post(
        reverse("reports:network_reports", args=[facilitator.network_id]), {"year": year}
    )
    assert response.status_code == 400
    assert "Choisissez une année parmi celles proposées." in content(response)
    assert not Report.objects.exists()


def test_only_the_network_facilitators_see_its_reports(client, facilitator, pilot):
    report = Report.objects.create(kind="network", network=facilitator.network, year=2026)
    for intruder in (RoleFactory(facilitator=True).person, pilot):
        client.force_login(intruder)
        assert (
            client.get(
                reverse("reports:network_reports", args=[facilitator.network_id])
            ).status_code
            == 404
        )
        assert client.get(report.get_absolute_url()).status_code == 404
