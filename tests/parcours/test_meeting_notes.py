"""After a communauté's meeting, its facilitator writes a note for the network's board —
where the group stands, the actions it proposes — kept with the meeting and printable, with
the attendance place by place."""

import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours import attendance
from parcours.models import Enrolment, MeetingNote, SessionPlace
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 1, 10, 18, tzinfo=PARIS)
NOTE = {
    "progress": "Le guide des bonnes pratiques est connu de tous les participants.",
    "proposals": "Organiser un temps fort pendant le Mois de l'ESS.",
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True).person


@pytest.fixture
def community(facilitator):
    return ParcoursFactory(
        network=facilitator.roles.get().network, community=True, title="Bonnes pratiques"
    )


@pytest.fixture
def meeting(community):
    starts_at = NOW - datetime.timedelta(hours=6)
    return SessionFactory(
        parcours=community,
        title="Faire connaître le guide",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )


def enrol(parcours, name):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=name)
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    enrolment = EnrolmentFactory(
        parcours=parcours, structure=pilot.structure, pilot=pilot.person, copilot=copilot.person
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=NOW - datetime.timedelta(days=100))
    return enrolment


def url(session):
    return reverse("parcours:meeting_note", args=[session.pk])


def test_the_facilitator_writes_the_note_for_the_board(client, facilitator, meeting):
    client.force_login(facilitator)
    page = unescape(client.get(url(meeting)).content.decode())
    assert "Où en est le groupe" in page
    assert "Actions proposées au conseil d'administration" in page
    response = client.post(url(meeting), NOTE, follow=True)
    assert "Note pour le conseil d'administration enregistrée." in unescape(
        response.content.decode()
    )
    note = MeetingNote.objects.get()
    assert (note.session, note.progress, note.proposals, note.written_by) == (
        meeting,
        NOTE["progress"],
        NOTE["proposals"],
        facilitator,
    )


def test_the_note_is_updated_in_place(client, facilitator, meeting):
    client.force_login(facilitator)
    client.post(url(meeting), NOTE)
    client.post(url(meeting), {**NOTE, "proposals": ""})
    assert MeetingNote.objects.get().proposals == ""


def test_a_note_needs_where_the_group_stands(client, facilitator, meeting):
    client.force_login(facilitator)
    response = client.post(url(meeting), {"progress": "", "proposals": "Un temps fort."})
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page
    assert "Un temps fort." in page  # what was typed stays on screen
    assert not MeetingNote.objects.exists()


def test_the_page_prints_the_note_with_the_attendance_place_by_place(client, facilitator, meeting):
    lille = SessionPlace.objects.create(session=meeting, name="Lille")
    amiens = SessionPlace.objects.create(session=meeting, name="Amiens")
    north = enrol(meeting.parcours, "Tiers-lieu du Nord")
    south = enrol(meeting.parcours, "Coopérative de la Somme")
    attendance.record(meeting, north.pilot, "present", by=facilitator, place=lille)
    attendance.record(meeting, north.copilot, "excused", by=facilitator)
    attendance.record(meeting, south.pilot, "present", by=facilitator, place=amiens)
    attendance.record(meeting, south.copilot, "present", by=facilitator, place=amiens)
    attendance.save_note(meeting, **NOTE, by=facilitator)
    client.force_login(facilitator)
    page = unescape(client.get(url(meeting)).content.decode())
    assert NOTE["progress"] in page and NOTE["proposals"] in page
    assert "3 présents sur 4" in page
    assert f"<strong>Lille</strong> (1) : {north.pilot} (Tiers-lieu du Nord)" in page
    assert f"<strong>Amiens</strong> (2) : {south.pilot} (Coopérative de la Somme)" in page
    assert f"Excusé·es : {north.copilot} (Tiers-lieu du Nord)" in page
    assert f"Écrite par {facilitator.full_name}" in page
    # The print stylesheet hides the navigation and the form (static/css/progress.css).
    assert 'class="meeting-note-form d-print-none' in page
    assert 'class="meeting-note-page"' in page


def test_notes_of_a_communaute_come_latest_meeting_first(facilitator, community, meeting):
    earlier = SessionFactory(
        parcours=community,
        starts_at=meeting.starts_at - datetime.timedelta(days=60),
        ends_at=meeting.starts_at - datetime.timedelta(days=60, hours=-2),
    )
    attendance.save_note(earlier, progress="Premier temps.", proposals="", by=facilitator)
    attendance.save_note(meeting, **NOTE, by=facilitator)
    assert [note.session for note in attendance.notes_of(community)] == [meeting, earlier]
    other = ParcoursFactory(network=community.network, community=True)
    assert list(attendance.notes_of(other)) == []


def test_only_the_network_facilitators_write_the_note(client, meeting):
    participant = enrol(meeting.parcours, "Une structure").pilot
    for person in (participant, RoleFactory(facilitator=True).person):
        client.force_login(person)
        assert client.get(url(meeting)).status_code == 404
        assert client.post(url(meeting), NOTE).status_code == 404
    assert not MeetingNote.objects.exists()
