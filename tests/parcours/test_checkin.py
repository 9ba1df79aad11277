"""Check-in: the facilitator shows the session's QR code on the room's screen; participants
scan it and tap "Je suis là", from an hour before the session until its end."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours.models import Attendance, Enrolment, SessionPlace
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
STARTS_AT = datetime.datetime(2027, 1, 12, 9, 30, tzinfo=PARIS)
ENROLLED_AT = datetime.datetime(2026, 10, 1, 10, tzinfo=PARIS)
OPENS = "Le pointage ouvre une heure avant la session."


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True).person


@pytest.fixture
def session(facilitator):
    parcours = ParcoursFactory(network=facilitator.roles.get().network)
    return SessionFactory(
        parcours=parcours,
        number=2,
        title="Écouter les usagers",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + datetime.timedelta(hours=3),
    )


@pytest.fixture
def enrolment(session):
    pilot = RoleFactory(kind=Role.Kind.PILOT, person__full_name="Aïcha Benali")
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    enrolment = EnrolmentFactory(
        parcours=session.parcours,
        structure=pilot.structure,
        pilot=pilot.person,
        copilot=copilot.person,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=ENROLLED_AT)
    return enrolment


@pytest.fixture
def pilot(enrolment):
    return enrolment.pilot


def url(session):
    return reverse("parcours:checkin", args=[session.checkin_token])


def at(delta: datetime.timedelta):
    return time_machine.travel(STARTS_AT + delta, tick=False)


# --- The QR code on the screen ------------------------------------------------------------------


def test_the_qr_page_shows_the_code_and_the_address(client, facilitator, session, enrolment):
    with at(-datetime.timedelta(minutes=20)):
        client.force_login(facilitator)
        page = client.get(reverse("parcours:checkin_qr", args=[session.pk])).content.decode()
    assert '<svg viewBox="0 0' in page and 'class="checkin-qr-svg"' in page
    assert f"http://testserver{url(session)}" in page
    assert "0 présent sur 2" in page
    assert "Le pointage est ouvert jusqu'à la fin de la session." in page
    assert 'hx-trigger="every 5s"' in page


def test_the_qr_page_polls_the_live_count(client, facilitator, session, enrolment):
    Attendance.objects.create(session=session, person=enrolment.pilot, status="present")
    client.force_login(facilitator)
    response = client.get(reverse("parcours:checkin_qr", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert response.content.decode() == "1 présent sur 2"


def test_the_qr_page_says_when_check_in_opens(client, facilitator, session):
    with at(-datetime.timedelta(days=1)):
        client.force_login(facilitator)
        page = client.get(reverse("parcours:checkin_qr", args=[session.pk])).content.decode()
    assert "Le pointage ouvre une heure avant la session, à 8 h 30." in page


def test_a_participant_cannot_see_the_qr_page(client, session, pilot):
    client.force_login(pilot)
    assert client.get(reverse("parcours:checkin_qr", args=[session.pk])).status_code == 404


# --- Checking in --------------------------------------------------------------------------------


def test_within_the_hour_before_the_session_a_participant_checks_in(client, session, pilot):
    with at(-datetime.timedelta(minutes=50)):
        client.force_login(pilot)
        page = client.get(url(session)).content.decode()
        assert ">Je suis là</button>" in page
        response = client.post(url(session))
    assert response.url == url(session)
    saved = Attendance.objects.get()
    assert (saved.person, saved.status, saved.recorded_by) == (pilot, "present", pilot)
    assert saved.checked_in_at == STARTS_AT - datetime.timedelta(minutes=50)


def test_after_checking_in_a_thank_you_page_links_to_the_feedback(client, session, pilot):
    with at(datetime.timedelta(minutes=5)):
        client.force_login(pilot)
        client.post(url(session))
        page = client.get(url(session)).content.decode()
    assert "Merci, vous êtes pointé·e présent·e." in page
    assert reverse("parcours:feedback", args=[session.pk]) in page
    assert "Je suis là" not in page


@pytest.mark.parametrize(
    "delta", [-datetime.timedelta(hours=1, minutes=1), -datetime.timedelta(days=2)]
)
def test_before_the_window_the_page_says_when_it_opens_and_changes_nothing(
    client, session, pilot, delta
):
    with at(delta):
        client.force_login(pilot)
        assert OPENS in client.get(url(session)).content.decode()
        response = client.post(url(session))
    assert OPENS in response.content.decode()
    assert not Attendance.objects.exists()


def test_after_the_session_check_in_is_closed(client, session, pilot):
    with at(datetime.timedelta(hours=3, minutes=1)):
        client.force_login(pilot)
        response = client.post(url(session))
    assert "Le pointage est fermé : la session est terminée." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cancelled_session_takes_no_check_in(client, session, pilot):
    session.status = session.Status.CANCELLED
    session.save()
    with at(datetime.timedelta(minutes=5)):
        client.force_login(pilot)
        response = client.post(url(session))
    assert "Cette session est annulée." in response.content.decode()
    assert not Attendance.objects.exists()


def test_with_several_places_the_participant_says_where_they_are(client, session, pilot):
    SessionPlace.objects.create(session=session, name="Lille")
    amiens = SessionPlace.objects.create(session=session, name="Amiens")
    with at(datetime.timedelta(minutes=5)):
        client.force_login(pilot)
        page = client.get(url(session)).content.decode()
        assert "Je suis là, à Lille" in page and "Je suis là, à Amiens" in page
        client.post(url(session), {"place": amiens.pk})
    assert Attendance.objects.get().place == amiens


def test_with_a_single_place_the_check_in_is_recorded_there(client, session, pilot):
    only = SessionPlace.objects.create(session=session, name="Arras")
    with at(datetime.timedelta(minutes=5)):
        client.force_login(pilot)
        client.post(url(session))
    assert Attendance.objects.get().place == only


def test_a_bad_token_is_a_404(client, session, pilot):
    client.force_login(pilot)
    assert client.get(reverse("parcours:checkin", args=["nope"])).status_code == 404


def test_someone_not_expected_gets_a_404(client, session, enrolment):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=enrolment.structure).person
    with at(datetime.timedelta(minutes=5)):
        client.force_login(contributor)
        assert client.get(url(session)).status_code == 404
        assert client.post(url(session)).status_code == 404
    assert not Attendance.objects.exists()


def test_a_pilot_of_a_structure_enrolled_after_the_session_gets_a_404(client, session, enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=STARTS_AT + datetime.timedelta(days=1)
    )
    client.force_login(enrolment.copilot)
    assert client.get(url(session)).status_code == 404


def test_an_anonymous_visitor_logs_in_then_comes_back(client, session, pilot):
    response = client.get(url(session))
    assert response.url == f"{reverse('login')}?next={url(session)}"
