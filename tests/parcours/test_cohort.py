"""A network's parcours and communautés: the list, creating one from the session plan
template, its page, and editing it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.models import Role
from parcours import plans
from parcours.models import Parcours, Session
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
    return RoleFactory(facilitator=True, network__name="Cress Hauts-de-France")


def create_data(facilitator, **overrides):
    return {
        "network": facilitator.network.pk,
        "kind": "parcours",
        "title": "Impliquer les usagers 2026-2027",
        "topic": "Implication des usagers",
        "description": "Un parcours pour faire avec, au lieu de faire pour.",
        "starts_on": "2026-11-01",
        "ends_on": "2027-07-03",
        "capacity": "8",
        "commitment": "7 sessions collectives et 2 rendez-vous individuels.",
        "sessions": "7",
        "first_on": "2026-11-17",
        "at": "09:30",
        "duration": "3",
        "every_weeks": "5",
        **overrides,
    }


def create(client, facilitator, **overrides):
    client.force_login(facilitator.person)
    return client.post(reverse("parcours:create"), create_data(facilitator, **overrides))


# --- Creating from the template ---------------------------------------------------------------


def test_it_creates_a_parcours_with_the_template_s_seven_collective_sessions(client, facilitator):
    response = create(client, facilitator)
    parcours = Parcours.objects.get()
    assert response.status_code == 302
    assert response.url == parcours.get_absolute_url()
    sessions = list(parcours.sessions.order_by("number"))
    assert [session.number for session in sessions] == [1, 2, 3, 4, 5, 6, 7]
    assert {session.kind for session in sessions} == {Session.Kind.COLLECTIVE}
    assert sessions[0].title == "Lancement et état des lieux du déjà-là"
    assert sessions[-1].title == "Bilan et suites"


def test_the_template_s_sessions_are_spread_every_five_weeks_at_the_same_time(client, facilitator):
    create(client, facilitator)
    starts = [session.starts_at.astimezone(PARIS) for session in Session.objects.order_by("number")]
    assert starts[0] == datetime.datetime(2026, 11, 17, 9, 30, tzinfo=PARIS)
    assert [b.date() - a.date() for a, b in zip(starts, starts[1:], strict=False)] == [
        datetime.timedelta(weeks=5)
    ] * 6
    # 9:30 in Paris in winter and in summer alike
    assert {start.time() for start in starts} == {datetime.time(9, 30)}
    assert Session.objects.get(number=1).ends_at.astimezone(PARIS).time() == datetime.time(12, 30)


def test_the_facilitator_adjusts_the_number_and_spacing_of_sessions(client, facilitator):
    create(client, facilitator, sessions="4", every_weeks="8", duration="2,5")
    sessions = list(Session.objects.order_by("number"))
    assert [session.title for session in sessions] == [
        "Lancement et état des lieux du déjà-là",
        "Partage d'expériences et de pratiques",
        "Choix des priorités et des indicateurs",
        "Bilan et suites",
    ]
    assert sessions[1].starts_at - sessions[0].starts_at == datetime.timedelta(weeks=8)
    assert sessions[0].ends_at - sessions[0].starts_at == datetime.timedelta(hours=2, minutes=30)


def test_its_creator_becomes_one_of_its_facilitators(client, facilitator):
    create(client, facilitator)
    parcours = Parcours.objects.get()
    assert list(parcours.facilitators.all()) == [facilitator.person]
    assert parcours.created_by == facilitator.person
    assert parcours.network == facilitator.network


def test_the_create_form_is_prefilled_from_the_template(client, facilitator):
    client.force_login(facilitator.person)
    content = client.get(reverse("parcours:create")).content.decode()
    assert "7 sessions collectives d&#x27;une demi-journée et 2 rendez-vous individuels" in content
    assert 'name="capacity" value="8"' in content
    assert 'name="sessions" value="7"' in content
    assert "Bilan et suites" in content


def test_a_communaute_needs_no_end_nor_capacity_nor_sessions(client, facilitator):
    response = create(
        client,
        facilitator,
        kind="community",
        title="Communauté bonnes pratiques",
        ends_on="",
        capacity="8",
    )
    assert response.status_code == 302
    community = Parcours.objects.get()
    assert community.is_community
    assert community.ends_on is None
    assert community.capacity is None
    assert not community.sessions.exists()


def test_a_communaute_ignores_an_empty_session_plan(client, facilitator):
    response = create(
        client, facilitator, kind="community", ends_on="", duration="", at="", every_weeks=""
    )
    assert response.status_code == 302
    assert Parcours.objects.get().is_community


def test_a_parcours_without_an_end_is_refused_in_french(client, facilitator):
    response = create(client, facilitator, ends_on="")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Un parcours a besoin d&#x27;une date de fin." in content
    assert "Impliquer les usagers 2026-2027" in content  # what was typed stays
    assert not Parcours.objects.exists()


def test_a_parcours_without_a_capacity_is_refused_in_french(client, facilitator):
    content = create(client, facilitator, capacity="").content.decode()
    assert "Un parcours a besoin d&#x27;une capacité d&#x27;au moins 1 structure." in content
    assert not Parcours.objects.exists()


def test_a_parcours_ending_before_it_starts_is_refused(client, facilitator):
    content = create(client, facilitator, ends_on="2026-10-01").content.decode()
    assert "Un parcours ne peut pas se terminer avant d&#x27;avoir commencé." in content
    assert not Parcours.objects.exists()


def test_sessions_beyond_the_end_of_the_parcours_are_refused(client, facilitator):
    content = create(client, facilitator, every_weeks="10").content.decode()
    assert "La dernière session aurait alors lieu le 11 janvier 2028" in content
    assert not Parcours.objects.exists()


def test_a_facilitator_creates_only_in_their_own_networks(client, facilitator):
    other = RoleFactory(facilitator=True)
    response = create(client, facilitator, network=str(other.network.pk))
    assert response.status_code == 200
    assert not Parcours.objects.exists()


def test_a_pilot_cannot_create_a_parcours(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    assert client.get(reverse("parcours:create")).status_code == 404


def test_dates_keep_their_wall_clock_time_across_daylight_saving():
    times = plans.collective_times(
        datetime.date(2027, 3, 2),
        datetime.time(14, 0),
        count=2,
        every_weeks=5,
        duration=datetime.timedelta(hours=3),
    )
    assert [start.astimezone(PARIS).hour for start, _end in times] == [14, 14]
    # Summer time began in between: one hour less has passed.
    utc = [start.astimezone(datetime.UTC) for start, _end in times]
    assert utc[1] - utc[0] == datetime.timedelta(weeks=5, hours=-1)


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_the_network_s_parcours_with_enrolled_and_next_session(client, facilitator):
    parcours = ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")
    SessionFactory(
        parcours=parcours,
        title="Partage",
        starts_at=datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS),
    )
    SessionFactory(
        parcours=parcours,
        title="Session 1 : passée",
        starts_at=datetime.datetime(2026, 9, 1, 9, 30, tzinfo=PARIS),
    )
    EnrolmentFactory.create_batch(3, parcours=parcours)
    EnrolmentFactory(parcours=parcours, withdrawn_at=NOW, withdrawal_reason="Trop de travail")
    ParcoursFactory(title="Parcours d'un autre réseau")
    client.force_login(facilitator.person)
    content = client.get(reverse("parcours:list")).content.decode()
    assert "Impliquer les usagers" in content
    assert "3 sur 8" in content
    assert "mardi 1 décembre 2026" in content and "Partage" in content
    assert "Parcours d&#x27;un autre réseau" not in content
    assert reverse("parcours:create") in content


def test_the_list_answers_a_pilot_with_the_parcours_their_structure_follows(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    parcours = ParcoursFactory(title="Impliquer les usagers")
    EnrolmentFactory(parcours=parcours, structure=pilot.structure, pilot=pilot.person)
    ParcoursFactory(title="Un parcours où elle n'est pas")
    client.force_login(pilot.person)
    response = client.get(reverse("parcours:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Impliquer les usagers" in content
    assert "Un parcours où elle n&#x27;est pas" not in content
    assert reverse("parcours:create") not in content
    assert reverse("parcours:mine") in content


def test_the_list_answers_someone_with_no_role(client):
    person = RoleFactory(kind=Role.Kind.CONTRIBUTOR).person
    client.force_login(person)
    response = client.get(reverse("parcours:list"))
    assert response.status_code == 200
    assert "Votre structure ne participe pour l'instant à aucun parcours" in (
        response.content.decode()
    )


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_query_count(client, facilitator, django_assert_num_queries, count):
    for parcours in ParcoursFactory.create_batch(count, network=facilitator.network):
        SessionFactory(parcours=parcours)
        EnrolmentFactory.create_batch(2, parcours=parcours)
    client.force_login(facilitator.person)
    # the request's savepoint and its release, session, user, is a facilitator, the managed
    # parcours, the followed ones, the roles of the navigation
    with django_assert_num_queries(8):
        client.get(reverse("parcours:list"))


# --- The page of a parcours -------------------------------------------------------------------


@pytest.fixture
def running(facilitator):
    """A parcours of the facilitator's network from the template, with one structure enrolled."""
    parcours = ParcoursFactory(
        network=facilitator.network,
        title="Impliquer les usagers",
        description="Faire avec, au lieu de faire pour.",
        commitment="Sept demi-journées.",
    )
    parcours.facilitators.add(facilitator.person)
    for number in range(1, 4):
        SessionFactory(
            parcours=parcours,
            number=number,
            title=f"Session {number}",
            starts_at=datetime.datetime(2026, 11, 3 + 7 * number, 9, 30, tzinfo=PARIS),
        )
    return parcours


