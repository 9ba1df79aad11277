import datetime

import pytest
from django.urls import reverse

from members.models import Membership, Role
from tests.members.factories import MembershipFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_structures_people_see_its_page_with_the_pair_and_the_team(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, person__full_name="Nadia Benali")
    RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure, person__full_name="Tom Leroy")
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=pilot.structure)
    client.force_login(board.person)
    content = client.get(pilot.structure.get_absolute_url()).content.decode()
    assert "Nadia Benali" in content and "Tom Leroy" in content
    assert "Binôme de pilotage" in content
    assert "Modifier les informations" not in content  # board members read only


def test_another_structures_pilot_gets_404(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(pilot.structure.get_absolute_url()).status_code == 404


def test_a_facilitator_sees_member_structures_and_only_their_own_adhesion(client):
    facilitator = RoleFactory(facilitator=True)
    membership = MembershipFactory(network=facilitator.network)
    MembershipFactory(structure=membership.structure, network__name="Fédération voisine")
    client.force_login(facilitator.person)
    content = client.get(membership.structure.get_absolute_url()).content.decode()
    assert facilitator.network.name in content
    assert "Fédération voisine" not in content


def test_a_facilitator_of_another_network_gets_404(client):
    membership = MembershipFactory()
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(membership.structure.get_absolute_url()).status_code == 404


def test_the_pilot_edits_the_details_and_a_bad_siret_is_explained(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    url = reverse("members:structure_edit", args=[pilot.structure.pk])
    response = client.post(
        url, {"name": "Les Jardins du Val", "legal_form": "association", "siret": "123"}
    )
    assert "Un SIRET comporte 14 chiffres" in response.content.decode()
    response = client.post(
        url,
        {"name": "Les Jardins du Val", "legal_form": "association", "siret": "732 829 320 00074"},
    )
    pilot.structure.refresh_from_db()
    assert pilot.structure.siret == "73282932000074"


def test_a_siret_already_used_by_another_structure_is_refused(client):
    RoleFactory(kind=Role.Kind.PILOT, structure__siret="73282932000074")
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    response = client.post(
        reverse("members:structure_edit", args=[pilot.structure.pk]),
        {"name": "X", "legal_form": "association", "siret": "73282932000074"},
    )
    assert "Une autre structure a déjà ce SIRET" in response.content.decode()


def test_a_contributor_cannot_edit_the_structure(client):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR)
    client.force_login(contributor.person)
    url = reverse("members:structure_edit", args=[contributor.structure.pk])
    assert client.get(url).status_code == 404


def test_a_hand_over_ends_the_mandate_and_keeps_it_in_the_history(client):
    pilot = RoleFactory(
        kind=Role.Kind.PILOT,
        person__full_name="Ancienne Pilote",
        started_on=datetime.date(2022, 1, 1),
    )
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(network=facilitator.network, structure=pilot.structure)
    client.force_login(facilitator.person)
    response = client.post(
        reverse("members:hand_over", args=[pilot.structure.pk]),
        {"kind": "pilot", "person": copilot.person.pk, "on": "2026-09-01"},
        follow=True,
    )
    content = response.content.decode()
    pilots = pilot.structure.roles.filter(kind=Role.Kind.PILOT)
    assert pilots.active().get().person == copilot.person
    pilot.refresh_from_db()
    assert pilot.ended_on == datetime.date(2026, 9, 1)
    assert "Historique des mandats" in content and "Ancienne Pilote" in content
    # The co-pilot who became pilot left the co-pilot seat.
    assert not pilot.structure.roles.active().filter(kind=Role.Kind.COPILOT).exists()


def test_a_hand_over_to_someone_outside_the_structure_is_refused(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    stranger = UserFactory()
    response = client.post(
        reverse("members:hand_over", args=[pilot.structure.pk]),
        {"kind": "pilot", "person": stranger.pk, "on": "2026-09-01"},
    )
    assert response.status_code == 200
    assert pilot.structure.roles.active().get(kind=Role.Kind.PILOT).person == pilot.person


def test_a_hand_over_in_the_future_is_refused(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    client.force_login(pilot.person)
    response = client.post(
        reverse("members:hand_over", args=[pilot.structure.pk]),
        {"kind": "pilot", "person": copilot.person.pk, "on": "2999-01-01"},
    )
    assert "pas à l&#x27;avance" in response.content.decode()


def test_an_ended_adhesion_hides_the_network_guides_from_the_structure(client):
    from tests.guide.factories import GuideFactory

    pilot = RoleFactory(kind=Role.Kind.PILOT)
    membership = MembershipFactory(structure=pilot.structure, status=Membership.Status.ENDED)
    guide = GuideFactory(network=membership.network)
    client.force_login(pilot.person)
    assert client.get(guide.get_absolute_url()).status_code == 404


def test_a_pilot_who_hands_over_their_own_seat_lands_on_their_home_page(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    client.force_login(pilot.person)
    response = client.post(
        reverse("members:hand_over", args=[pilot.structure.pk]),
        {"kind": "pilot", "person": copilot.person.pk, "on": "2026-09-01"},
    )
    assert response.url == reverse("home")


def test_roles_read_naturally_in_sentences(client):
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, person__full_name="Monique Petit")
    client.force_login(board.person)
    content = client.get(board.structure.get_absolute_url()).content.decode()
    assert "Monique Petit — membre du CA" in content
