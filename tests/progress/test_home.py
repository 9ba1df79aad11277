import pytest
from django.urls import reverse

from members.models import Role
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


@pytest.mark.parametrize("structures", [1, 10])
def test_the_home_page_query_count_does_not_grow_with_roles(
    client, django_assert_num_queries, structures
):
    person = RoleFactory(kind=Role.Kind.PILOT).person
    for structure in StructureFactory.create_batch(structures - 1):
        RoleFactory(kind=Role.Kind.BOARD_MEMBER, person=person, structure=structure)
        RoleFactory(kind=Role.Kind.PILOT, structure=structure)
    RoleFactory(facilitator=True, person=person)
    client.force_login(person)
    # savepoint, session, user, roles, pilot pairs, member counts, latest démarche of each
    # structure, release savepoint
    with django_assert_num_queries(8):
        response = client.get(reverse("home"))
    assert response.content.decode().count("role-card") == structures + 1
