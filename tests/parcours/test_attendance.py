"""Attendance: who is expected at a session, the facilitator's one tap per person, apologies
sent in advance, and the follow-up of the absentees."""

import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours import attendance
from parcours.models import Attendance, Enrolment, Resource, Session, SessionPlace
from tests.members.factories import RoleFactory, UserFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 1, 10, 10, tzinfo=PARIS)
ENROLLED_AT = datetime.datetime(2026, 10, 1, 10, tzinfo=PARIS)


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


def enrol(parcours, name="Le Coron des Arts", *, at=ENROLLED_AT, withdrawn_at=None):
    """A structure enrolled on `at` with its pilot pair (who hold the roles)."""
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=name)
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    enrolment = EnrolmentFactory(
        parcours=parcours, structure=pilot.structure, pilot=pilot.person, copilot=copilot.person
    )
    changes = {"created_at": at}
    if withdrawn_at:
        changes |= {"withdrawn_at": withdrawn_at, "withdrawal_reason": "Plus le temps."}
    Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    enrolment.refresh_from_db()
    return enrolment


def session_on(parcours, starts_at, **fields):
    return SessionFactory(
        parcours=parcours,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        **fields,
    )


@pytest.fixture
def enrolment(parcours):
    return enrol(parcours)


@pytest.fixture
def past(parcours):
    return session_on(
        parcours,
        NOW - datetime.timedelta(days=3),
        number=3,
        title="Écouter les usagers",
        agenda="Tour de table.\nLes niveaux d'implication des usagers.",
    )


@pytest.fixture
def coming(parcours):
    return session_on(parcours, NOW + datetime.timedelta(days=10), number=4, title="Le plan")


def names(rows):
    return [row.person.full_name for row in rows]


# --- Who is expected --------------------------------------------------------------------------


def test_the_pilot_pair_of_each_active_enrolment_is_expected(parcours, past):
    first = enrol(parcours, "Alpha")
    second = enrol(parcours, "Bêta")
    rows = attendance.expected(past)
    assert [(row.structure.name, row.person, row.is_pilot) for row in rows] == [
        ("Alpha", first.pilot, True),
        ("Alpha", first.copilot, False),
        ("Bêta", second.pilot, True),
        ("Bêta", second.copilot, False),
    ]


def test_a_pilot_without_copilot_is_expected_alone(parcours, past):
    enrolment = EnrolmentFactory(parcours=parcours)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=ENROLLED_AT)
    assert [row.person for row in attendance.expected(past)] == [enrolment.pilot]


def test_an_enrolment_made_after_the_session_is_not_expected_at_it(parcours, past, coming):
    late = enrol(parcours, at=NOW)
    assert attendance.expected(past) == []
    assert [row.person for row in attendance.expected(coming)] == late.people


def test_a_withdrawn_structure_is_expected_before_its_withdrawal_only(parcours, past, coming):
    enrol(parcours, withdrawn_at=NOW - datetime.timedelta(days=1))
    assert len(attendance.expected(past)) == 2
    assert attendance.expected(coming) == []


def test_an_individual_meeting_expects_that_structure_pair_only(parcours, enrolment):
    enrol(parcours, "Autre structure")
    meeting = session_on(
        parcours,
        NOW + datetime.timedelta(days=2),
        kind=Session.Kind.INDIVIDUAL,
        structure=enrolment.structure,
    )
    assert [row.person for row in attendance.expected(meeting)] == enrolment.people


def test_the_recorded_attendance_comes_with_each_row(parcours, enrolment, past):
    Attendance.objects.create(session=past, person=enrolment.copilot, status="excused")
    assert [row.status for row in attendance.expected(past)] == ["", "excused"]


@pytest.mark.parametrize("structures", [2, 12])
def test_expected_people_take_two_queries(parcours, past, django_assert_num_queries, structures):
    for number in range(structures):
        enrolment = enrol(parcours, f"Structure {number}")
        Attendance.objects.create(session=past, person=enrolment.pilot, status="present")
    past = Session.objects.select_related("parcours").get(pk=past.pk)
    with django_assert_num_queries(2):  # enrolments with their pairs, attendances
        assert len(attendance.expected(past)) == 2 * structures


