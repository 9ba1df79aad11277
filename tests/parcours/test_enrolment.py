"""Enrolling a structure with its pilot pair within the parcours' capacity, and withdrawing it
with a reason."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Membership, Role
from parcours import services
from parcours.models import Enrolment, Session
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory
from tests.parcours.factories import ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 10, 5, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True)


@pytest.fixture
def parcours(facilitator):
    parcours = ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")
    for number in range(1, 8):
        SessionFactory(
            parcours=parcours,
            number=number,
            starts_at=datetime.datetime(2026, 11, 3, 9, 30, tzinfo=PARIS)
            + datetime.timedelta(weeks=5 * (number - 1)),
        )
    return parcours


def member(network, name="La Bulle des Champs", *, copilot=True):
    """A member structure of the network with its pilot (and co-pilot)."""
    pilot = RoleFactory(
        kind=Role.Kind.PILOT, structure__name=name, person__full_name=f"Pilote {name}"
    )
    if copilot:
        RoleFactory(
            kind=Role.Kind.COPILOT, structure=pilot.structure, person__full_name=f"Copilote {name}"
        )
    MembershipFactory(network=network, structure=pilot.structure)
    return pilot.structure


def enrol_url(parcours):
    return reverse("parcours:enrol", args=[parcours.pk])


def post_enrol(client, facilitator, parcours, structure, **data):
    client.force_login(facilitator.person)
    return client.post(
        enrol_url(parcours), {"structure": structure.pk, "individual_meetings": "2", **data}
    )


def test_it_enrols_a_structure_with_its_current_pilot_pair_by_default(
    client, facilitator, parcours
):
    structure = member(facilitator.network)
    response = post_enrol(client, facilitator, parcours, structure)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.structure == structure
    assert enrolment.pilot.full_name == "Pilote La Bulle des Champs"
    assert enrolment.copilot.full_name == "Copilote La Bulle des Champs"
    assert enrolment.is_active


def test_it_creates_the_structure_s_individual_meetings_between_sessions(
    client, facilitator, parcours
):
    structure = member(facilitator.network)
    post_enrol(client, facilitator, parcours, structure)
    meetings = list(
        Session.objects.filter(kind=Session.Kind.INDIVIDUAL, structure=structure).order_by("number")
    )
    assert [meeting.title for meeting in meetings] == [
        "Rendez-vous individuel 1",
        "Rendez-vous individuel 2",
    ]
    # a week after collective sessions 2 and 5
    second = parcours.sessions.get(number=2, kind=Session.Kind.COLLECTIVE)
    fifth = parcours.sessions.get(number=5, kind=Session.Kind.COLLECTIVE)
    assert meetings[0].starts_at.date() == (second.starts_at + datetime.timedelta(weeks=1)).date()
    assert meetings[1].starts_at.date() == (fifth.starts_at + datetime.timedelta(weeks=1)).date()


def test_the_enrol_page_lists_the_network_s_members_with_their_pair(client, facilitator, parcours):
    member(facilitator.network, "La Bulle des Champs")
    member(RoleFactory(facilitator=True).network, "Structure d'un autre réseau")
    ended = member(facilitator.network, "Ancienne adhérente")
    Membership.objects.filter(structure=ended).update(status=Membership.Status.ENDED)
    client.force_login(facilitator.person)
    content = client.get(enrol_url(parcours)).content.decode()
    assert "La Bulle des Champs" in content and "Pilote La Bulle des Champs" in content
    assert "Structure d&#x27;un autre réseau" not in content
    assert "Ancienne adhérente" not in content


def test_the_facilitator_chooses_other_people_of_the_structure(client, facilitator, parcours):
    structure = member(facilitator.network)
    director = RoleFactory(
        kind=Role.Kind.CONTRIBUTOR, structure=structure, person__full_name="Directrice"
    ).person
    client.force_login(facilitator.person)
    page = client.get(enrol_url(parcours), {"structure": structure.pk}).content.decode()
    assert "Directrice" in page
    post_enrol(client, facilitator, parcours, structure, copilot=director.pk, target="Niveau 3")
    enrolment = Enrolment.objects.get()
    assert enrolment.copilot == director
    assert enrolment.target == "Niveau 3"


def test_a_person_not_of_the_structure_is_refused_as_pilot(client, facilitator, parcours):
    structure = member(facilitator.network)
    stranger = RoleFactory(kind=Role.Kind.PILOT).person
    response = post_enrol(client, facilitator, parcours, structure, pilot=stranger.pk)
    assert "Cette personne n&#x27;a pas de rôle dans cette structure." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_service_refuses_a_person_not_of_the_structure(facilitator, parcours):
    structure = member(facilitator.network)
    stranger = RoleFactory(kind=Role.Kind.PILOT).person
    with pytest.raises(ValidationError) as error:
        services.enrol(parcours, structure, copilot=stranger, by=facilitator.person)
    assert error.value.message_dict["copilot"] == [
        "Cette personne n'a pas de rôle dans cette structure."
    ]


def test_the_pilot_and_the_copilot_are_two_people(client, facilitator, parcours):
    structure = member(facilitator.network)
    pilot = Role.objects.get(structure=structure, kind=Role.Kind.PILOT).person
    response = post_enrol(
        client, facilitator, parcours, structure, pilot=pilot.pk, copilot=pilot.pk
    )
    assert "deux personnes différentes" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_structure_without_pilot_needs_one_chosen(client, facilitator, parcours):
    structure = StructureFactory(name="Sans pilote")
    MembershipFactory(network=facilitator.network, structure=structure)
    response = post_enrol(client, facilitator, parcours, structure)
    assert "Cette structure n&#x27;a pas de pilote" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_over_capacity_is_refused_in_french(client, facilitator, parcours):
    for index in range(8):
        services.enrol(parcours, member(facilitator.network, f"S{index}"), by=facilitator.person)
    ninth = member(facilitator.network, "La neuvième")
    response = post_enrol(client, facilitator, parcours, ninth)
    assert "Le parcours est complet (8 structures sur 8)." in response.content.decode()
    assert parcours.enrolments.count() == 8


def test_a_structure_enrolled_twice_is_refused_by_the_service(facilitator, parcours):
    structure = member(facilitator.network, "La Bulle des Champs")
    services.enrol(parcours, structure, by=facilitator.person)
    with pytest.raises(ValidationError) as error:
        services.enrol(parcours, structure, by=facilitator.person)
    assert error.value.messages == ["La Bulle des Champs est déjà inscrite à ce parcours."]


def test_a_structure_enrolled_twice_is_refused_by_the_form(client, facilitator, parcours):
    structure = member(facilitator.network)
    post_enrol(client, facilitator, parcours, structure)
    response = post_enrol(client, facilitator, parcours, structure)
    assert "Cette structure est déjà inscrite" in response.content.decode()
    assert Enrolment.objects.count() == 1


# --- Withdrawal -------------------------------------------------------------------------------


@pytest.fixture
def enrolment(facilitator, parcours):
    return services.enrol(parcours, member(facilitator.network), by=facilitator.person)


def withdraw_url(enrolment):
    return reverse("parcours:withdraw", args=[enrolment.pk])


def test_a_withdrawal_needs_a_reason(client, facilitator, enrolment):
    client.force_login(facilitator.person)
    response = client.post(withdraw_url(enrolment), {"reason": "  "})
    assert "Dites pourquoi la structure se retire." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_a_withdrawal_keeps_its_reason(client, facilitator, enrolment):
    client.force_login(facilitator.person)
    response = client.post(withdraw_url(enrolment), {"reason": "Changement de direction"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_at == NOW
    assert enrolment.withdrawal_reason == "Changement de direction"


def test_a_withdrawal_frees_a_seat(client, facilitator, parcours):
    enrolments = [
        services.enrol(parcours, member(facilitator.network, f"S{index}"), by=facilitator.person)
        for index in range(8)
    ]
    services.withdraw(enrolments[0], reason="Trop de travail", by=facilitator.person)
    response = post_enrol(client, facilitator, parcours, member(facilitator.network, "Nouvelle"))
    assert response.status_code == 302
    assert parcours.enrolments.active().count() == 8


def test_a_withdrawal_cancels_the_structure_s_upcoming_meetings(facilitator, enrolment):
    services.withdraw(enrolment, reason="Trop de travail", by=facilitator.person)
    meetings = Session.objects.filter(structure=enrolment.structure)
    assert {meeting.status for meeting in meetings} == {Session.Status.CANCELLED}


def test_the_pilot_withdraws_their_own_structure(client, enrolment):
    client.force_login(enrolment.pilot)
    assert client.get(withdraw_url(enrolment)).status_code == 200
    client.post(withdraw_url(enrolment), {"reason": "Nous n'avons plus le temps"})
    enrolment.refresh_from_db()
    assert not enrolment.is_active


def test_a_facilitator_of_another_network_cannot_withdraw(client, enrolment):
    other = RoleFactory(facilitator=True)
    client.force_login(other.person)
    response = client.post(withdraw_url(enrolment), {"reason": "Malveillance"})
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_a_structure_that_withdrew_is_enrolled_again_on_its_row(
    client, facilitator, parcours, enrolment
):
    services.withdraw(enrolment, reason="Trop de travail", by=facilitator.person)
    response = post_enrol(client, facilitator, parcours, enrolment.structure)
    assert response.status_code == 302
    again = Enrolment.objects.get()
    assert again.pk == enrolment.pk
    assert again.is_active and again.withdrawal_reason == ""
    planned = Session.objects.filter(structure=enrolment.structure).exclude(
        status=Session.Status.CANCELLED
    )
    assert planned.count() == 2


def test_digits_that_are_not_ascii_pick_no_structure_instead_of_a_server_error(
    client, facilitator, parcours
):
    client.force_login(facilitator.person)
    assert client.get(enrol_url(parcours), {"structure": "²"}).status_code == 200
    assert client.post(enrol_url(parcours), {"structure": "²"}).status_code == 200
