"""Session plan templates: what a new parcours starts from, before its facilitator adjusts it.

A parcours, as networks run it, is 7 collective half-day sessions and 2 individual meetings per
structure over 8 to 10 months; a communauté meets when it decides to, with no plan."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Plan:
    # What each collective session is about, in order; the last one closes the parcours.
    topics: tuple
    closing_topic: object
    # Used when a facilitator asks for more sessions than the template describes.
    extra_topic: object
    individual_meetings: int
    every_weeks: int = 5
    duration_hours: int = 3

    @property
    def sessions(self) -> int:
        return len(self.topics) + 1 if self.closing_topic else 0

    def titles(self, count: int) -> list[str]:
        """The titles of `count` collective sessions: the template's topics in order, the
        closing topic last."""
        if count <= 0:
            return []
        topics = [str(topic) for topic in self.topics[: count - 1]]
        topics += [str(self.extra_topic)] * (count - 1 - len(topics))
        topics.append(str(self.closing_topic) if count > 1 else str(self.topics[0]))
        # Pages show "Session 3 · <title>": the number is not part of the title.
        return [capfirst(topic) for topic in topics]


DEFAULT_PLAN = Plan(
    topics=(
        gettext_lazy("launch and état des lieux of what already exists"),
        gettext_lazy("sharing experiences and practices"),
        gettext_lazy("choosing priorities and indicators"),
        gettext_lazy("objectives and action plan"),
        gettext_lazy("getting the structure moving"),
        gettext_lazy("first results and adjustments"),
    ),
    closing_topic=gettext_lazy("review and next steps"),
    extra_topic=gettext_lazy("exchange of practices"),
    individual_meetings=2,
)

COMMUNITY_PLAN = Plan(
    topics=(), closing_topic="", extra_topic="", individual_meetings=0, duration_hours=2
)

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def collective_times(
    first_on: datetime.date,
    at: datetime.time,
    *,
    count: int,
    every_weeks: int,
    duration: datetime.timedelta,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Start and end of `count` sessions, one every `every_weeks` weeks from `first_on`, all at
    the same wall-clock time (across daylight saving changes)."""
    times = []
    for index in range(count):
        day = first_on + datetime.timedelta(weeks=every_weeks * index)
        starts_at = datetime.datetime.combine(day, at, tzinfo=PARIS)
        times.append((starts_at, starts_at + duration))
    return times


def individual_times(
    collective: list[tuple[datetime.datetime, datetime.datetime]],
    *,
    count: int,
    parcours_starts_on: datetime.date,
    parcours_ends_on: datetime.date | None,
    not_before: datetime.date,
    duration: datetime.timedelta = datetime.timedelta(hours=1, minutes=30),
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Provisional dates for a structure's `count` individual meetings, for the facilitator to
    move once agreed with the structure: spread between the collective sessions (one week after
    sessions 2 and 5 of 7 for two meetings), at the time of the sessions; with no collective
    session, spread over the parcours at 9:30. Never before `not_before`."""
    times = []
    for index in range(1, count + 1):
        if collective:
            position = round(index * len(collective) / (count + 1))
            starts_at = collective[min(max(position, 1), len(collective)) - 1][0]
            starts_at += datetime.timedelta(weeks=1)
        else:
            ends_on = parcours_ends_on or parcours_starts_on + datetime.timedelta(days=240)
            day = parcours_starts_on + (ends_on - parcours_starts_on) * index / (count + 1)
            starts_at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=PARIS)
        local = starts_at.astimezone(PARIS)
        if local.date() < not_before:
            local = datetime.datetime.combine(not_before, local.time(), tzinfo=PARIS)
        times.append((local, local + duration))
    return times
