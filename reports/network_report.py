"""The data of a network's annual activity report: the structures engaged in a démarche that
year and where they stand on the 12 steps, the parcours and sessions held, attendance and its
erosion, feedback scores and the testimonials published with their author's consent.

What a structure shares with the network decides what the report says of it: a structure that
shares its summary or its full démarche appears by name; one that shares nothing is only
counted, here and in every other section. Feedback is anonymous: averages and counts only.

The whole gathering costs a fixed number of queries, whatever the number of structures,
parcours and sessions.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from demarches import steps
from demarches.models import Cycle, Step
from members.models import Membership
from parcours import attendance
from parcours.models import MeetingNote, Parcours, Session, Testimonial
from progress.lib import charts


@dataclass
class Engaged:
    """A structure with a démarche this year that shares at least its summary."""

    structure: object
    states: list

    @property
    def current(self):
        return steps.current_step(self.states)

    @property
    def done(self) -> int:
        return sum(1 for state in self.states if state.is_done)


@dataclass
class Rated:
    """A collective session held, with its attendance and feedback."""

    session: Session
    rate: int | None  # % of the people expected who came
    present: int
    expected: int
    answers: int
    average: float | None


@dataclass
class ParcoursYear:
    """What one parcours (or communauté) did during the year."""

    parcours: Parcours
    sessions: list[Rated] = field(default_factory=list)  # collective sessions held, in order
    individual_held: int = 0
    cancelled: int = 0
    to_come: int = 0  # still planned before the end of the year
    places: list[str] = field(default_factory=list)
    enrolled: int = 0
    withdrawn: int = 0
    dropping_out: list[str] = field(default_factory=list)  # names of sharing structures
    dropping_out_unnamed: int = 0
    notes: int = 0
    individual_answers: int = 0
    individual_ratings: int = 0  # the sum of the ratings given on individual meetings
    attendance_chart: object = None
    feedback_chart: object = None

    @property
    def answers(self) -> int:
        return sum(rated.answers for rated in self.sessions) + self.individual_answers

    @property
    def average(self) -> float | None:
        """The average of every rating given on the parcours' sessions of the year."""
        total = sum(r.average * r.answers for r in self.sessions if r.answers)
        total += self.individual_ratings
        return total / self.answers if self.answers else None

    @property
    def individual_average(self) -> float | None:
        return (
            self.individual_ratings / self.individual_answers if self.individual_answers else None
        )

    @property
    def rates(self) -> list[int]:
        """The attendance rate of each session held, in order."""
        return [rated.rate for rated in self.sessions if rated.rate is not None]

    @property
    def first_rate(self) -> int | None:
        return self.rates[0] if self.rates else None

    @property
    def last_rate(self) -> int | None:
        return self.rates[-1] if len(self.rates) > 1 else None


@dataclass
class Quote:
    text: str
    parcours: Parcours
    structure_name: str  # empty when the structure does not share its démarche


