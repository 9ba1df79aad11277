"""The attendance matrices of many parcours at once (the network's activity report): the
same as each parcours' own matrix, in three queries whatever their number."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from members.models import Role
from parcours import attendance
from parcours.models import Attendance, Enrolment
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 2, 10, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def cohort(structures: int, sessions: int):
    """A parcours where the n-th structure stops coming after its n-th session."""
    parcours = ParcoursFactory()
    enrolments = []
    for _n in range(structures):
        pilot = RoleFactory(kind=Role.Kind.PILOT)
        copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
        enrolment = EnrolmentFactory(
            parcours=parcours, structure=pilot.structure, pilot=pilot.person, copilot=copilot.person
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=datetime.datetime(2026, 10, 1, tzinfo=PARIS)
        )
        enrolments.append(enrolment)
    first = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=PARIS)
    for index in range(sessions):
        held = SessionFactory(
            parcours=parcours,
            starts_at=first + datetime.timedelta(weeks=3 * index),
            ends_at=first + datetime.timedelta(weeks=3 * index, hours=3),
        )
        for number, enrolment in enumerate(enrolments):
            if index <= number:
                Attendance.objects.create(
                    session=held, person=enrolment.pilot, status=Attendance.Status.PRESENT
                )
    return parcours


def summary(matrix):
    return (
        [
            (column.session.pk, column.rate, column.present, column.expected)
            for column in matrix.columns
        ],
        [(row.enrolment.pk, [cell.kind for cell in row.cells]) for row in matrix.rows],
        [row.enrolment.pk for row in matrix.dropping_out],
    )


def test_it_gives_each_parcours_its_own_matrix():
    parcours = [cohort(3, 5), cohort(2, 2), ParcoursFactory()]
    matrices = attendance.matrices(parcours)
    for one in parcours:
        assert summary(matrices[one.pk]) == summary(attendance.matrix(one))
    assert summary(matrices[parcours[0].pk])[2]  # someone drops out: the case is covered


def test_it_costs_three_queries_whatever_the_number_of_parcours(django_assert_num_queries):
    few = [cohort(2, 2)]
    with django_assert_num_queries(3):
        attendance.matrices(few)
    many = few + [cohort(4, 6) for _n in range(3)]
    with django_assert_num_queries(3):
        attendance.matrices(many)
