"""Steps 10–12: the log of presentations and reviews."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from demarches.models import Presentation
from members.models import Role
from tests.demarches.factories import CycleFactory, PresentationFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2027, 4, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def pilot():
    return RoleFactory(kind=Role.Kind.PILOT)


@pytest.fixture
def cycle(pilot):
    return CycleFactory(structure=pilot.structure)


def list_url(cycle):
    return reverse("demarches:presentations", args=[cycle.pk])


def test_it_explains_which_step_each_presentation_serves(client, cycle, pilot):
    client.force_login(pilot.person)
    content = client.get(list_url(cycle)).content.decode()
    assert "étape 10" in content and "étape 11" in content and "tous les trimestres" in content


def test_the_log_lists_presentations_newest_first(client, cycle, pilot):
    PresentationFactory(cycle=cycle, held_on=datetime.date(2027, 1, 12), notes="Premier point")
    PresentationFactory(cycle=cycle, held_on=datetime.date(2027, 4, 2), notes="Réunion plénière")
    client.force_login(pilot.person)
    content = client.get(list_url(cycle)).content.decode()
    assert content.index("Réunion plénière") < content.index("Premier point")


def test_the_pilot_records_a_presentation(client, cycle, pilot):
    client.force_login(pilot.person)
    response = client.post(
        list_url(cycle),
        {"kind": "ag", "held_on": "2027-04-18", "notes": "Temps d'échange d'une heure"},
    )
    assert response.status_code == 302
    presentation = cycle.presentations.get()
    assert (presentation.kind, presentation.held_on) == ("ag", datetime.date(2027, 4, 18))
    assert presentation.created_by == pilot.person


def test_a_presentation_in_the_future_is_refused_and_the_notes_kept(client, cycle, pilot):
    client.force_login(pilot.person)
    response = client.post(
        list_url(cycle),
        {"kind": "staff_meeting", "held_on": "2027-05-02", "notes": "Ordre du jour prévu"},
    )
    content = response.content.decode()
    assert (
        "Cette date est dans le futur : notez une présentation une fois qu'elle a eu lieu."
        in content.replace("&#x27;", "'")
    )
    assert "Ordre du jour prévu" in content
    assert not Presentation.objects.exists()


def test_the_pilot_edits_a_presentation(client, cycle, pilot):
    presentation = PresentationFactory(cycle=cycle)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:presentation_edit", args=[presentation.pk]),
        {"kind": "board_meeting", "held_on": "2027-03-30", "notes": "Validé par le bureau"},
    )
    assert response.status_code == 302
    presentation.refresh_from_db()
    assert (presentation.kind, presentation.notes) == ("board_meeting", "Validé par le bureau")


def test_the_pilot_deletes_a_presentation(client, cycle, pilot):
    presentation = PresentationFactory(cycle=cycle)
    client.force_login(pilot.person)
    response = client.post(reverse("demarches:presentation_delete", args=[presentation.pk]))
    assert response.status_code == 302 and response.url == list_url(cycle)
    assert not Presentation.objects.exists()


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_read_the_log_without_forms(client, cycle, kind):
    PresentationFactory(cycle=cycle, notes="Réunion plénière")
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    content = client.get(list_url(cycle)).content.decode()
    assert "Réunion plénière" in content
    assert "Noter une présentation" not in content and "Supprimer" not in content


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_cannot_change_the_log(client, cycle, kind):
    presentation = PresentationFactory(cycle=cycle)
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    data = {"kind": "ag", "held_on": "2027-04-18"}
    assert client.post(list_url(cycle), data).status_code == 404
    edit_url = reverse("demarches:presentation_edit", args=[presentation.pk])
    assert client.post(edit_url, data).status_code == 404
    delete_url = reverse("demarches:presentation_delete", args=[presentation.pk])
    assert client.post(delete_url).status_code == 404
    assert Presentation.objects.get().kind == "staff_meeting"
