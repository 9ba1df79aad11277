"""The attendance matrix: structures × collective sessions, for the facilitators, making
erosion visible at a glance (the rate of people present per session, the structures that
missed the last two sessions)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Role
from parcours import attendance
from parcours.models import Attendance, Enrolment, Session
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 2, 10, 10, tzinfo=PARIS)
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


def enrol(parcours, name, **changes):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=name)
    copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    enrolment = EnrolmentFactory(
        parcours=parcours, structure=pilot.structure, pilot=pilot.person, copilot=copilot.person
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=ENROLLED_AT, **changes)
    enrolment.refresh_from_db()
    return enrolment


def sessions(parcours, count, first=datetime.datetime(2026, 11, 3, 9, 30, tzinfo=PARIS)):
    return [
        SessionFactory(
            parcours=parcours,
            number=n + 1,
            title=f"Session {n + 1}",
            starts_at=first + datetime.timedelta(weeks=4 * n),
            ends_at=first + datetime.timedelta(weeks=4 * n, hours=3),
        )
        for n in range(count)
    ]


def mark(session, people, status):
    for person in people:
        Attendance.objects.create(session=session, person=person, status=status)


@pytest.fixture
def cohort(parcours):
    """Five sessions: three held, the fourth cancelled, the fifth to come (23 February).
    Alpha comes; Bêta came once then stopped; Gamma withdrew after the first session."""
    s1, s2, s3, s4, s5 = sessions(parcours, 5)
    s4.status = Session.Status.CANCELLED
    s4.save()
    alpha = enrol(parcours, "Alpha")
    beta = enrol(parcours, "Bêta")
    gamma = enrol(
        parcours, "Gamma", withdrawn_at=s2.starts_at, withdrawal_reason="Plus de salarié·e."
    )
    mark(s1, alpha.people + beta.people, "present")
    mark(s1, gamma.people, "absent")
    mark(s2, [alpha.pilot], "present")
    mark(s2, [alpha.copilot], "absent")
    mark(s2, beta.people, "excused")
    mark(s3, alpha.people, "present")  # Bêta: nothing recorded at the third session
    return alpha, beta, gamma


def test_each_cell_shows_the_pair_attendance(parcours, cohort):
    matrix = attendance.matrix(parcours)
    cells = {row.enrolment.structure.name: [c.label for c in row.cells] for row in matrix.rows}
    assert cells == {
        "Alpha": [
            "2/2 présents",
            "1/2 présent",
            "2/2 présents",
            "session annulée",
            "pas encore eu lieu",
        ],
        "Bêta": ["2/2 présents", "excusé", "absent", "session annulée", "pas encore eu lieu"],
        "Gamma": [
            "absent",
            "non inscrite à cette date",
            "non inscrite à cette date",
            "session annulée",
            "non inscrite à cette date",
        ],
    }


def test_the_rate_of_people_present_shows_erosion_session_by_session(parcours, cohort):
    rates = [column.rate for column in attendance.matrix(parcours).columns]
    assert rates == [67, 25, 50, None, None]  # 4/6, 1/4, 2/4, cancelled, to come


def test_a_structure_that_missed_the_last_two_sessions_is_dropping_out(parcours, cohort):
    alpha, beta, gamma = cohort
    matrix = attendance.matrix(parcours)
    assert [row.enrolment for row in matrix.dropping_out] == [beta]
    totals = {row.enrolment.structure.name: (row.attended, len(row.held)) for row in matrix.rows}
    assert totals == {"Alpha": (3, 3), "Bêta": (1, 3), "Gamma": (0, 1)}


def test_the_page_shows_the_matrix_with_its_legend(client, facilitator, parcours, cohort):
    client.force_login(facilitator)
    page = client.get(reverse("parcours:matrix", args=[parcours.pk])).content.decode()
    assert "Matrice des présences" in page
    assert "1 structure décroche : elle a manqué les deux dernières sessions." in page
    assert '<span class="badge matrix-badge-dropping">décroche</span>' in page
    assert "retirée le 1 déc. 2026" in page
    assert '<span aria-hidden="true">✔ 2/2</span><span class="visually-hidden">2/2 présents' in (
        page
    )
    assert 'class="text-center matrix-cell matrix-absent"' in page
    assert "<strong>67 %</strong>" in page
    assert "annulée" in page
    assert "Légende" in page
    assert '<th scope="row">' in page and '<th scope="col"' in page


def test_individual_meetings_are_not_columns(parcours, cohort):
    alpha = cohort[0]
    SessionFactory(
        parcours=parcours,
        kind=Session.Kind.INDIVIDUAL,
        structure=alpha.structure,
        starts_at=NOW - datetime.timedelta(days=1),
        ends_at=NOW - datetime.timedelta(days=1, hours=-1),
    )
    assert len(attendance.matrix(parcours).columns) == 5


def test_the_matrix_is_for_the_network_facilitators_only(client, parcours, cohort):
    alpha = cohort[0]
    client.force_login(alpha.pilot)
    assert client.get(reverse("parcours:matrix", args=[parcours.pk])).status_code == 404
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(reverse("parcours:matrix", args=[parcours.pk])).status_code == 404


def test_the_matrix_query_count_does_not_grow_with_the_cohort(client, facilitator):
    """The issue's quality bar: the same number of queries for 3 structures × 3 sessions as
    for 12 structures × 9 sessions."""
    network = facilitator.roles.get().network
    counts = []
    for structures, held in [(3, 3), (12, 9)]:
        parcours = ParcoursFactory(network=network)
        columns = sessions(parcours, held)
        for number in range(structures):
            enrolment = enrol(parcours, f"Structure {number}")
            for session in columns:
                mark(session, [enrolment.pilot], "present")
                mark(session, [enrolment.copilot], "excused")
        client.force_login(facilitator)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("parcours:matrix", args=[parcours.pk]))
        assert response.status_code == 200
        assert response.context["matrix"].columns[0].rate == 50
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries.captured_queries)
    # the request's savepoint and its release, session, user, the parcours and the permission
    # to manage it, sessions, enrolments, attendances, the roles of the navigation, the
    # permission for the tabs
    assert counts == [11, 11]
