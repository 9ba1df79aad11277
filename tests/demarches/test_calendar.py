import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from demarches.calendars import Entry, month_grid, parse_month
from members.models import Role
from tests.demarches.factories import (
    ActionFactory,
    CycleFactory,
    MilestoneFactory,
    PresentationFactory,
)
from tests.members.factories import RoleFactory

TODAY = datetime.date(2027, 3, 10)


# --- The grid, without the database ----------------------------------------------------------


def test_it_starts_each_week_on_monday():
    month = month_grid(datetime.date(2027, 3, 1), [], today=TODAY)
    assert month.day_names[0].weekday() == 0
    # March 2027 starts on a Monday and ends on a Wednesday: five weeks.
    assert [week[0].date for week in month.weeks][:2] == [
        datetime.date(2027, 3, 1),
        datetime.date(2027, 3, 8),
    ]
    assert len(month.weeks) == 5
    assert month.weeks[-1][-1].date == datetime.date(2027, 4, 4)
    assert not month.weeks[-1][-1].is_in_month


def test_it_puts_each_entry_on_its_day_and_marks_today():
    entry = Entry(datetime.date(2027, 3, 17), "action_due", "Former les élus")
    month = month_grid(datetime.date(2027, 3, 1), [entry], today=TODAY)
    days = {day.date: day for week in month.weeks for day in week}
    assert days[datetime.date(2027, 3, 17)].entries == [entry]
    assert days[TODAY].is_today
    assert [day.date for day in month.busy_days] == [datetime.date(2027, 3, 17)]


def test_it_leaves_out_entries_of_the_neighbouring_months():
    outside = Entry(datetime.date(2027, 4, 2), "milestone", "AG")
    month = month_grid(datetime.date(2027, 3, 1), [outside], today=TODAY)
    assert all(day.entries == [] for week in month.weeks for day in week)


def test_it_knows_the_previous_and_next_months_across_years():
    month = month_grid(datetime.date(2027, 1, 1), [], today=TODAY)
    assert month.previous == datetime.date(2026, 12, 1)
    assert month_grid(datetime.date(2026, 12, 1), [], today=TODAY).next == datetime.date(2027, 1, 1)


@pytest.mark.parametrize(
    "value",
    [None, "", "2027", "2027-13", "2027-00", "mars", "0001-01", "9999-12", "2027-03-01", "٢٠٢٧-03"],
)
def test_a_bad_month_means_the_current_month(value):
    assert parse_month(value, today=TODAY) == datetime.date(2027, 3, 1)


def test_it_reads_a_month_of_the_address():
    assert parse_month("2026-11", today=TODAY) == datetime.date(2026, 11, 1)


# --- The page --------------------------------------------------------------------------------


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def pilot(cycle):
    return RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person


def day_cell(html: str, day: int) -> str:
    """The HTML of the grid's cell for `day` of the shown month, its tag included."""
    cells = re.findall(r"<td[ >].*?</td>", html, flags=re.S)
    for cell in cells:
        if re.search(rf"calendar-day-number\">{day}\b", cell):
            return cell
    raise AssertionError(f"no cell for day {day}")


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
def test_it_shows_actions_milestones_and_presentations_in_their_day(client, cycle, pilot):
    action = ActionFactory(
        cycle=cycle,
        title="Former les élus",
        starts_on=datetime.date(2027, 3, 2),
        due_on=datetime.date(2027, 3, 17),
    )
    MilestoneFactory(cycle=cycle, title="Bureau de printemps", due_on=datetime.date(2027, 3, 22))
    PresentationFactory(cycle=cycle, held_on=datetime.date(2027, 3, 5))
    ActionFactory(cycle=cycle, title="Action du printemps", due_on=datetime.date(2027, 4, 20))
    client.force_login(pilot)

    html = client.get(reverse("demarches:calendar", args=[cycle.pk])).content.decode()

    assert "<caption" in html and "Mars 2027" in html
    assert '<th scope="col">Lundi</th>' in html
    due = day_cell(html, 17)
    assert "Échéance :" in due and "Former les élus" in due
    assert action.get_absolute_url() in due
    start = day_cell(html, 2)
    assert "Début :" in start and "Former les élus" in start
    assert "Bureau de printemps" in day_cell(html, 22)
    assert "Présentation :" in day_cell(html, 5)
    assert "Action du printemps" not in html
    assert 'aria-current="date"' in day_cell(html, 10)


@pytest.mark.django_db
def test_it_shows_the_month_asked_for_with_its_neighbours(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="Action du printemps", due_on=datetime.date(2027, 4, 20))
    client.force_login(pilot)

    html = client.get(reverse("demarches:calendar", args=[cycle.pk]), {"mois": "2027-04"})

    html = html.content.decode()
    assert "Avril 2027" in html
    assert "Action du printemps" in day_cell(html, 20)
    assert "?mois=2027-03" in html and "?mois=2027-05" in html


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
@pytest.mark.parametrize("value", ["n'importe quoi", "2027-99", "99999-01", "-1"])
def test_a_bad_month_in_the_address_shows_the_current_month(client, cycle, pilot, value):
    client.force_login(pilot)
    response = client.get(reverse("demarches:calendar", args=[cycle.pk]), {"mois": value})
    assert response.status_code == 200
    assert "Mars 2027" in response.content.decode()


@pytest.mark.django_db
def test_it_lists_the_month_day_by_day(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="Former les élus", due_on=datetime.date(2027, 3, 17))
    client.force_login(pilot)
    html = client.get(reverse("demarches:calendar", args=[cycle.pk]), {"mois": "2027-03"})
    assert "Mercredi 17 mars" in html.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 40])
def test_calendar_query_count(client, cycle, pilot, django_assert_num_queries, count):
    for day in range(count):
        ActionFactory(
            cycle=cycle,
            starts_on=datetime.date(2027, 3, 1 + day % 28),
            due_on=datetime.date(2027, 3, 1 + day % 28),
        )
        MilestoneFactory(cycle=cycle, due_on=datetime.date(2027, 3, 1 + day % 28))
    client.force_login(pilot)
    # the request's savepoint and its release, session, user, cycle, milestones,
    # presentations, actions, the roles of the navigation, the permission for the tabs
    with django_assert_num_queries(11):
        client.get(reverse("demarches:calendar", args=[cycle.pk]), {"mois": "2027-03"})
