"""A session's page: what everyone who may view the parcours reads, what the pilot pair does
(apologies before, feedback after), the facilitators' tools; individual meetings stay between
the facilitators and the structure met."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours.models import Attendance, Feedback, Resource, Session, SessionPlace
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True).person


@pytest.fixture
def parcours(facilitator):
    return ParcoursFactory(network=facilitator.roles.get().network)


@pytest.fixture
def pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role.person


@pytest.fixture
def session(parcours):
    return SessionFactory(
        parcours=parcours,
        number=3,
        title="Écouter les usagers",
        starts_at=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 12, 1, 12, 30, tzinfo=PARIS),
        place="Maison des associations, Arras",
        online_url="https://visio.example.org/s3",
        agenda="Tour de table\nAtelier en binômes",
    )


def page(client, person, session):
    client.force_login(person)
    return client.get(reverse("parcours:session", args=[session.pk]))


def test_it_shows_the_session_in_french(client, session, pilot):
    content = page(client, pilot, session).content.decode()
    assert "Écouter les usagers" in content
    assert "Session collective 3" in content
    assert "mardi 1 décembre 2026, 9 h 30 – 12 h 30" in content.replace(
        "\xa0", " "
    )  # no-break spaces in times
    assert "Maison des associations, Arras" in content
    assert '<a href="https://visio.example.org/s3">' in content
    assert "Atelier en binômes" in content
    assert reverse("parcours:session_ics", args=[session.pk]) in content


def test_it_lists_the_places_of_a_communaute_meeting(client, facilitator):
    communaute = ParcoursFactory(community=True, network=facilitator.roles.get().network)
    meeting = SessionFactory(parcours=communaute, place="")
    SessionPlace.objects.create(session=meeting, name="Lille", address="Maison de l'ESS")
    SessionPlace.objects.create(session=meeting, name="Amiens")
    content = page(client, facilitator, meeting).content.decode()
    assert "Lieux" in content and "Amiens" in content and "Maison de l&#x27;ESS" in content
    assert reverse("parcours:meeting_note", args=[meeting.pk]) in content


def test_a_cancelled_session_says_so_prominently(client, session, pilot):
    session.status = Session.Status.CANCELLED
    session.save()
    content = page(client, pilot, session).content.decode()
    assert "Cette session est annulée." in content
    assert reverse("parcours:apologies", args=[session.pk]) not in content


def test_a_moved_session_says_so(client, session, pilot):
    session.status = Session.Status.MOVED
    session.save()
    assert "Cette session a été déplacée" in page(client, pilot, session).content.decode()


def test_it_lists_the_sessions_resources_only(client, session, parcours, pilot):
    Resource.objects.create(parcours=parcours, session=session, title="Grille", url="https://e.org")
    Resource.objects.create(parcours=parcours, title="Charte du parcours", url="https://e.org")
    content = page(client, pilot, session).content.decode()
    assert "Grille" in content and "Charte du parcours" not in content


def test_before_the_start_a_participant_sends_apologies(client, session, pilot):
    content = page(client, pilot, session).content.decode()
    assert f'action="{reverse("parcours:apologies", args=[session.pk])}"' in content
    assert "Votre présence" in content and "Attendu·e" in content
    assert "Donner mon avis" not in content


def test_apologies_sent_show_with_a_way_back(client, session, pilot):
    Attendance.objects.create(
        session=session, person=pilot, status=Attendance.Status.EXCUSED, note="Malade"
    )
    content = page(client, pilot, session).content.decode()
    assert "Excusé" in content and "Malade" in content
    assert 'name="cancel" value="1"' in content


def test_after_the_session_a_participant_is_asked_for_feedback(client, session, pilot):
    with time_machine.travel(session.ends_at + datetime.timedelta(hours=1), tick=False):
        content = page(client, pilot, session).content.decode()
    assert reverse("parcours:feedback", args=[session.pk]) in content
    assert reverse("parcours:apologies", args=[session.pk]) not in content


def test_once_given_the_feedback_is_thanked_for(client, session, pilot):
    Feedback.objects.create(session=session, person=pilot, rating=5)
    with time_machine.travel(session.ends_at + datetime.timedelta(hours=1), tick=False):
        content = page(client, pilot, session).content.decode()
    assert "Avis donné, merci !" in content
    assert reverse("parcours:feedback", args=[session.pk]) not in content


def test_a_reader_of_the_structure_has_no_participant_tools(client, session, pilot):
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=pilot.roles.get().structure)
    response = page(client, board.person, session)
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("parcours:apologies", args=[session.pk]) not in content
    assert reverse("parcours:attendance", args=[session.pk]) not in content


def test_the_facilitator_finds_every_tool(client, session, facilitator):
    content = page(client, facilitator, session).content.decode()
    for name in (
        "session_edit",
        "session_cancel",
        "attendance",
        "checkin_qr",
        "absentees",
        "feedback_summary",
    ):
        assert reverse(f"parcours:{name}", args=[session.pk]) in content
    assert reverse("parcours:apologies", args=[session.pk]) not in content


def test_participants_do_not_get_the_facilitators_tools(client, session, pilot):
    content = page(client, pilot, session).content.decode()
    assert reverse("parcours:attendance", args=[session.pk]) not in content
    assert reverse("parcours:feedback_summary", args=[session.pk]) not in content


@pytest.fixture
def other_pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role.person


@pytest.fixture
def meeting(parcours, pilot):
    return SessionFactory(
        parcours=parcours,
        kind=Session.Kind.INDIVIDUAL,
        structure=pilot.roles.get().structure,
        title="Rendez-vous individuel",
    )


def test_the_structure_met_sees_its_individual_meeting(client, meeting, pilot):
    response = page(client, pilot, meeting)
    assert response.status_code == 200
    assert "Rendez-vous individuel" in response.content.decode()


def test_the_facilitator_sees_every_individual_meeting(client, meeting, facilitator):
    assert page(client, facilitator, meeting).status_code == 200


def test_another_structure_of_the_cohort_gets_404_for_an_individual_meeting(
    client, meeting, other_pilot
):
    assert page(client, other_pilot, meeting).status_code == 404


def test_a_pilot_of_another_network_gets_404(client, session):
    assert page(client, RoleFactory(kind=Role.Kind.PILOT).person, session).status_code == 404