# --- Recording --------------------------------------------------------------------------------


def test_record_updates_the_one_attendance_of_a_person(parcours, enrolment, past, facilitator):
    attendance.record(past, enrolment.pilot, "absent", by=facilitator)
    attendance.record(past, enrolment.pilot, "present", by=facilitator)
    saved = Attendance.objects.get()
    assert (saved.status, saved.structure, saved.recorded_by) == (
        "present",
        enrolment.structure,
        facilitator,
    )


def test_record_refuses_a_person_not_expected(parcours, enrolment, past, facilitator):
    with pytest.raises(attendance.NotExpected):
        attendance.record(past, UserFactory(), "present", by=facilitator)
    assert not Attendance.objects.exists()


def test_a_place_is_kept_for_those_present_only(parcours, enrolment, past, facilitator):
    lille = SessionPlace.objects.create(session=past, name="Lille")
    attendance.record(past, enrolment.pilot, "present", by=facilitator, place=lille)
    attendance.record(past, enrolment.pilot, "present", by=facilitator)
    assert Attendance.objects.get().place == lille
    attendance.record(past, enrolment.pilot, "absent", by=facilitator)
    assert Attendance.objects.get().place is None


# --- The facilitator's page -------------------------------------------------------------------


def take_url(session):
    return reverse("parcours:attendance", args=[session.pk])


def test_the_page_lists_the_expected_people_by_structure_with_three_buttons(
    client, facilitator, enrolment, past
):
    client.force_login(facilitator)
    response = client.get(take_url(past))
    page = response.content.decode()
    assert "Présences · session 3 : Écouter les usagers" in page
    assert "0 présent sur 2" in page
    assert enrolment.structure.name in page
    assert page.count(">Présent</button>") == 2
    assert page.count(">Excusé·e</button>") == 2
    assert page.count(">Absent</button>") == 2
    assert 'aria-pressed="true"' not in page


def test_apologies_sent_in_advance_show_as_excused_with_their_note(
    client, facilitator, enrolment, past
):
    Attendance.objects.create(
        session=past,
        person=enrolment.pilot,
        status="excused",
        note="Notre AG a lieu le même jour.",
        recorded_by=enrolment.pilot,
    )
    client.force_login(facilitator)
    page = client.get(take_url(past)).content.decode()
    assert "Excusé·e par avance : « Notre AG a lieu le même jour. »" in page
    pressed = f'id="attendance-{enrolment.pilot.pk}-excused" class="btn attendance-button'
    assert pressed in page
    assert page.count('aria-pressed="true"') == 1


