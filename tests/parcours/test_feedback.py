"""Feedback right after a session: one per person, from the session's start until 30 days
after its end, summarised without names for the facilitators only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from members.models import Role
from parcours import participation
from parcours.models import Feedback, Session
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 1, 10, 10, tzinfo=PARIS)
ALREADY_GIVEN = "Vous avez déjà donné votre avis sur cette session."


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
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=role.structure)
    EnrolmentFactory(
        parcours=parcours, structure=role.structure, pilot=role.person, copilot=copilot.person
    )
    return role.person


@pytest.fixture
def copilot(pilot):
    return pilot.enrolments_as_pilot.get().copilot


def held(parcours, days_ago=5, **fields):
    starts_at = NOW - datetime.timedelta(days=days_ago, hours=1)
    return SessionFactory(
        parcours=parcours,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        **fields,
    )


@pytest.fixture
def session(parcours):
    return held(parcours, title="Écouter les usagers")


def url(session):
    return reverse("parcours:feedback", args=[session.pk])


ANSWER = {
    "rating": "4",
    "useful": "Les exemples des autres structures.",
    "to_improve": "Plus de temps pour échanger.",
    "next_step": "Présenter la démarche au CA.",
}


def test_the_form_offers_ratings_from_not_useful_to_very_useful(client, session, pilot):
    client.force_login(pilot)
    content = client.get(url(session)).content.decode()
    assert "<legend" in content
    assert "1 – pas utile" in content and "5 – très utile" in content
    assert "Qu&#x27;est-ce qui vous a été utile ?" in content
    assert "Que faudrait-il améliorer ?" in content
    assert "Qu&#x27;allez-vous faire d&#x27;ici la prochaine session ?" in content


def test_a_participant_gives_feedback_and_is_thanked(client, session, pilot):
    client.force_login(pilot)
    response = client.post(url(session), ANSWER, follow=True)
    feedback = Feedback.objects.get()
    assert (feedback.session, feedback.person, feedback.rating) == (session, pilot, 4)
    assert feedback.next_step == "Présenter la démarche au CA."
    content = response.content.decode()
    assert "Merci pour votre avis !" in content
    assert "Avis donné, merci !" in content


def test_a_rating_is_required_and_the_text_is_kept(client, session, pilot):
    client.force_login(pilot)
    response = client.post(url(session), {**ANSWER, "rating": ""})
    content = response.content.decode()
    assert "Choisissez une note de 1 à 5." in content
    assert "Plus de temps pour échanger." in content
    assert not Feedback.objects.exists()


def test_a_rating_out_of_range_is_refused(client, session, pilot):
    client.force_login(pilot)
    response = client.post(url(session), {**ANSWER, "rating": "9"})
    assert "Choisissez une note de 1 à 5." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_is_given_once(client, session, pilot):
    client.force_login(pilot)
    client.post(url(session), ANSWER)
    response = client.post(url(session), {**ANSWER, "rating": "1"})
    assert response.status_code == 200
    assert ALREADY_GIVEN in response.content.decode()
    assert Feedback.objects.get().rating == 4


def test_a_race_between_two_tabs_ends_in_the_same_message(client, session, pilot, monkeypatch):
    """Both tabs got past the check; the unique constraint decides for the second one."""
    Feedback.objects.create(session=session, person=pilot, rating=2)
    monkeypatch.setattr(participation, "feedback_state", lambda *args: "open")
    client.force_login(pilot)
    response = client.post(url(session), ANSWER)
    assert ALREADY_GIVEN in response.content.decode()
    assert Feedback.objects.get().rating == 2


def test_the_service_turns_the_constraint_into_a_refusal(session, pilot, monkeypatch):
    Feedback.objects.create(session=session, person=pilot, rating=2)
    monkeypatch.setattr(participation, "feedback_state", lambda *args: "open")
    with pytest.raises(participation.FeedbackRefused) as refused:
        participation.give_feedback(session, pilot, rating=5)
    assert refused.value.state == "given"
    assert not isinstance(refused.value, IntegrityError)


def test_there_is_no_form_before_the_session_starts(client, parcours, pilot):
    coming = held(parcours, days_ago=-3)
    client.force_login(pilot)
    response = client.get(url(coming))
    content = response.content.decode()
    assert "pas encore commencé" in content
    assert 'name="rating"' not in content
    client.post(url(coming), ANSWER)
    assert not Feedback.objects.exists()


def test_the_form_opens_when_the_session_starts(client, parcours, pilot):
    started = held(parcours, days_ago=0)  # started an hour ago, ends in two hours
    client.force_login(pilot)
    client.post(url(started), ANSWER)
    assert Feedback.objects.filter(session=started).exists()


def test_a_cancelled_session_takes_no_feedback(client, parcours, pilot):
    cancelled = held(parcours, status=Session.Status.CANCELLED)
    client.force_login(pilot)
    response = client.post(url(cancelled), ANSWER)
    assert "Cette session a été annulée" in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_closes_30_days_after_the_session(client, parcours, pilot):
    old = held(parcours, days_ago=31)
    client.force_login(pilot)
    response = client.post(url(old), ANSWER)
    assert "Les avis sur cette session sont clos" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("who", ["facilitator", "contributor", "other_pilot"])
def test_only_the_pilot_pair_gives_feedback(client, session, pilot, facilitator, who):
    people = {
        "facilitator": facilitator,
        "contributor": RoleFactory(
            kind=Role.Kind.CONTRIBUTOR, structure=pilot.roles.get().structure
        ).person,
        "other_pilot": RoleFactory(kind=Role.Kind.PILOT).person,
    }
    client.force_login(people[who])
    assert client.get(url(session)).status_code == 404
    assert client.post(url(session), ANSWER).status_code == 404


def test_another_structures_individual_meeting_takes_no_feedback_from_me(client, parcours, pilot):
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    meeting = held(parcours, kind=Session.Kind.INDIVIDUAL, structure=other.structure)
    client.force_login(pilot)
    assert client.get(url(meeting)).status_code == 404


# --- The summary -----------------------------------------------------------------------------


def summary_url(session, **params):
    query = "?all=1" if params.get("all") else ""
    return reverse("parcours:feedback_summary", args=[session.pk]) + query


@pytest.fixture
def answered(session, pilot, copilot):
    Feedback.objects.create(
        session=session, person=pilot, rating=5, useful="Le tour de table", to_improve=""
    )
    Feedback.objects.create(
        session=session, person=copilot, rating=2, useful="", to_improve="Trop dense"
    )
    return session


def test_the_summary_shows_answers_out_of_expected_and_the_average(client, answered, facilitator):
    client.force_login(facilitator)
    response = client.get(summary_url(answered))
    summary = response.context["summary"]
    assert (summary.answers, summary.expected, summary.average) == (2, 2, 3.5)
    assert [count for _rating, count, _share in summary.distribution] == [0, 1, 0, 0, 1]
    content = response.content.decode()
    assert "2 sur 2 personnes attendues" in content
    assert "3,5 / 5" in content
    assert "Le tour de table" in content and "Trop dense" in content


def test_the_summary_never_names_who_said_what(client, answered, facilitator, pilot, copilot):
    client.force_login(facilitator)
    content = client.get(summary_url(answered)).content.decode()
    assert pilot.full_name not in content
    assert copilot.full_name not in content


def test_the_summary_compares_every_session_held(client, answered, parcours, facilitator):
    held(parcours, days_ago=40, title="Lancement")
    client.force_login(facilitator)
    content = client.get(summary_url(answered, all=True)).content.decode()
    assert "Lancement" in content and "Écouter les usagers" in content
    assert "3,5 / 5" in content


@pytest.mark.parametrize("who", ["pilot", "copilot"])
def test_participants_never_see_the_summary(client, answered, pilot, copilot, who):
    client.force_login({"pilot": pilot, "copilot": copilot}[who])
    assert client.get(summary_url(answered)).status_code == 404


def test_a_participant_does_not_see_the_others_answers_on_their_pages(client, answered, copilot):
    client.force_login(copilot)
    for page in (url(answered), answered.get_absolute_url()):
        assert "Le tour de table" not in client.get(page).content.decode()


@pytest.mark.parametrize("structures", [2, 12])
def test_the_summary_query_count(
    client, parcours, session, facilitator, django_assert_num_queries, structures
):
    for _ in range(structures):
        role = RoleFactory(kind=Role.Kind.PILOT)
        EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
        Feedback.objects.create(session=session, person=role.person, rating=3, useful="Bien")
        held(parcours, days_ago=10 + _)
    client.force_login(facilitator)
    # savepoint and release, session, user, the session, the permission to manage, the
    # answers, the enrolments, the sessions held and their enrolments, the roles of the
    # navigation, the tabs' permission
    with django_assert_num_queries(12):
        client.get(summary_url(session, all=True))
