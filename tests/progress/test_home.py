import datetime
import html

import pytest
from django.urls import reverse

from members.context_processors import ACTING_ROLE_KEY
from members.models import Role
from reports.models import Report
from tests.demarches.factories import CycleFactory
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_a_pilot_sees_their_structure_their_role_and_the_pilot_pair(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    client.force_login(pilot.person)
    content = client.get(reverse("home")).content.decode()
    assert "Les Jardins du Val" in content
    assert "Pilote" in content
    assert "Binôme de pilotage" in content
    assert pilot.person.full_name in content
    assert copilot.person.full_name in content


def test_a_pilot_does_not_see_other_structures(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    other = RoleFactory(kind=Role.Kind.PILOT, structure__name="Atelier Bois Coopératif")
    client.force_login(pilot.person)
    content = client.get(reverse("home")).content.decode()
    assert "Atelier Bois Coopératif" not in content
    assert other.person.full_name not in content


def test_an_ended_mandate_is_not_shown_as_a_current_role(client):
    role = RoleFactory(kind=Role.Kind.PILOT, structure__name="Ancienne Structure")
    role.ended_on = role.started_on
    role.save()
    client.force_login(role.person)
    content = client.get(reverse("home")).content.decode()
    assert "Ancienne Structure" not in content
    assert "aucun rôle" in content


def test_a_facilitator_sees_their_network_and_its_member_count(client):
    facilitator = RoleFactory(facilitator=True, network__name="CRESS Bretagne")
    MembershipFactory.create_batch(3, network=facilitator.network)
    MembershipFactory()  # a structure of another network
    client.force_login(facilitator.person)
    content = client.get(reverse("home")).content.decode()
    assert "CRESS Bretagne" in content
    assert "3 structures adhérentes" in content


def test_the_navigation_lists_every_role_of_a_person_with_several(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")
    RoleFactory(facilitator=True, person=pilot.person, network__name="CRESS Occitanie")
    client.force_login(pilot.person)
    content = client.get(reverse("home")).content.decode()
    assert "Pilote · Les Jardins du Val" in content
    assert "Animateur·rice · CRESS Occitanie" in content


def test_only_platform_admins_see_the_administration_link(client, admin_user):
    client.force_login(RoleFactory().person)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def frozen_report(structure, year, kind=Report.Kind.FULL, *, number=1, frozen_for=None):
    cycle = CycleFactory(structure=structure, year=year)
    return Report.objects.create(
        kind=kind,
        cycle=cycle,
        year=year,
        status=Report.Status.READY,
        number=number,
        size=850_000,
        frozen_for=frozen_for or datetime.date(year + 1, 6, 14),
    )


def test_a_board_member_finds_the_latest_frozen_reports_on_the_home_page(client):
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER)
    frozen_report(board.structure, 2024)
    latest = frozen_report(board.structure, 2025)
    synthesis = Report.objects.create(
        kind="synthesis",
        cycle=latest.cycle,
        year=2025,
        status="ready",
        number=1,
        frozen_for=datetime.date(2026, 6, 14),
    )
    Report.objects.create(  # a later version, not frozen: not the one presented
        kind="full", cycle=latest.cycle, year=2025, status="ready", number=2
    )
    client.force_login(board.person)
    content = html.unescape(client.get(reverse("home")).content.decode())
    assert "Télécharger le rapport d'AG 2025 (figé pour l'AG du 14 juin 2026)" in content
    assert "Télécharger la synthèse 2025 (figée pour l'AG du 14 juin 2026)" in content
    assert reverse("reports:download", args=[latest.pk]) in content
    assert reverse("reports:download", args=[synthesis.pk]) in content
    assert "rapport d'AG 2024" not in content
    assert content.count("Télécharger") == 2


def test_a_contributor_is_not_offered_the_ag_report(client):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR)
    frozen_report(contributor.structure, 2025)
    client.force_login(contributor.person)
    assert "Télécharger le rapport" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("structures", [1, 10])
def test_the_home_page_query_count_does_not_grow_with_roles(
    client, django_assert_num_queries, structures
):
    acting = RoleFactory(kind=Role.Kind.PILOT)
    person = acting.person
    for structure in StructureFactory.create_batch(structures - 1):
        RoleFactory(kind=Role.Kind.BOARD_MEMBER, person=person, structure=structure)
        RoleFactory(kind=Role.Kind.PILOT, structure=structure)
        frozen_report(structure, 2024)
        frozen_report(structure, 2025)
    RoleFactory(facilitator=True, person=person)
    client.force_login(person)
    # Acting for the structure with no démarche: the "my démarche" card costs no query.
    session = client.session
    session[ACTING_ROLE_KEY] = acting.pk
    session.save()
    # savepoint, session, user, roles, pilot pairs, member counts, latest démarche of each
    # structure, latest frozen reports of each structure, release savepoint
    with django_assert_num_queries(9):
        response = client.get(reverse("home"))
    assert response.content.decode().count("role-card") == structures + 1
    page = html.unescape(response.content.decode())
    assert page.count("Télécharger le rapport d'AG 2025") == structures - 1