def test_one_tap_saves_and_htmx_gets_the_row_back(client, facilitator, enrolment, past):
    client.force_login(facilitator)
    response = client.post(
        take_url(past), {"person": enrolment.pilot.pk, "status": "present"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<li class="list-group-item attendance-row"')
    assert f'id="attendance-{enrolment.pilot.pk}-present"' in page
    assert "1 présent sur 2" in page  # the count at the top, swapped out of band
    saved = Attendance.objects.get()
    assert (saved.person, saved.status, saved.recorded_by) == (
        enrolment.pilot,
        "present",
        facilitator,
    )


def test_without_javascript_a_tap_posts_and_comes_back_to_the_page(
    client, facilitator, enrolment, past
):
    client.force_login(facilitator)
    response = client.post(take_url(past), {"person": enrolment.copilot.pk, "status": "absent"})
    assert response.url == f"{take_url(past)}#attendance-{enrolment.copilot.pk}"
    assert Attendance.objects.get().status == "absent"
    page = client.get(take_url(past)).content.decode()
    assert page.count('aria-pressed="true"') == 1


def test_a_tap_for_a_person_not_expected_is_a_404(client, facilitator, enrolment, past):
    client.force_login(facilitator)
    response = client.post(take_url(past), {"person": UserFactory().pk, "status": "present"})
    assert response.status_code == 404
    assert client.post(take_url(past), {"person": "x", "status": "present"}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_bad_status_is_refused_in_french(client, facilitator, enrolment, past):
    client.force_login(facilitator)
    response = client.post(
        take_url(past), {"person": enrolment.pilot.pk, "status": "late"}, follow=True
    )
    assert "Choisissez présent, excusé·e ou absent." in response.content.decode()
    assert not Attendance.objects.exists()


def test_with_several_places_the_place_chosen_is_recorded(client, facilitator, parcours):
    community = ParcoursFactory(network=parcours.network, community=True)
    enrolment = enrol(community)
    meeting = session_on(community, NOW - datetime.timedelta(hours=1))
    lille = SessionPlace.objects.create(session=meeting, name="Lille")
    SessionPlace.objects.create(session=meeting, name="Amiens")
    client.force_login(facilitator)
    page = client.get(take_url(meeting), {"lieu": lille.pk}).content.decode()
    assert "Lieu :" in page and "Amiens" in page
    assert f'name="place" value="{lille.pk}"' in page
    response = client.post(
        take_url(meeting), {"person": enrolment.pilot.pk, "status": "present", "place": lille.pk}
    )
    assert response.url.startswith(f"{take_url(meeting)}?lieu={lille.pk}")
    assert Attendance.objects.get().place == lille


def test_with_a_single_place_those_present_are_recorded_there(client, facilitator, enrolment, past):
    only = SessionPlace.objects.create(session=past, name="Arras")
    client.force_login(facilitator)
    page = client.get(take_url(past)).content.decode()
    assert "Lieu :" not in page
    client.post(
        take_url(past), {"person": enrolment.pilot.pk, "status": "present", "place": only.pk}
    )
    assert Attendance.objects.get().place == only


# --- Apologies --------------------------------------------------------------------------------


def apologies_url(session):
    return reverse("parcours:apologies", args=[session.pk])


def test_a_participant_sends_apologies_before_the_session(client, enrolment, coming):
    client.force_login(enrolment.copilot)
    response = client.post(apologies_url(coming), {"note": "Conseil d'administration ce jour-là"})
    assert response.url == reverse("parcours:session", args=[coming.pk])
    saved = Attendance.objects.get()
    assert (saved.person, saved.status, saved.note, saved.recorded_by) == (
        enrolment.copilot,
        "excused",
        "Conseil d'administration ce jour-là",
        enrolment.copilot,
    )


def test_apologies_are_refused_once_the_session_started(client, enrolment, past):
    client.force_login(enrolment.pilot)
    response = client.post(apologies_url(past), {"note": "Désolé"}, follow=True)
    assert "La session a commencé" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_participant_withdraws_their_apologies(client, enrolment, coming):
    client.force_login(enrolment.pilot)
    client.post(apologies_url(coming), {"note": ""})
    response = client.post(apologies_url(coming), {"cancel": "1"}, follow=True)
    assert "Vos excuses sont retirées" in response.content.decode()
    assert not Attendance.objects.exists()


def test_withdrawing_leaves_an_excused_status_set_by_the_facilitators(
    client, enrolment, coming, facilitator
):
    attendance.record(coming, enrolment.pilot, "excused", by=facilitator)
    client.force_login(enrolment.pilot)
    client.post(apologies_url(coming), {"cancel": "1"})
    assert Attendance.objects.get().status == "excused"


def test_apologies_from_someone_not_taking_part_are_a_404(client, enrolment, coming):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=enrolment.structure).person
    client.force_login(contributor)
    assert client.post(apologies_url(coming)).status_code == 404


# --- Absentees --------------------------------------------------------------------------------


@pytest.fixture
def followed(parcours, enrolment, past, coming, facilitator):
    """A past session: the pilot came, the co-pilot was absent; another pair sent apologies;
    a third has no record at all."""
    excused = enrol(parcours, "Bêta")
    silent = enrol(parcours, "Gamma")
    attendance.record(past, enrolment.pilot, "present", by=facilitator)
    attendance.record(past, enrolment.copilot, "absent", by=facilitator)
    for person in excused.people:
        attendance.record(past, person, "excused", by=person)
    Resource.objects.create(parcours=parcours, session=past, title="Grille", url="https://ex.org/g")
    Resource.objects.create(parcours=parcours, title="Le guide", url="https://ex.org/guide")
    Resource.objects.create(
        parcours=parcours, session=coming, title="Pas encore", url="https://x.y"
    )
    return enrolment, silent


def test_absentees_are_those_absent_or_with_no_record_grouped_by_structure(
    client, facilitator, past, followed
):
    enrolment, silent = followed
    client.force_login(facilitator)
    response = client.get(reverse("parcours:absentees", args=[past.pk]))
    listed = [item["row"].person for item in response.context["absentees"]]
    assert listed == [*silent.people, enrolment.copilot]  # Gamma, then Le Coron des Arts
    page = response.content.decode()
    assert "noté·e absent·e" in page and "aucune présence notée" in page
    assert "Bêta" not in page


def test_the_follow_up_message_says_what_was_covered_and_what_comes_next(
    client, facilitator, past, coming, followed
):
    client.force_login(facilitator)
    response = client.get(reverse("parcours:absentees", args=[past.pk]))
    body = response.context["body"]
    missed = "Vous nous avez manqué à la session 3 « Écouter les usagers » du jeudi 7 janvier 2027."
    assert missed in body
    assert "Les niveaux d'implication des usagers." in body
    assert "- Grille : https://ex.org/g" in body
    assert "- Le guide : https://ex.org/guide" in body
    assert "Pas encore" not in body
    assert "Prochaine session : Le plan, mercredi 20 janvier 2027, 10 h – 13 h" in body
    assert facilitator.full_name in body


def test_each_absentee_gets_a_mailto_link_with_the_message(client, facilitator, past, followed):
    enrolment, _silent = followed
    client.force_login(facilitator)
    response = client.get(reverse("parcours:absentees", args=[past.pk]))
    link = response.context["absentees"][-1]["mailto"]
    assert link.startswith(f"mailto:{enrolment.copilot.email}?subject=")
    assert " " not in link and "\n" not in link
    assert "Les niveaux d'implication des usagers.\r\n" in unquote(link)
    assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()


def test_absentees_wait_for_the_end_of_the_session(client, facilitator, coming, enrolment):
    client.force_login(facilitator)
    response = client.get(reverse("parcours:absentees", args=[coming.pk]))
    assert "La liste des absent·es est prête une fois la session terminée." in (
        response.content.decode()
    )


# --- Another network ---------------------------------------------------------------------------


def test_another_network_facilitator_gets_404_everywhere(client, parcours, enrolment, past):
    other = RoleFactory(facilitator=True).person
    client.force_login(other)
    for name, pk in [
        ("parcours:attendance", past.pk),
        ("parcours:checkin_qr", past.pk),
        ("parcours:absentees", past.pk),
        ("parcours:meeting_note", past.pk),
        ("parcours:matrix", parcours.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    response = client.post(take_url(past), {"person": enrolment.pilot.pk, "status": "present"})
    assert response.status_code == 404
    assert client.post(apologies_url(past)).status_code == 404
    checkin = reverse("parcours:checkin", args=[past.checkin_token])
    assert client.get(checkin).status_code == 404
    assert not Attendance.objects.exists()


def test_the_structure_people_cannot_take_attendance(client, enrolment, past):
    client.force_login(enrolment.pilot)
    assert client.get(take_url(past)).status_code == 404
    response = client.post(take_url(past), {"person": enrolment.pilot.pk, "status": "present"})
    assert response.status_code == 404


def test_when_reads_as_in_french(past):
    assert attendance.when(past) == "jeudi 7 janvier 2027, 10 h – 13 h"
    past.starts_at = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=PARIS)
    past.ends_at = past.starts_at + datetime.timedelta(hours=3)
    assert attendance.when(past) == "jeudi 3 décembre 2026, 9 h 30 – 12 h 30"


@pytest.mark.parametrize("structures", [2, 12])
def test_the_page_query_count_does_not_grow_with_the_cohort(
    client, facilitator, parcours, past, django_assert_num_queries, structures
):
    for number in range(structures):
        enrolment = enrol(parcours, f"Structure {number}")
        attendance.record(past, enrolment.pilot, "present", by=facilitator)
    client.force_login(facilitator)
    # the request's savepoint and its release, session, user, the session and the permission
    # to manage it, enrolments with their pairs, attendances, places, the roles of the
    # navigation, the permission for the tabs
    with django_assert_num_queries(11):
        client.get(take_url(past))