def enrol_structure(parcours, name="La Bulle des Champs"):
    pilot = RoleFactory(
        kind=Role.Kind.PILOT, structure__name=name, person__full_name=f"Pilote de {name}"
    )
    copilot = RoleFactory(
        kind=Role.Kind.COPILOT, structure=pilot.structure, person__full_name=f"Copilote de {name}"
    )
    MembershipFactory(network=parcours.network, structure=pilot.structure)
    return EnrolmentFactory(
        parcours=parcours,
        structure=pilot.structure,
        pilot=pilot.person,
        copilot=copilot.person,
        target="Associer les usagers au CA",
    )


def test_the_page_shows_the_sessions_in_order_with_their_date(client, facilitator, running):
    client.force_login(facilitator.person)
    content = client.get(running.get_absolute_url()).content.decode()
    assert "Faire avec, au lieu de faire pour." in content
    assert "Sept demi-journées." in content
    assert content.index("Session 1") < content.index("Session 2") < content.index("Session 3")
    assert "mardi 10 novembre 2026, 9\u00a0h\u00a030 – 12\u00a0h\u00a030" in content
    assert "Maison des associations, Arras" in content
    assert reverse("parcours:session", args=[running.sessions.first().pk]) in content


def test_the_page_marks_moved_cancelled_and_past_sessions(client, facilitator, running):
    first, second, third = running.sessions.order_by("number")
    first.starts_at = datetime.datetime(2026, 9, 1, 9, 30, tzinfo=PARIS)
    first.ends_at = first.starts_at + datetime.timedelta(hours=3)
    first.save()
    Session.objects.filter(pk=second.pk).update(status=Session.Status.MOVED)
    Session.objects.filter(pk=third.pk).update(status=Session.Status.CANCELLED)
    client.force_login(facilitator.person)
    content = client.get(running.get_absolute_url()).content.decode()
    assert "Passée" in content and "Déplacée" in content and "Annulée" in content


