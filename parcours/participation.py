"""The participant's side of a parcours: what a person follows and what comes next for them,
the resources they may open, the feedback they give right after a session (and its summary
for the facilitators), and testimonials published only with their author's consent."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Role
from parcours.models import (
    Attendance,
    Enrolment,
    Feedback,
    Parcours,
    Resource,
    Session,
    Testimonial,
)

# Feedback is asked "right after the session": a month later, memories are too vague to help.
FEEDBACK_DAYS = 30
LATEST_RESOURCES = 5


# --- Who sees what ------------------------------------------------------------------------------


def own_structures(user) -> QuerySet:
    """The structures where the person holds an active role (as a subquery)."""
    return Role.objects.active().filter(person=user, structure__isnull=False).values("structure")


def pair_structures(user) -> QuerySet:
    """The structures whose pilot or co-pilot the person is (as a subquery)."""
    return Role.objects.pair().filter(person=user).values("structure")


def _shared_or_of(structures) -> Q:
    """Resources for the whole parcours or a collective session, and those of the individual
    meetings of `structures`: another structure's stay between it and the facilitators."""
    return (
        Q(session=None)
        | Q(session__kind=Session.Kind.COLLECTIVE)
        | Q(session__structure__in=structures)
    )


def resources_seen_by(user, parcours: Parcours) -> QuerySet:
    resources = parcours.resources.all()
    if user.has_perm("parcours.manage_parcours", parcours):
        return resources
    return resources.filter(_shared_or_of(own_structures(user)))


# --- Mes parcours ----------------------------------------------------------------------------


@dataclass
class Followed:
    """One parcours as its participant sees it on "Mes parcours"."""

    parcours: Parcours
    takes_part: bool = False
    next_session: Session | None = None
    next_attendance: Attendance | None = None
    meetings: list = field(default_factory=list)
    feedback_to_give: list = field(default_factory=list)
    resources: list = field(default_factory=list)


def followed(user, now: datetime.datetime | None = None) -> list[Followed]:
    """The parcours a person follows, each with what comes next for them. A fixed number of
    queries, whatever the number of parcours, sessions and resources."""
    now = now or timezone.now()
    roles = list(Role.objects.active().filter(person=user, structure__isnull=False))
    own = {role.structure_id for role in roles}
    pair = {role.structure_id for role in roles if role.kind in Role.PAIR_KINDS}
    entries = {
        parcours.pk: Followed(parcours)
        for parcours in Parcours.objects.followed_by(user).select_related("network")
    }
    if not entries:
        return []
    ids = list(entries)
    for enrolment in Enrolment.objects.active().filter(parcours__in=ids, structure__in=pair):
        entries[enrolment.parcours_id].takes_part = True

    sessions = (
        Session.objects.filter(parcours__in=ids)
        .filter(
            Q(kind=Session.Kind.COLLECTIVE, ends_at__gte=now)
            | Q(kind=Session.Kind.INDIVIDUAL, structure__in=own)
        )
        .select_related("structure")
        .prefetch_related("places")
    )
    for session in sessions:
        entry = entries[session.parcours_id]
        if session.is_individual:
            entry.meetings.append(session)
        if session.ends_at >= now and not session.is_cancelled and entry.next_session is None:
            entry.next_session = session  # sessions come in the order they start
    next_ids = [entry.next_session.pk for entry in entries.values() if entry.next_session]
    attendances = {
        attendance.session_id: attendance
        for attendance in Attendance.objects.filter(person=user, session__in=next_ids)
    }
    for entry in entries.values():
        if entry.next_session:
            entry.next_attendance = attendances.get(entry.next_session.pk)

    for session in feedback_to_give(user, now):
        if session.parcours_id in entries:
            entries[session.parcours_id].feedback_to_give.append(session)

    latest = (
        Resource.objects.filter(parcours__in=ids)
        .filter(_shared_or_of(own))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("parcours"), order_by=[F("created_at").desc(), "-pk"]
            )
        )
        .filter(rank__lte=LATEST_RESOURCES)
        .select_related("session")
        .order_by("-created_at", "-pk")
    )
    for resource in latest:
        entries[resource.parcours_id].resources.append(resource)
    return list(entries.values())


# --- Feedback right after a session ----------------------------------------------------------


class FeedbackState(StrEnum):
    CANCELLED = "cancelled"
    NOT_YET = "not_yet"  # before the session starts
    OPEN = "open"
    GIVEN = "given"
    CLOSED = "closed"  # FEEDBACK_DAYS after the session ended


class FeedbackRefused(Exception):
    def __init__(self, state: FeedbackState):
        super().__init__(state)
        self.state = state


def feedback_closes_at(session: Session) -> datetime.datetime:
    return session.ends_at + datetime.timedelta(days=FEEDBACK_DAYS)


def feedback_state(session: Session, person, now: datetime.datetime | None = None) -> FeedbackState:
    """Whether the person may give their feedback on the session now. It opens when the
    session starts, so that it can be given in the room during the last minutes."""
    now = now or timezone.now()
    if session.is_cancelled:
        return FeedbackState.CANCELLED
    if session.feedback.filter(person=person).exists():
        return FeedbackState.GIVEN
    if now < session.starts_at:
        return FeedbackState.NOT_YET
    if now > feedback_closes_at(session):
        return FeedbackState.CLOSED
    return FeedbackState.OPEN


