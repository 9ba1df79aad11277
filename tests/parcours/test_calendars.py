import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import Role
from parcours.models import CalendarFeed, Session
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True)


@pytest.fixture
def parcours(facilitator):
    return ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")


@pytest.fixture
def pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role


@pytest.fixture
def session(parcours):
    return SessionFactory(
        parcours=parcours,
        number=3,
        title="Écouter les usagers",
        starts_at=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 12, 1, 12, 30, tzinfo=PARIS),
        place="Maison des associations, Arras",
        agenda="Tour de table\nAtelier en binômes",
    )


def individual_meeting(parcours, structure, **fields):
    return SessionFactory(
        parcours=parcours,
        kind=Session.Kind.INDIVIDUAL,
        structure=structure,
        title=f"Rendez-vous individuel · {structure.name}",
        **fields,
    )


def download(client, person, session):
    client.force_login(person)
    return client.get(reverse("parcours:session_ics", args=[session.pk]))


def events_of(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def feed_of(client, person):
    feed = CalendarFeed.objects.create(person=person)
    client.logout()
    return client.get(reverse("parcours:feed", args=[feed.token]))


def uids(response) -> set:
    return {str(event["UID"]) for event in events_of(response)}


def uid(session) -> str:
    return f"session-{session.pk}@progress.local"


# --- The .ics of one session ---------------------------------------------------------------


def test_it_downloads_the_session_as_an_ics_attachment(client, pilot, session):
    response = download(client, pilot.person, session)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="session-3-impliquer-les-usagers.ics"'
    )


def test_the_session_ics_holds_one_event_at_paris_time(client, pilot, session):
    calendar = Calendar.from_ical(download(client, pilot.person, session).content)

    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid(session)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTEND"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].to_ical() == b"20261201T093000"  # 9:30 in Paris…
    assert event["DTEND"].to_ical() == b"20261201T123000"
    assert event.start.astimezone(datetime.UTC).hour == 8  # … is 8:30 UTC in winter
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert str(event["SUMMARY"]) == "Impliquer les usagers · Écouter les usagers"
    assert str(event["LOCATION"]) == "Maison des associations, Arras"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt.tzinfo is not None


def test_the_start_reads_back_as_the_session_start(client, pilot, session):
    [event] = events_of(download(client, pilot.person, session))

    start = event.decoded("dtstart")
    assert start.tzinfo is not None
    assert start == session.starts_at
    assert event.decoded("dtend") == session.ends_at


def test_a_summer_session_keeps_its_paris_time(client, pilot, parcours):
    june = SessionFactory(
        parcours=parcours, starts_at=datetime.datetime(2027, 6, 15, 14, 0, tzinfo=PARIS)
    )

    [event] = events_of(download(client, pilot.person, june))

    assert event["DTSTART"].to_ical() == b"20270615T140000"
    assert event.start.astimezone(datetime.UTC).hour == 12


def test_the_calendar_says_who_made_it(client, pilot, session):
    calendar = Calendar.from_ical(download(client, pilot.person, session).content)

    assert str(calendar["PRODID"]) == "-//Progress//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Impliquer les usagers"


def test_the_description_holds_the_agenda_and_the_link_to_the_session(client, pilot, session):
    [event] = events_of(download(client, pilot.person, session))

    page = f"http://testserver/sessions/{session.pk}/"
    assert str(event["URL"]) == page
    assert "Tour de table\nAtelier en binômes" in str(event["DESCRIPTION"])
    assert page in str(event["DESCRIPTION"])


def test_a_moved_session_has_the_same_uid_and_a_higher_sequence(client, pilot, session):
    [before] = events_of(download(client, pilot.person, session))
    session.starts_at += datetime.timedelta(days=7)
    session.ends_at += datetime.timedelta(days=7)
    session.status = Session.Status.MOVED
    session.sequence += 1
    session.save()

    [after] = events_of(download(client, pilot.person, session))

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTART"].to_ical() == b"20261208T093000"


def test_a_cancelled_session_is_cancelled_in_the_calendar(client, pilot, session):
    session.status = Session.Status.CANCELLED
    session.save()

    [event] = events_of(download(client, pilot.person, session))

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Annulée")


def test_the_uid_takes_the_site_domain_when_set(client, pilot, session, settings):
    settings.SITE_DOMAIN = "progress.example.org"

    [event] = events_of(download(client, pilot.person, session))

    assert str(event["UID"]) == f"session-{session.pk}@progress.example.org"


def test_a_meeting_in_several_places_names_them_all(client, pilot, session):
    session.places.create(name="Lille", address="12 rue Nationale")
    session.places.create(name="Amiens")

    [event] = events_of(download(client, pilot.person, session))

    assert str(event["LOCATION"]) == "Amiens · Lille (12 rue Nationale)"


def test_an_online_session_is_located_at_its_link(client, pilot, session):
    session.place = ""
    session.online_url = "https://visio.example.org/parcours"
    session.save()

    [event] = events_of(download(client, pilot.person, session))

    assert str(event["LOCATION"]) == "https://visio.example.org/parcours"


def test_the_structure_and_the_facilitator_download_an_individual_meeting(
    client, facilitator, parcours, pilot
):
    meeting = individual_meeting(parcours, pilot.structure)
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=pilot.structure).person

    assert download(client, contributor, meeting).status_code == 200
    assert download(client, facilitator.person, meeting).status_code == 200


def test_another_structure_cannot_download_an_individual_meeting(client, parcours, pilot):
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    meeting = individual_meeting(parcours, pilot.structure)

    assert download(client, other.person, meeting).status_code == 404