def test_the_page_lists_the_enrolments_and_the_withdrawn_apart(client, facilitator, running):
    enrol_structure(running, "La Bulle des Champs")
    gone = enrol_structure(running, "Le Coron des Arts")
    gone.withdrawn_at = NOW
    gone.withdrawal_reason = "Changement de direction"
    gone.save()
    client.force_login(facilitator.person)
    content = client.get(running.get_absolute_url()).content.decode()
    assert "Pilote de La Bulle des Champs" in content
    assert "Copilote de La Bulle des Champs" in content
    assert "Associer les usagers au CA" in content
    assert "1 sur 8" in content
    assert "Structures qui se sont retirées" in content
    assert "retirée le 5 octobre 2026 : Changement de direction" in content


def test_the_page_groups_individual_meetings_per_structure(client, facilitator, running):
    enrolment = enrol_structure(running)
    SessionFactory(
        parcours=running,
        kind=Session.Kind.INDIVIDUAL,
        structure=enrolment.structure,
        title="Rendez-vous individuel 1",
    )
    client.force_login(facilitator.person)
    content = client.get(running.get_absolute_url()).content.decode()
    assert "Rendez-vous individuels" in content
    assert content.index("Rendez-vous individuels") < content.index("Rendez-vous individuel 1")


def test_facilitators_see_the_management_links(client, facilitator, running):
    client.force_login(facilitator.person)
    content = client.get(running.get_absolute_url()).content.decode()
    for name in ("edit", "enrol", "session_create", "matrix"):
        assert reverse(f"parcours:{name}", args=[running.pk]) in content


