"""Mes parcours: for each parcours a person follows, the next session first, then the feedback
to give, the structure's individual meetings and the latest resources."""

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
NOW = datetime.datetime(2027, 1, 10, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def parcours():
    return ParcoursFactory(title="Impliquer les usagers")


@pytest.fixture
def pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role.person


def at(days, hour=9, minute=30):
    return datetime.datetime(2027, 1, 10, hour, minute, tzinfo=PARIS) + datetime.timedelta(
        days=days
    )


def session(parcours, days, **fields):
    return SessionFactory(
        parcours=parcours,
        starts_at=at(days),
        ends_at=at(days, 12, 30),
        **fields,
    )


def mine(client, person):
    client.force_login(person)
    return client.get(reverse("parcours:mine")).content.decode()


def test_it_shows_the_next_session_prominently(client, parcours, pilot):
    session(parcours, -20, title="Lancement")
    session(parcours, 30, title="Passer à l'action")
    session(
        parcours,
        3,
        title="Écouter les usagers",
        place="Maison des associations, Arras",
        online_url="https://visio.example.org/session-3",
        agenda="Tour de table, puis atelier en binômes.",
    )
    content = mine(client, pilot)
    next_session = content.split("Prochaine session")[1]
    assert "Écouter les usagers" in next_session
    assert "Passer à l" not in content  # only the next one
    assert "mercredi 13 janvier 2027, 9 h 30 – 12 h 30" in content.replace(
        "\xa0", " "
    )  # no-break spaces in times
    assert "Maison des associations, Arras" in content
    assert 'href="https://visio.example.org/session-3"' in content
    assert "Tour de table, puis atelier en binômes." in content
    assert "Ajouter à mon agenda" in content
    assert "Lancement" not in next_session.split("Avis à donner")[0]


def test_the_pilot_pair_may_send_apologies_for_the_next_session(client, parcours, pilot):
    coming = session(parcours, 3)
    content = mine(client, pilot)
    assert reverse("parcours:apologies", args=[coming.pk]) in content
    assert "M'excuser" in content


def test_apologies_already_sent_can_be_withdrawn(client, parcours, pilot):
    coming = session(parcours, 3)
    Attendance.objects.create(session=coming, person=pilot, status=Attendance.Status.EXCUSED)
    content = mine(client, pilot)
    assert "Vous vous êtes excusé·e." in content
    assert 'name="cancel" value="1"' in content


def test_a_contributor_reads_but_sends_no_apologies(client, parcours, pilot):
    coming = session(parcours, 3, title="Écouter les usagers")
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=pilot.roles.get().structure)
    content = mine(client, contributor.person)
    assert "Écouter les usagers" in content
    assert reverse("parcours:apologies", args=[coming.pk]) not in content


def test_a_communaute_meeting_shows_its_places(client, pilot):
    communaute = ParcoursFactory(community=True)
    EnrolmentFactory(parcours=communaute, structure=pilot.roles.get().structure, pilot=pilot)
    meeting = session(communaute, 5, place="")
    SessionPlace.objects.create(session=meeting, name="Lille", address="Maison de l'ESS")
    SessionPlace.objects.create(session=meeting, name="Amiens")
    content = mine(client, pilot)
    assert "Amiens · Lille (Maison de l&#x27;ESS)" in content


def test_a_cancelled_session_is_not_the_next_one(client, parcours, pilot):
    session(parcours, 2, title="Annulée", status=Session.Status.CANCELLED)
    session(parcours, 9, title="Maintenue")
    next_session = mine(client, pilot).split("Prochaine session")[1]
    assert "Maintenue" in next_session and "Annulée" not in next_session


def test_it_lists_the_feedback_to_give(client, parcours, pilot):
    given = session(parcours, -2, title="Avis déjà donné")
    Feedback.objects.create(session=given, person=pilot, rating=4)
    excused = session(parcours, -4, title="Excusé")
    Attendance.objects.create(session=excused, person=pilot, status=Attendance.Status.EXCUSED)
    session(parcours, -40, title="Trop ancienne")
    waiting = session(parcours, -6, title="Écouter les usagers")
    content = mine(client, pilot)
    to_give = content.split("Avis à donner")[1]
    assert reverse("parcours:feedback", args=[waiting.pk]) in to_give
    assert "Écouter les usagers" in to_give
    for title in ("Avis déjà donné", "Excusé", "Trop ancienne"):
        assert title not in to_give


def test_it_lists_the_structures_individual_meetings_only(client, parcours, pilot):
    structure = pilot.roles.get().structure
    session(parcours, 12, kind=Session.Kind.INDIVIDUAL, structure=structure, title="Notre RDV")
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    session(parcours, 13, kind=Session.Kind.INDIVIDUAL, structure=other.structure, title="Leur")
    content = mine(client, pilot)
    meetings = content.split("Rendez-vous individuels de ma structure")[1]
    assert "Notre RDV" in meetings
    assert "Leur" not in content


def test_it_lists_the_latest_resources(client, parcours, pilot):
    for n in range(7):
        Resource.objects.create(parcours=parcours, title=f"Ressource {n}", url="https://e.org")
    content = mine(client, pilot)
    latest = content.split("Dernières ressources")[1]
    assert "Ressource 6" in latest and "Ressource 2" in latest
    assert "Ressource 1" not in latest
    assert reverse("parcours:resources", args=[parcours.pk]) in content


def test_it_links_to_the_private_calendar(client, pilot):
    assert reverse("parcours:feed_settings") in mine(client, pilot)


def test_it_says_so_when_the_person_follows_no_parcours(client):
    content = mine(client, RoleFactory(kind=Role.Kind.PILOT).person)
    assert "Vous ne suivez encore aucun parcours." in content


def test_a_withdrawn_structure_no_longer_follows_the_parcours(client, parcours, pilot):
    pilot.enrolments_as_pilot.update(withdrawn_at=NOW, withdrawal_reason="Changement de CA")
    assert "Vous ne suivez encore aucun parcours." in mine(client, pilot)


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_query_count(client, pilot, django_assert_num_queries, size):
    structure = pilot.roles.get().structure
    for n in range(size):
        followed = ParcoursFactory()
        EnrolmentFactory(parcours=followed, structure=structure, pilot=pilot)
        for days in (-3, 5, 40):
            past_or_coming = session(followed, days + n)
            SessionPlace.objects.create(session=past_or_coming, name="Lille")
        session(followed, 8, kind=Session.Kind.INDIVIDUAL, structure=structure)
        Resource.objects.create(parcours=followed, title="Support", url="https://e.org")
    client.force_login(pilot)
    # savepoint and release, session, user, roles, parcours, enrolments, sessions, their
    # places, attendance, feedback to give, resources, the roles of the navigation
    with django_assert_num_queries(13):
        client.get(reverse("parcours:mine"))
