"""Changes to a parcours that span rows or have side effects: creating it from a session plan,
enrolling and withdrawing structures, and moving or cancelling sessions (whose participants
are e-mailed once the change is committed)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership, Network, Role, Structure, User
from parcours import plans, tasks
from parcours.models import Enrolment, Parcours, Session, SessionPlace
from progress.lib import mail

# What participants must know of: a change to any of these moves the session.
WHEN_AND_WHERE = ("starts_at", "ends_at", "place", "online_url")


# --- Creating a parcours ---------------------------------------------------------------------


@transaction.atomic
def create_parcours(
    network: Network,
    *,
    by: User,
    themes=(),
    sessions: int = 0,
    first_on: datetime.date | None = None,
    at: datetime.time | None = None,
    duration: datetime.timedelta | None = None,
    every_weeks: int = plans.DEFAULT_PLAN.every_weeks,
    plan: plans.Plan = plans.DEFAULT_PLAN,
    **fields,
) -> Parcours:
    """Create the parcours and its `sessions` collective sessions, numbered from 1, titled by
    the plan and dated every `every_weeks` weeks from `first_on` at `at`. Its creator becomes
    one of its facilitators. Individual meetings are created when a structure enrols (they
    need the structure)."""
    parcours = Parcours.objects.create(network=network, created_by=by, **fields)
    parcours.themes.set(themes)
    parcours.facilitators.add(by)
    if sessions:
        duration = duration or datetime.timedelta(hours=plan.duration_hours)
        times = plans.collective_times(
            first_on, at, count=sessions, every_weeks=every_weeks, duration=duration
        )
        Session.objects.bulk_create(
            Session(
                parcours=parcours,
                kind=Session.Kind.COLLECTIVE,
                number=number,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
            )
            for number, (title, (starts_at, ends_at)) in enumerate(
                zip(plan.titles(sessions), times, strict=True), start=1
            )
        )
    return parcours


# --- Enrolment -------------------------------------------------------------------------------


def pair_of(structure: Structure) -> dict:
    """The structure's active pilot and co-pilot, as {"pilot": …, "copilot": …}."""
    roles = Role.objects.pair().filter(structure=structure)
    return {role.kind: role.person for role in roles.select_related("person")}


def people_of(structure: Structure):
    """The people who hold an active role in the structure."""
    return User.objects.filter(
        pk__in=Role.objects.active().filter(structure=structure).values("person")
    )


@transaction.atomic
def enrol(
    parcours: Parcours,
    structure: Structure,
    *,
    pilot: User | None = None,
    copilot: User | None = None,
    target: str = "",
    individual_meetings: int | None = None,
    by: User,
) -> Enrolment:
    """Enrol the structure with its pilot pair (by default its current pilot and co-pilot),
    within the parcours' capacity. A structure that withdrew comes back on its former row.
    Its individual meetings are created with provisional dates (see plans.individual_times)."""
    # Lock the parcours: two facilitators filling the last seat at once must queue up, and
    # the second one then counts the first one's enrolment.
    parcours = Parcours.objects.select_for_update().get(pk=parcours.pk)
    existing = Enrolment.objects.filter(parcours=parcours, structure=structure).first()
    if existing and existing.is_active:
        raise ValidationError(
            _("%(structure)s is already enrolled in this parcours.") % {"structure": structure},
            code="already_enrolled",
        )
    enrolled = parcours.enrolments.active().count()
    if parcours.capacity is not None and enrolled >= parcours.capacity:
        raise ValidationError(
            _("The parcours is full (%(count)s structures out of %(capacity)s).")
            % {"count": enrolled, "capacity": parcours.capacity},
            code="full",
        )
    pair = pair_of(structure)
    pilot = pilot or pair.get(Role.Kind.PILOT)
    copilot = copilot or pair.get(Role.Kind.COPILOT)
    _check_pair(structure, pilot, copilot)
    values = {
        "pilot": pilot,
        "copilot": copilot,
        "target": target,
        "withdrawn_at": None,
        "withdrawal_reason": "",
    }
    if existing:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(parcours=parcours, structure=structure, **values)
    if individual_meetings is None:
        individual_meetings = default_individual_meetings(parcours)
    _plan_individual_meetings(parcours, structure, individual_meetings)
    return enrolment