def test_the_pilot_pair_sees_the_page_without_management_links(client, running):
    enrolment = enrol_structure(running)
    client.force_login(enrolment.pilot)
    response = client.get(running.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Session 1" in content
    for name in ("edit", "enrol", "session_create", "matrix"):
        assert reverse(f"parcours:{name}", args=[running.pk]) not in content
    assert reverse("parcours:session_edit", args=[running.sessions.first().pk]) not in content
    # …but they may withdraw their own structure
    assert reverse("parcours:withdraw", args=[enrolment.pk]) in content


def test_a_facilitator_of_another_network_gets_404(client, running):
    other = RoleFactory(facilitator=True)
    client.force_login(other.person)
    for name in ("detail", "edit", "enrol", "session_create"):
        assert client.get(reverse(f"parcours:{name}", args=[running.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_the_page_query_count(client, facilitator, running, django_assert_num_queries, count):
    for index in range(count):
        enrolment = enrol_structure(running, f"Structure {index}")
        SessionFactory(
            parcours=running, kind=Session.Kind.INDIVIDUAL, structure=enrolment.structure
        )
        SessionFactory(parcours=running)
    client.force_login(facilitator.person)
    # the request's savepoint and its release, session, user, the parcours, may manage, the
    # person's structures and those they lead, sessions, their places, enrolments, themes,
    # facilitators, the roles of the navigation, may manage (the tabs)
    with django_assert_num_queries(15):
        client.get(running.get_absolute_url())


# --- Editing ----------------------------------------------------------------------------------


def test_a_facilitator_edits_the_parcours_and_its_status(client, facilitator, running):
    client.force_login(facilitator.person)
    response = client.post(
        reverse("parcours:edit", args=[running.pk]),
        {
            "title": "Impliquer les usagers (Pas-de-Calais)",
            "topic": "Implication des usagers",
            "description": "",
            "starts_on": "2026-11-01",
            "ends_on": "2027-07-03",
            "capacity": "10",
            "commitment": "",
            "status": "open",
        },
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.title == "Impliquer les usagers (Pas-de-Calais)"
    assert running.capacity == 10
    assert running.status == Parcours.Status.OPEN


def test_the_edit_form_offers_the_four_statuses_in_french(client, facilitator, running):
    client.force_login(facilitator.person)
    content = client.get(reverse("parcours:edit", args=[running.pk])).content.decode()
    for label in ("Brouillon", "Inscriptions ouvertes", "En cours", "Terminé"):
        assert label in content


def test_the_capacity_cannot_drop_below_the_structures_enrolled(client, facilitator, running):
    for index in range(3):
        enrol_structure(running, f"Structure {index}")
    client.force_login(facilitator.person)
    response = client.post(
        reverse("parcours:edit", args=[running.pk]),
        {
            "title": running.title,
            "starts_on": "2026-11-01",
            "ends_on": "2027-07-03",
            "capacity": "2",
            "status": "running",
        },
    )
    assert "3 structures sont déjà inscrites : la capacité ne peut pas être inférieure." in (
        response.content.decode()
    )
    running.refresh_from_db()
    assert running.capacity == 8
