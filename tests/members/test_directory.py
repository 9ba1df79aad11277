import pytest
from django.urls import reverse

from members.models import Membership, Role
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(client):
    role = RoleFactory(facilitator=True)
    client.force_login(role.person)
    return role


def test_a_facilitator_sees_only_their_networks_structures(client, facilitator):
    MembershipFactory(network=facilitator.network, structure__name="Les Jardins du Val")
    MembershipFactory(structure__name="Structure d'un autre réseau")
    content = client.get(reverse("members:directory")).content.decode()
    assert "Les Jardins du Val" in content
    assert "Structure d&#x27;un autre réseau" not in content


def test_the_directory_shows_the_pilot_pair(client, facilitator):
    membership = MembershipFactory(network=facilitator.network)
    RoleFactory(kind=Role.Kind.PILOT, structure=membership.structure, person__full_name="Nadia B")
    RoleFactory(kind=Role.Kind.COPILOT, structure=membership.structure, person__full_name="Tom L")
    content = client.get(reverse("members:directory")).content.decode()
    assert "Nadia B" in content and "Tom L" in content


def test_search_and_filters(client, facilitator):
    MembershipFactory(
        network=facilitator.network,
        structure__name="Atelier Bois",
        structure__legal_form="scop",
        structure__departement="Nord",
    )
    MembershipFactory(
        network=facilitator.network,
        structure__name="Jardins",
        structure__departement="Somme",
        status=Membership.Status.ENDED,
    )
    url = reverse("members:directory")
    assert [m.structure.name for m in client.get(url, {"q": "bois"}).context["page"]] == [
        "Atelier Bois"
    ]
    assert [
        m.structure.name for m in client.get(url, {"departement": "Somme"}).context["page"]
    ] == ["Jardins"]
    assert [m.structure.name for m in client.get(url, {"legal_form": "scop"}).context["page"]] == [
        "Atelier Bois"
    ]
    assert [m.structure.name for m in client.get(url, {"status": "ended"}).context["page"]] == [
        "Jardins"
    ]


def test_a_facilitator_of_two_networks_switches_between_directories(client, facilitator):
    other = RoleFactory(facilitator=True, person=facilitator.person)
    MembershipFactory(network=other.network, structure__name="Dans le second réseau")
    first = client.get(reverse("members:directory")).content.decode()
    second = client.get(reverse("members:directory"), {"reseau": other.network.pk})
    assert "Dans le second réseau" not in first
    assert "Dans le second réseau" in second.content.decode()


def test_a_network_not_facilitated_cannot_be_chosen(client, facilitator):
    other = RoleFactory(facilitator=True)
    response = client.get(reverse("members:directory"), {"reseau": other.network.pk})
    assert response.status_code == 404


def test_a_pilot_has_no_directory(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("members:directory")).status_code == 404


def test_the_directory_is_paginated(client, facilitator):
    for structure in StructureFactory.create_batch(30):
        MembershipFactory(network=facilitator.network, structure=structure)
    response = client.get(reverse("members:directory"))
    assert len(response.context["page"]) == 25
    assert "Page 1 sur 2" in response.content.decode()


@pytest.mark.parametrize("size", [20, 2000])
def test_the_directory_query_count_does_not_grow_with_the_network(
    client, facilitator, django_assert_num_queries, size
):
    structures = StructureFactory.build_batch(size)
    from members.models import Structure

    Structure.objects.bulk_create(structures)
    Membership.objects.bulk_create(
        Membership(network=facilitator.network, structure=s)
        for s in Structure.objects.filter(name__in=[s.name for s in structures])
    )
    # savepoint, session, user, roles (acting network), network, départements, count,
    # page, pairs, facilitated networks (x2: list and count), release
    with django_assert_num_queries(12):
        response = client.get(reverse("members:directory"))
    assert response.context["page"].paginator.count == size


def test_an_unknown_filter_value_drops_only_that_filter(client, facilitator):
    MembershipFactory(network=facilitator.network, structure__name="Atelier Bois")
    MembershipFactory(network=facilitator.network, structure__name="Jardins")
    response = client.get(reverse("members:directory"), {"q": "bois", "legal_form": "xyz"})
    assert [m.structure.name for m in response.context["page"]] == ["Atelier Bois"]