def give_feedback(
    session: Session, person, *, rating: int, useful="", to_improve="", next_step=""
) -> Feedback:
    """Record a participant's feedback, once per session; FeedbackRefused otherwise."""
    state = feedback_state(session, person)
    if state != FeedbackState.OPEN:
        raise FeedbackRefused(state)
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                session=session,
                person=person,
                rating=rating,
                useful=useful,
                to_improve=to_improve,
                next_step=next_step,
            )
    except IntegrityError:
        # Two tabs or a double click got past the check above: the unique constraint decided.
        raise FeedbackRefused(FeedbackState.GIVEN) from None


def feedback_to_give(user, now: datetime.datetime | None = None) -> QuerySet:
    """Sessions of the last FEEDBACK_DAYS the person took part in (or was expected at) and has
    not given feedback on yet. Apologies or a recorded absence mean there is nothing to say."""
    now = now or timezone.now()
    pair = pair_structures(user)
    taken_part_in = Parcours.objects.filter(
        enrolments__structure__in=pair, enrolments__withdrawn_at=None
    )
    missed = Attendance.objects.filter(
        person=user, status__in=[Attendance.Status.EXCUSED, Attendance.Status.ABSENT]
    )
    return (
        Session.objects.past(now)
        .filter(
            parcours__in=taken_part_in,
            ends_at__gte=now - datetime.timedelta(days=FEEDBACK_DAYS),
        )
        .filter(Q(kind=Session.Kind.COLLECTIVE) | Q(structure__in=pair))
        .exclude(pk__in=Feedback.objects.filter(person=user).values("session"))
        .exclude(pk__in=missed.values("session"))
        .select_related("parcours")
        .order_by("-ends_at")
    )


def _expected(session: Session, enrolments) -> int:
    """The people expected at a session: the pilot pairs of the structures enrolled (of the
    one structure met, for an individual meeting)."""
    return sum(
        1
        for enrolment in enrolments
        if not session.is_individual or enrolment.structure_id == session.structure_id
        for person in (enrolment.pilot_id, enrolment.copilot_id)
        if person
    )


@dataclass
class FeedbackSummary:
    """What the participants said of one session, without saying who said what."""

    answers: int
    expected: int
    average: float | None
    distribution: list  # (rating, count, share in %) for ratings 1 to 5
    useful: list
    to_improve: list
    next_steps: list

    @property
    def questions(self) -> list:
        return [
            (_("What was useful"), self.useful),
            (_("What should be improved"), self.to_improve),
            (_("What they will do before the next session"), self.next_steps),
        ]


def summarise(session: Session) -> FeedbackSummary:
    rows = list(session.feedback.values_list("rating", "useful", "to_improve", "next_step"))
    counts = Counter(row[0] for row in rows)
    answers = len(rows)

    def texts(index):
        # Each question's answers apart, in alphabetical order: neither the order of arrival
        # nor the answers next to each other tell who wrote what.
        return sorted(text.strip() for text in (row[index] for row in rows) if text.strip())

    return FeedbackSummary(
        answers=answers,
        expected=_expected(
            session, Enrolment.objects.active().filter(parcours=session.parcours_id)
        ),
        average=sum(row[0] for row in rows) / answers if answers else None,
        distribution=[
            (rating, counts[rating], round(100 * counts[rating] / answers) if answers else 0)
            for rating in range(1, 6)
        ],
        useful=texts(1),
        to_improve=texts(2),
        next_steps=texts(3),
    )


def averages_per_session(parcours: Parcours, now: datetime.datetime | None = None) -> list:
    """Every session held so far, with its number of answers, people expected and average."""
    now = now or timezone.now()
    sessions = list(
        parcours.sessions.exclude(status=Session.Status.CANCELLED)
        .filter(starts_at__lte=now)
        .select_related("structure")
        .annotate(answers=Count("feedback"), average=Avg("feedback__rating"))
    )
    enrolments = list(Enrolment.objects.active().filter(parcours=parcours))
    for session in sessions:
        session.expected = _expected(session, enrolments)
    return sessions


# --- Testimonials ----------------------------------------------------------------------------


class NoConsent(Exception):
    """A testimonial is published only with its author's consent."""


def testimonials_seen_by(user, parcours: Parcours) -> QuerySet:
    """The facilitators see every testimonial; the others the published ones, and their own."""
    testimonials = parcours.testimonials.select_related("person", "structure")
    if user.has_perm("parcours.manage_parcours", parcours):
        return testimonials
    return testimonials.filter(Q(is_published=True) | Q(person=user))


@transaction.atomic
def write_testimonial(parcours: Parcours, person, *, text: str, consent: bool) -> Testimonial:
    enrolment = (
        Enrolment.objects.active()
        .filter(parcours=parcours, structure__in=pair_structures(person))
        .first()
    )
    return Testimonial.objects.create(
        parcours=parcours,
        person=person,
        structure=enrolment.structure if enrolment else None,
        text=text,
        consent_at=timezone.now() if consent else None,
    )


def set_published(testimonial: Testimonial, published: bool) -> None:
    if published and testimonial.consent_at is None:
        raise NoConsent
    testimonial.is_published = published
    testimonial.save(update_fields=["is_published", "updated_at"])


def withdraw_consent(testimonial: Testimonial) -> None:
    """The author changes their mind: the testimonial is no longer published, at once."""
    testimonial.consent_at = None
    testimonial.is_published = False
    testimonial.save(update_fields=["consent_at", "is_published", "updated_at"])
