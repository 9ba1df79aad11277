"""The month grid of the action plan's calendar (seeds/002, 2.6: "le plan d'action peut prendre
la forme d'un calendrier"): weeks from Monday to Sunday, each day with what falls on it.

Pure computation, no database: the view gives the month's entries, this lays them out."""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "action_due": _("Due:"),
    "action_start": _("Start:"),
    "milestone": _("Milestone:"),
    "presentation": _("Presentation:"),
}


@dataclass(frozen=True)
class Entry:
    """Something dated shown on the calendar: an action's due date or start, a milestone of the
    plan of the year, a presentation."""

    day: datetime.date
    kind: str  # "action_due", "action_start", "milestone" or "presentation"
    label: str
    url: str = ""
    is_late: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Day:
    date: datetime.date
    is_in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[Day]]

    @property
    def last(self) -> datetime.date:
        return last_day(self.first)

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return self.last + datetime.timedelta(days=1)

    @property
    def day_names(self) -> list[datetime.date]:
        """A Monday-to-Sunday week of dates, to name the columns through the locale."""
        return [day.date for day in self.weeks[0]]

    @property
    def busy_days(self) -> list[Day]:
        """The days of the month that have something on them, for the list view."""
        return [day for week in self.weeks for day in week if day.is_in_month and day.entries]


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_param(month: datetime.date) -> str:
    """How a month is written in the address: ?mois=2027-03."""
    return f"{month.year:04d}-{month.month:02d}"


# Far enough for any démarche, and clear of the calendar's edges (year 1, year 9999), where
# the previous or next month would not exist.
YEARS = range(1900, 2200)


def parse_month(value: str | None, *, today: datetime.date) -> datetime.date:
    """The first day of the month asked for as "2027-03"; today's month for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip(), flags=re.ASCII)
    if match and int(match[1]) in YEARS and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1)
    return today.replace(day=1)


def month_grid(first: datetime.date, entries, *, today: datetime.date) -> Month:
    """The weeks of `first`'s month, Monday first, each day listing its entries in the order
    given. Entries outside the month are left out."""
    first = first.replace(day=1)
    by_day: dict[datetime.date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    weeks = [
        [
            Day(
                date=date,
                is_in_month=date.month == first.month,
                is_today=date == today,
                entries=by_day.get(date, []) if date.month == first.month else [],
            )
            for date in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            first.year, first.month
        )
    ]
    return Month(first=first, weeks=weeks)