def period(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year in the network's time zone: from 1 January to the next 1 January."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def context(report) -> dict:
    network = report.network
    year = report.year
    start, end = period(year)
    # A report of a past year says what happened up to its end; one of the current year, up
    # to now. (The document does not print today's date: the same data then gives the same
    # digest, hence the same version, whatever the day it is asked for.)
    cutoff = min(timezone.now(), end)

    memberships = list(
        Membership.objects.active().filter(network=network).select_related("structure")
    )
    shared = {m.structure_id for m in memberships if m.sharing != Membership.Sharing.NOTHING}
    structures = _structures(memberships, shared, year)
    activity = _parcours(network, shared, start, end, cutoff)
    held = [rated for p in activity for rated in p.sessions]
    return {
        "network": network,
        "year": year,
        "is_current_year": cutoff < end,
        "members": len(memberships),
        **structures,
        "parcours_list": activity,
        "figures": _figures(activity, held),
        "testimonials": _testimonials(activity, shared),
    }


# --- Structures engaged --------------------------------------------------------------------


def _structures(memberships, shared: set, year: int) -> dict:
    cycles = list(
        Cycle.objects.filter(
            year=year, structure__in=[m.structure_id for m in memberships]
        ).select_related("structure")
    )
    visible = [cycle for cycle in cycles if cycle.structure_id in shared]
    states = steps.overviews(visible)
    engaged = sorted(
        (Engaged(cycle.structure, states[cycle.pk]) for cycle in visible),
        key=lambda e: (-e.done, e.structure.name.casefold()),
    )
    reached = [
        (step.value, step.label, sum(1 for e in engaged if e.states[step - 1].is_done))
        for step in Step
    ]
    return {
        "engaged": engaged,
        "engaged_count": len(cycles),
        "not_sharing": len(cycles) - len(visible),
        "steps_chart": charts.steps_chart(
            reached, title=_("Structures that reached each step"), total=len(engaged)
        )
        if engaged
        else None,
    }


# --- Parcours, attendance, feedback --------------------------------------------------------


def _parcours(network, shared: set, start, end, cutoff) -> list[ParcoursYear]:
    in_year = Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
    parcours = list(
        Parcours.objects.filter(
            network=network,
            pk__in=in_year.exclude(status=Session.Status.CANCELLED).values("parcours"),
        ).order_by("kind", "starts_on", "title")
    )
    by_pk = {p.pk: ParcoursYear(p) for p in parcours}
    sessions = (
        in_year.filter(parcours__in=by_pk)
        .annotate(
            answers=Count("feedback"),
            average=Avg("feedback__rating"),
            ratings=Sum("feedback__rating"),
            has_note=Exists(MeetingNote.objects.filter(session=OuterRef("pk"))),
        )
        .prefetch_related("places")
        .order_by("starts_at", "number")
    )
    held = {}
    for session in sessions:
        entry = by_pk[session.parcours_id]
        if session.is_cancelled:
            entry.cancelled += 1
        elif session.starts_at > cutoff:
            entry.to_come += 1
        elif session.is_individual:
            entry.individual_held += 1
            entry.individual_answers += session.answers
            entry.individual_ratings += session.ratings or 0
        else:
            held[session.pk] = session
            entry.notes += session.has_note
            for place in _places(session):
                if place not in entry.places:
                    entry.places.append(place)

    # The matrices read every collective session of each parcours, those of the year before
    # too: dropping out is about the last two sessions held, whatever their year.
    for pk, matrix in attendance.matrices(parcours, now=cutoff).items():
        entry = by_pk[pk]
        for column in matrix.columns:
            session = held.get(column.session.pk)
            if session is not None:
                entry.sessions.append(
                    Rated(
                        session=session,
                        rate=column.rate,
                        present=column.present,
                        expected=column.expected,
                        answers=session.answers,
                        average=session.average,
                    )
                )
        entry.enrolled = len(matrix.rows)
        entry.withdrawn = sum(1 for row in matrix.rows if not row.enrolment.is_active)
        for row in matrix.dropping_out:
            if row.enrolment.structure_id in shared:
                entry.dropping_out.append(row.enrolment.structure.name)
            else:
                entry.dropping_out_unnamed += 1
        entry.attendance_chart, entry.feedback_chart = _charts(entry)
    return list(by_pk.values())


def _places(session: Session) -> list[str]:
    places = [place.name for place in session.places.all()]
    if places:
        return places
    if session.place:
        return [session.place]
    return [_("Online")] if session.online_url else []


def _label(rated: Rated) -> str:
    return _("Session %(number)s · %(day)s") % {
        "number": rated.session.number,
        "day": date_format(timezone.localtime(rated.session.starts_at), "j F"),
    }


def _charts(entry: ParcoursYear):
    rates = [(_label(r), r.rate) for r in entry.sessions if r.rate is not None]
    ratings = [(_label(r), round(r.average, 1)) for r in entry.sessions if r.answers]
    attendance_chart = (
        charts.bars_chart(
            rates,
            title=_("Attendance rate per collective session · %(title)s")
            % {"title": entry.parcours.title},
            unit="%",
            max_value=100,
        )
        if rates
        else None
    )
    feedback_chart = (
        charts.bars_chart(
            ratings,
            title=_("Average rating per session (out of 5) · %(title)s")
            % {"title": entry.parcours.title},
            unit="/ 5",
            max_value=5,
        )
        if ratings
        else None
    )
    return attendance_chart, feedback_chart


def _figures(activity: list[ParcoursYear], held: list[Rated]) -> dict:
    present = sum(r.present for r in held)
    expected = sum(r.expected for r in held)
    answers = sum(p.answers for p in activity)
    ratings = sum((p.average or 0) * p.answers for p in activity)
    return {
        "parcours": sum(1 for p in activity if not p.parcours.is_community),
        "communities": sum(1 for p in activity if p.parcours.is_community),
        "collective_held": len(held),
        "individual_held": sum(p.individual_held for p in activity),
        "attendance_rate": round(100 * present / expected) if expected else None,
        "answers": answers,
        "average": ratings / answers if answers else None,
        "notes": sum(p.notes for p in activity),
    }


# --- Testimonials ---------------------------------------------------------------------------


def _testimonials(activity: list[ParcoursYear], shared: set) -> list[Quote]:
    """Testimonials published with their author's consent (withdrawing it unpublishes)."""
    parcours = {year.parcours.pk: year.parcours for year in activity}
    return [
        Quote(
            testimonial.text,
            parcours[testimonial.parcours_id],
            testimonial.structure.name if testimonial.structure_id in shared else "",
        )
        for testimonial in Testimonial.objects.filter(
            parcours__in=parcours, is_published=True, consent_at__isnull=False
        )
        .select_related("structure")
        .order_by("parcours__starts_on", "created_at")
    ]
