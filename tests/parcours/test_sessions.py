"""Adding, moving and cancelling sessions; their participants are e-mailed in French once the
change is committed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours import services
from parcours.models import Session
from tests.members.factories import MembershipFactory, RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

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
    return ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")


@pytest.fixture
def session(parcours):
    return SessionFactory(
        parcours=parcours,
        number=3,
        title="Session 3 : choix des priorités",
        starts_at=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 12, 1, 12, 30, tzinfo=PARIS),
        place="Maison des associations, Arras",
    )


def enrol(parcours, name):
    pilot = RoleFactory(
        kind=Role.Kind.PILOT, structure__name=name, person__email=f"pilote@{name}.fr"
    )
    copilot = RoleFactory(
        kind=Role.Kind.COPILOT, structure=pilot.structure, person__email=f"copilote@{name}.fr"
    )
    MembershipFactory(network=parcours.network, structure=pilot.structure)
    return EnrolmentFactory(
        parcours=parcours, structure=pilot.structure, pilot=pilot.person, copilot=copilot.person
    )


def form_data(session, **overrides):
    local = {
        "starts_at": session.starts_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
    }
    return {
        "kind": session.kind,
        "structure": session.structure_id or "",
        "number": session.number,
        "title": session.title,
        "place": session.place,
        "online_url": session.online_url,
        "agenda": session.agenda,
        **local,
        **overrides,
    }


def edit(client, facilitator, session, **overrides):
    client.force_login(facilitator.person)
    return client.post(
        reverse("parcours:session_edit", args=[session.pk]), form_data(session, **overrides)
    )


# --- Adding -----------------------------------------------------------------------------------


def new_session_data(**overrides):
    return {
        "kind": "collective",
        "structure": "",
        "number": "8",
        "title": "Session 8 : et après ?",
        "starts_at": "2027-06-01T09:30",
        "ends_at": "2027-06-01T12:30",
        "place": "Arras",
        "online_url": "",
        "agenda": "Tour de table",
        **overrides,
    }


def test_a_facilitator_adds_a_session(client, facilitator, parcours):
    client.force_login(facilitator.person)
    response = client.post(
        reverse("parcours:session_create", args=[parcours.pk]), new_session_data()
    )
    assert response.status_code == 302
    session = parcours.sessions.get()
    assert session.title == "Session 8 : et après ?"
    assert session.starts_at == datetime.datetime(2027, 6, 1, 9, 30, tzinfo=PARIS)


def test_a_session_ending_before_it_starts_is_refused(client, facilitator, parcours):
    client.force_login(facilitator.person)
    response = client.post(
        reverse("parcours:session_create", args=[parcours.pk]),
        new_session_data(ends_at="2027-06-01T08:00"),
    )
    content = response.content.decode()
    assert "Une session se termine après avoir commencé." in content
    assert "Session 8 : et après ?" in content  # what was typed stays
    assert not parcours.sessions.exists()


def test_an_individual_meeting_without_a_structure_is_refused(client, facilitator, parcours):
    client.force_login(facilitator.person)
    response = client.post(
        reverse("parcours:session_create", args=[parcours.pk]),
        new_session_data(kind="individual"),
    )
    assert "Un rendez-vous individuel concerne une structure : choisissez-la." in (
        response.content.decode()
    )
    assert not parcours.sessions.exists()


def test_an_individual_meeting_is_with_an_enrolled_structure(client, facilitator, parcours):
    enrolment = enrol(parcours, "bulle")
    client.force_login(facilitator.person)
    client.post(
        reverse("parcours:session_create", args=[parcours.pk]),
        new_session_data(kind="individual", structure=enrolment.structure.pk),
    )
    assert parcours.sessions.get().structure == enrolment.structure


def test_a_communaute_s_meeting_is_held_in_several_places(client, facilitator):
    community = ParcoursFactory(network=facilitator.network, community=True)
    client.force_login(facilitator.person)
    client.post(
        reverse("parcours:session_create", args=[community.pk]),
        new_session_data(place="", places="Lille\n\nAmiens\n"),
    )
    session = community.sessions.get()
    assert sorted(session.places.values_list("name", flat=True)) == ["Amiens", "Lille"]


# --- Moving -----------------------------------------------------------------------------------


def test_moving_a_session_emails_its_participants_in_french_on_commit(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(parcours, "bulle")
    enrol(parcours, "coron")
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(
            client, facilitator, session, starts_at="2026-12-08T14:00", ends_at="2026-12-08T17:00"
        )
    assert response.status_code == 302
    assert sorted(to for message in mailoutbox for to in message.to) == [
        "copilote@bulle.fr",
        "copilote@coron.fr",
        "pilote@bulle.fr",
        "pilote@coron.fr",
    ]
    message = mailoutbox[0]
    assert message.subject == "Progress : session déplacée — Session 3 : choix des priorités"
    assert (
        "Désormais : mardi 8 décembre 2026, 14\u00a0h\u00a000 – 17\u00a0h\u00a000" in message.body
    )
    assert (
        "Au lieu de : mardi 1 décembre 2026, 9\u00a0h\u00a030 – 12\u00a0h\u00a030" in message.body
    )
    assert reverse("parcours:session", args=[session.pk]) in message.body


def test_moving_a_session_bumps_its_sequence_and_marks_it_moved(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks
):
    enrol(parcours, "bulle")
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, facilitator, session, place="Salle Léo Lagrange, Lens")
    session.refresh_from_db()
    assert session.status == Session.Status.MOVED
    assert session.sequence == 1


def test_nobody_is_emailed_before_the_commit(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(parcours, "bulle")
    with django_capture_on_commit_callbacks() as callbacks:
        edit(client, facilitator, session, place="Lens")
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_a_withdrawn_structure_is_not_emailed(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(parcours, "bulle")
    gone = enrol(parcours, "coron")
    services.withdraw(gone, reason="Trop de travail", by=facilitator.person)
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, facilitator, session, place="Lens")
    assert sorted(to for message in mailoutbox for to in message.to) == [
        "copilote@bulle.fr",
        "pilote@bulle.fr",
    ]


def test_nothing_is_sent_when_nothing_changed(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(parcours, "bulle")
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, facilitator, session, title="Session 3 : priorités et indicateurs")
    session.refresh_from_db()
    assert mailoutbox == []
    assert session.title == "Session 3 : priorités et indicateurs"
    assert session.status == Session.Status.PLANNED
    assert session.sequence == 0


def test_moving_a_session_nobody_takes_part_in_emails_nobody(
    client, facilitator, session, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, facilitator, session, place="Lens")
    session.refresh_from_db()
    assert mailoutbox == []
    assert session.status == Session.Status.PLANNED
    assert session.sequence == 1  # calendars still update the event


def test_moving_an_individual_meeting_emails_only_that_structure_s_pair(
    client, facilitator, parcours, django_capture_on_commit_callbacks, mailoutbox
):
    bulle = enrol(parcours, "bulle")
    enrol(parcours, "coron")
    meeting = SessionFactory(
        parcours=parcours, kind=Session.Kind.INDIVIDUAL, structure=bulle.structure
    )
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, facilitator, meeting, online_url="https://visio.example.org/bulle")
    assert sorted(to for message in mailoutbox for to in message.to) == [
        "copilote@bulle.fr",
        "pilote@bulle.fr",
    ]
    assert "https://visio.example.org/bulle" in mailoutbox[0].body


def test_a_facilitator_of_another_network_cannot_move_a_session(client, session):
    other = RoleFactory(facilitator=True)
    response = edit(client, other, session, place="Ailleurs")
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.place == "Maison des associations, Arras"


# --- Cancelling -------------------------------------------------------------------------------


def test_cancelling_a_session_emails_its_participants_with_the_message(
    client, facilitator, parcours, session, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(parcours, "bulle")
    client.force_login(facilitator.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("parcours:session_cancel", args=[session.pk]),
            {"message": "L'intervenante est malade : nous reportons en janvier."},
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.sequence == 1
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject == "Progress : session annulée — Session 3 : choix des priorités"
    assert (
        "La session « Session 3 : choix des priorités » (Impliquer les usagers) est annulée."
        in (message.body)
    )
    assert "L'intervenante est malade : nous reportons en janvier." in message.body


def test_the_cancel_page_asks_for_confirmation(client, facilitator, parcours, session):
    enrol(parcours, "bulle")
    client.force_login(facilitator.person)
    response = client.get(reverse("parcours:session_cancel", args=[session.pk]))
    content = response.content.decode()
    assert "Annuler Session 3 : choix des priorités" in content
    assert "Ses 2 participant·es sont prévenu·es tout de suite par e-mail." in content
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_a_facilitator_of_another_network_cannot_cancel_a_session(client, session):
    other = RoleFactory(facilitator=True)
    client.force_login(other.person)
    response = client.post(reverse("parcours:session_cancel", args=[session.pk]), {})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