def _check_pair(structure: Structure, pilot: User | None, copilot: User | None) -> None:
    if pilot is None:
        raise ValidationError(
            {"pilot": _("This structure has no pilot: choose the person who will attend.")},
            code="no_pilot",
        )
    working = set(people_of(structure).values_list("pk", flat=True))
    errors = {}
    for field, person in (("pilot", pilot), ("copilot", copilot)):
        if person is not None and person.pk not in working:
            errors[field] = _("This person has no role in this structure.")
    if copilot is not None and copilot == pilot and "copilot" not in errors:
        errors["copilot"] = _("The pilot and the co-pilot are two different people.")
    if errors:
        raise ValidationError(errors, code="wrong_pair")


def default_individual_meetings(parcours: Parcours) -> int:
    """As many individual meetings as the structures already enrolled were given, else the
    template's number."""
    if parcours.is_community:
        return plans.COMMUNITY_PLAN.individual_meetings
    most = (
        parcours.sessions.filter(kind=Session.Kind.INDIVIDUAL)
        .exclude(status=Session.Status.CANCELLED)
        .values("structure")
        .annotate(count=Count("pk"))
        .order_by("-count")
        .first()
    )
    return most["count"] if most else plans.DEFAULT_PLAN.individual_meetings


def _plan_individual_meetings(parcours: Parcours, structure: Structure, count: int) -> None:
    """Create the meetings the structure does not have yet in this parcours."""
    meetings = parcours.sessions.filter(kind=Session.Kind.INDIVIDUAL, structure=structure)
    planned = meetings.exclude(status=Session.Status.CANCELLED).count()
    if planned >= count:
        return
    collective = list(
        parcours.sessions.collective()
        .exclude(status=Session.Status.CANCELLED)
        .values_list("starts_at", "ends_at")
    )
    times = plans.individual_times(
        collective,
        count=count,
        parcours_starts_on=parcours.starts_on,
        parcours_ends_on=parcours.ends_on,
        not_before=timezone.localdate() + datetime.timedelta(weeks=1),
    )
    numbers = set(
        meetings.exclude(status=Session.Status.CANCELLED).values_list("number", flat=True)
    )
    new = []
    for number, (starts_at, ends_at) in enumerate(times, start=1):
        if len(new) + planned >= count:
            break
        if number in numbers:
            continue
        new.append(
            Session(
                parcours=parcours,
                kind=Session.Kind.INDIVIDUAL,
                structure=structure,
                number=number,
                title=_("Individual meeting %(number)s") % {"number": number},
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    Session.objects.bulk_create(new)


@transaction.atomic
def withdraw(enrolment: Enrolment, *, reason: str, by: User) -> None:
    """The structure leaves the parcours: its seat frees, its upcoming individual meetings are
    cancelled (quietly: the structure itself decided)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the structure withdraws.")}, code="no_reason")
    enrolment.withdrawn_at = timezone.now()
    enrolment.withdrawal_reason = reason
    enrolment.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    for meeting in enrolment.parcours.sessions.upcoming().filter(
        kind=Session.Kind.INDIVIDUAL, structure=enrolment.structure
    ):
        meeting.status = Session.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])


# --- Sessions --------------------------------------------------------------------------------


def participants(session: Session) -> list[User]:
    """Who attends: the pilot pair of every structure actively enrolled, or for an individual
    meeting, that structure's pair."""
    enrolments = session.parcours.enrolments.active().select_related("pilot", "copilot")
    if session.is_individual:
        enrolments = enrolments.filter(structure_id=session.structure_id)
    return [person for enrolment in enrolments for person in enrolment.people]


def has_participants(session: Session) -> bool:
    enrolments = session.parcours.enrolments.active()
    if session.is_individual:
        enrolments = enrolments.filter(structure_id=session.structure_id)
    return enrolments.exists()


@transaction.atomic
def create_session(parcours: Parcours, *, places: list[str] | None = None, **fields) -> Session:
    session = Session.objects.create(parcours=parcours, **fields)
    if places is not None:
        set_places(session, places)
    return session


def set_places(session: Session, names: list[str]) -> None:
    """The places where a communauté's meeting is held at once. Places kept by name keep their
    attendance."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    session.places.exclude(name__in=wanted).delete()
    existing = set(session.places.values_list("name", flat=True))
    SessionPlace.objects.bulk_create(
        SessionPlace(session=session, name=name) for name in wanted if name not in existing
    )


def when_and_where(session: Session) -> dict:
    """What participants rely on, as JSON for the task that tells them of a change."""
    # In UTC, so that the same instant read from the database or from a form compares equal.
    return {
        "starts_at": session.starts_at.astimezone(datetime.UTC).isoformat(),
        "ends_at": session.ends_at.astimezone(datetime.UTC).isoformat(),
        "place": session.place,
        "online_url": session.online_url,
        "places": sorted(session.places.values_list("name", flat=True)),
    }


@transaction.atomic
def edit_session(
    session: Session, *, changes: dict, places: list[str] | None = None, base_url: str
) -> bool:
    """Save the session; if its date, time or place changed, it is moved (see
    `move_session`). Returns whether it was moved."""
    was = when_and_where(session)
    for name, value in changes.items():
        setattr(session, name, value)
    session.save()
    if places is not None:
        set_places(session, places)
    if when_and_where(session) == was or session.is_cancelled:
        return False
    move_session(session, was=was, base_url=base_url)
    return True


def move_session(session: Session, *, was: dict, base_url: str) -> None:
    """Calendars update the event (the iCalendar SEQUENCE goes up); when people take part,
    the session shows as moved and they are e-mailed once the change is committed."""
    session.sequence += 1
    fields = ["sequence", "updated_at"]
    if has_participants(session):
        session.status = Session.Status.MOVED
        fields.append("status")
        _notify_on_commit(session, "moved", was=was, base_url=base_url)
    session.save(update_fields=fields)


@transaction.atomic
def cancel_session(session: Session, *, message: str = "", base_url: str) -> None:
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    if has_participants(session):
        _notify_on_commit(session, "cancelled", message=message.strip(), base_url=base_url)


def _notify_on_commit(session: Session, change: str, **kwargs) -> None:
    pk = session.pk
    transaction.on_commit(lambda: tasks.notify_session_changed.delay(pk, change, **kwargs))


def send_session_changed(
    session: Session, change: str, *, base_url: str, was: dict | None = None, message: str = ""
) -> None:
    """E-mail each participant (one message each: they don't see each other's addresses)."""
    previous = None
    if was:
        previous = {
            **was,
            "starts_at": datetime.datetime.fromisoformat(was["starts_at"]),
            "ends_at": datetime.datetime.fromisoformat(was["ends_at"]),
        }
    now = when_and_where(session)
    context = {
        "session": session,
        "parcours": session.parcours,
        "change": change,
        "was": previous,
        "when_changed": bool(was)
        and (was["starts_at"], was["ends_at"]) != (now["starts_at"], now["ends_at"]),
        "where_changed": bool(was)
        and (was["place"], was["online_url"], was["places"])
        != (now["place"], now["online_url"], now["places"]),
        "places": now["places"],
        "message": message,
        "link": base_url + reverse("parcours:session", args=[session.pk]),
    }
    for person in participants(session):
        mail.send("session_changed", {**context, "person": person}, to=[person.email])


def structures_to_enrol(parcours: Parcours):
    """The network's member structures (active adhésions) not actively enrolled yet."""
    members = Membership.objects.active().filter(network_id=parcours.network_id)
    return Structure.objects.filter(pk__in=members.values("structure")).exclude(
        pk__in=parcours.enrolments.active().values("structure")
    )