def test_a_person_outside_the_parcours_cannot_download_its_sessions(client, session):
    outsider = RoleFactory(kind=Role.Kind.PILOT).person

    assert download(client, outsider, session).status_code == 404


# --- The private feed's settings ------------------------------------------------------------


def test_the_settings_page_explains_the_feed_and_offers_a_link(client, pilot):
    client.force_login(pilot.person)

    response = client.get(reverse("parcours:feed_settings"))

    assert "Mes sessions dans mon agenda" in response.text
    assert "Créer mon lien" in response.text
    assert "webcal://" not in response.text


def test_it_creates_the_link_and_shows_it(client, pilot):
    client.force_login(pilot.person)

    response = client.post(reverse("parcours:feed_settings"), {"action": "create"})

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(person=pilot.person)
    page = client.get(reverse("parcours:feed_settings")).text
    assert f"webcal://testserver/calendrier/{feed.token}.ics" in page
    assert f"http://testserver/calendrier/{feed.token}.ics" in page
    assert "Révoquer et créer un nouveau lien" in page


def test_creating_the_link_twice_keeps_it(client, pilot):
    feed = CalendarFeed.objects.create(person=pilot.person)
    client.force_login(pilot.person)

    client.post(reverse("parcours:feed_settings"), {"action": "create"})

    assert CalendarFeed.objects.get(person=pilot.person).token == feed.token


def test_a_revoked_link_answers_404_and_the_new_one_works(client, pilot):
    old = CalendarFeed.objects.create(person=pilot.person).token
    client.force_login(pilot.person)

    response = client.post(reverse("parcours:feed_settings"), {"action": "renew"})

    assert response.status_code == 302
    new = CalendarFeed.objects.get(person=pilot.person).token
    assert new != old
    assert client.get(reverse("parcours:feed", args=[old])).status_code == 404
    assert client.get(reverse("parcours:feed", args=[new])).status_code == 200


def test_a_deleted_link_answers_404(client, pilot):
    token = CalendarFeed.objects.create(person=pilot.person).token
    client.force_login(pilot.person)

    response = client.post(reverse("parcours:feed_settings"), {"action": "delete"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(person=pilot.person).exists()
    assert client.get(reverse("parcours:feed", args=[token])).status_code == 404
    assert "Créer mon lien" in client.get(reverse("parcours:feed_settings")).text


def test_one_person_cannot_revoke_another_ones_link(client, pilot):
    feed = CalendarFeed.objects.create(person=pilot.person)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)

    client.post(reverse("parcours:feed_settings"), {"action": "renew"})

    assert CalendarFeed.objects.get(pk=feed.pk).token == feed.token


# --- The private feed -----------------------------------------------------------------------


def test_the_feed_works_without_login(client, pilot, session):
    response = feed_of(client, pilot.person)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Progress · mes sessions"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]


def test_a_wrong_token_answers_404(client, pilot):
    CalendarFeed.objects.create(person=pilot.person)

    assert client.get(reverse("parcours:feed", args=["not-the-token"])).status_code == 404


def test_the_feed_lists_the_sessions_of_the_parcours_the_person_takes_part_in(
    client, parcours, pilot, session
):
    cancelled = SessionFactory(parcours=parcours, status=Session.Status.CANCELLED)
    own_meeting = individual_meeting(parcours, pilot.structure)
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    individual_meeting(parcours, other.structure)
    SessionFactory()  # another parcours, of another network

    response = feed_of(client, pilot.person)

    assert uids(response) == {uid(session), uid(cancelled), uid(own_meeting)}
    statuses = {str(event["UID"]): str(event["STATUS"]) for event in events_of(response)}
    assert statuses[uid(cancelled)] == "CANCELLED"


def test_the_feed_of_a_facilitator_lists_every_session_of_their_network(
    client, facilitator, parcours, pilot, session
):
    meeting = individual_meeting(parcours, pilot.structure)
    community = SessionFactory(parcours__network=facilitator.network, parcours__community=True)
    SessionFactory()  # another network's

    response = feed_of(client, facilitator.person)

    assert uids(response) == {uid(session), uid(meeting), uid(community)}


def test_the_feed_leaves_out_a_withdrawn_structure(client, parcours, pilot, session):
    parcours.enrolments.update(withdrawn_at=timezone.now(), withdrawal_reason="Trop loin")

    assert uids(feed_of(client, pilot.person)) == set()


def test_the_feed_leaves_out_the_structure_people_outside_the_pilot_pair(client, pilot, session):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=pilot.structure).person

    assert uids(feed_of(client, contributor)) == set()


def test_the_feed_of_a_platform_admin_holds_only_their_own_sessions(client, session):
    admin = RoleFactory(kind=Role.Kind.PILOT, person__is_staff=True).person

    assert uids(feed_of(client, admin)) == set()


def test_an_empty_feed_is_a_valid_calendar(client, pilot):
    calendar = Calendar.from_ical(feed_of(client, pilot.person).content)

    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize("size", [1, 8])
def test_the_feed_runs_a_fixed_number_of_queries(
    client, facilitator, size, django_assert_num_queries
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    for _ in range(size):
        parcours = ParcoursFactory(network=facilitator.network)
        EnrolmentFactory(parcours=parcours, structure=pilot.structure, pilot=pilot.person)
        SessionFactory.create_batch(3, parcours=parcours)
        individual_meeting(parcours, pilot.structure).places.create(name="Lille")
    feed = CalendarFeed.objects.create(person=pilot.person)

    # Savepoint and release (atomic requests), the feed with its person, sessions, places.
    with django_assert_num_queries(5):
        response = client.get(reverse("parcours:feed", args=[feed.token]))

    assert len(events_of(response)) == 4 * size
