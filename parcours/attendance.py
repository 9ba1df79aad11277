"""Attendance: who is expected at a session; recording who came (the facilitator's tap, the
participant's check-in, apologies sent in advance); the follow-up of the absentees; the
attendance matrix that makes erosion visible; the notes for the network's board."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Role, Structure, User
from parcours.models import (
    Attendance,
    Enrolment,
    MeetingNote,
    Parcours,
    Resource,
    Session,
    SessionPlace,
)

# Participants arriving early scan the code while the coffee is served.
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=1)


class NotExpected(Exception):
    """The person is not expected at this session."""


class TooLate(Exception):
    """The session has started (or was cancelled): apologies are for sessions to come."""


class CheckinClosed(Exception):
    """Check-in opens an hour before the session and closes when it ends."""


# --- Who is expected --------------------------------------------------------------------------


@dataclass
class Expected:
    """A person expected at a session, for their structure, with what was recorded so far."""

    person: User
    structure: Structure
    enrolment: Enrolment | None
    is_pilot: bool
    attendance: Attendance | None = None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def note(self) -> str:
        return self.attendance.note if self.attendance else ""

    @property
    def checked_in_at(self) -> datetime.datetime | None:
        return self.attendance.checked_in_at if self.attendance else None

    @property
    def place(self) -> SessionPlace | None:
        return self.attendance.place if self.attendance else None

    @property
    def sent_apologies(self) -> bool:
        """Excused by their own apologies, sent in advance (rather than by the facilitators)."""
        return (
            self.status == Attendance.Status.EXCUSED
            and self.attendance.recorded_by_id == self.person.pk
        )


def expects(enrolment: Enrolment, session: Session) -> bool:
    """Whether an enrolment's pair is expected at a collective session: not at a session that
    was over before the structure enrolled, nor at one starting after it withdrew."""
    if enrolment.created_at > session.ends_at:
        return False
    return enrolment.withdrawn_at is None or enrolment.withdrawn_at > session.starts_at


def _pair_rows(enrolments: Iterable[Enrolment]) -> list[Expected]:
    return [
        Expected(person, enrolment.structure, enrolment, is_pilot=person == enrolment.pilot)
        for enrolment in enrolments
        for person in enrolment.people
    ]


def expected(session: Session) -> list[Expected]:
    """The people expected at a session, structure by structure, pilot first, each with their
    attendance if one was recorded: two queries, whatever the size of the cohort."""
    enrolments = session.parcours.enrolments.select_related("structure", "pilot", "copilot")
    if session.is_individual:
        # The meeting is with that structure: its pair is expected, whatever the dates.
        rows = _pair_rows(enrolments.filter(structure=session.structure_id))
        if not rows:
            rows = _pair_by_role(session)
    else:
        rows = _pair_rows(e for e in enrolments if expects(e, session))
    recorded = {a.person_id: a for a in session.attendances.select_related("place")}
    for row in rows:
        row.attendance = recorded.get(row.person.pk)
    return rows


def _pair_by_role(session: Session) -> list[Expected]:
    """An individual meeting with a structure that is not (or no longer) enrolled: its
    current pilot pair."""
    roles = (
        Role.objects.pair()
        .filter(structure=session.structure_id)
        .select_related("person", "structure")
    )
    return sorted(
        (Expected(r.person, r.structure, None, is_pilot=r.kind == Role.Kind.PILOT) for r in roles),
        key=lambda row: not row.is_pilot,
    )


def expected_row(session: Session, person: User) -> Expected | None:
    return next((row for row in expected(session) if row.person.pk == person.pk), None)


def present_count(rows: list[Expected]) -> int:
    return sum(1 for row in rows if row.status == Attendance.Status.PRESENT)


def count_sentence(rows: list[Expected]) -> str:
    present = present_count(rows)
    return ngettext(
        "%(present)s present out of %(expected)s",
        "%(present)s present out of %(expected)s",
        present,
    ) % {"present": present, "expected": len(rows)}


# --- Recording --------------------------------------------------------------------------------


@transaction.atomic
def record(
    session: Session,
    person: User,
    status: str,
    *,
    by: User,
    place: SessionPlace | None = None,
    note: str | None = None,
    checked_in_at: datetime.datetime | None = None,
) -> Attendance:
    """Record (or change) a person's attendance. The place is kept for those present only; a
    note or check-in time not given leaves the recorded one as it was."""
    row = expected_row(session, person)
    if row is None:
        raise NotExpected
    changes = {"status": status, "structure": row.structure, "recorded_by": by}
    if status != Attendance.Status.PRESENT:
        changes["place"] = None
    elif place is not None:
        changes["place"] = place
    if note is not None:
        changes["note"] = note
    if checked_in_at is not None:
        changes["checked_in_at"] = checked_in_at
    attendance, _created = Attendance.objects.update_or_create(
        session=session, person=person, defaults=changes
    )
    return attendance


def _refuse_if_started(session: Session, now: datetime.datetime | None) -> None:
    if session.is_cancelled or session.starts_at <= (now or timezone.now()):
        raise TooLate


def send_apologies(
    session: Session, person: User, note: str = "", now: datetime.datetime | None = None
) -> Attendance:
    _refuse_if_started(session, now)
    return record(session, person, Attendance.Status.EXCUSED, by=person, note=note)


def withdraw_apologies(
    session: Session, person: User, now: datetime.datetime | None = None
) -> bool:
    """Delete the apologies a person sent themselves (not a status the facilitators set)."""
    _refuse_if_started(session, now)
    deleted, _rows = Attendance.objects.filter(
        session=session, person=person, status=Attendance.Status.EXCUSED, recorded_by=person
    ).delete()
    return bool(deleted)


def checkin_is_open(session: Session, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        not session.is_cancelled
        and session.starts_at - CHECKIN_OPENS_BEFORE <= now <= session.ends_at
    )


def check_in(
    session: Session,
    person: User,
    *,
    place: SessionPlace | None = None,
    now: datetime.datetime | None = None,
) -> Attendance:
    now = now or timezone.now()
    if not checkin_is_open(session, now):
        raise CheckinClosed
    return record(
        session, person, Attendance.Status.PRESENT, by=person, place=place, checked_in_at=now
    )


# --- Dates as people read them ----------------------------------------------------------------


def clock(moment: datetime.datetime) -> str:
    """9 h 30, 14 h: the French way of writing a time."""
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


def day(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y")


def when(session: Session) -> str:
    """mardi 3 décembre 2026, 9 h 30 – 12 h 30"""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if start.date() == end.date():
        return f"{day(start)}, {clock(start)} – {clock(end)}"
    return f"{day(start)}, {clock(start)} – {day(end)}, {clock(end)}"


# --- Absentees --------------------------------------------------------------------------------


def absentees(rows: list[Expected]) -> list[Expected]:
    """Those recorded absent or with no record: the excused said so already."""
    return [row for row in rows if row.status in ("", Attendance.Status.ABSENT)]


def next_session(session: Session, now: datetime.datetime | None = None) -> Session | None:
    """The next collective session the absentees can still come to."""
    return (
        session.parcours.sessions.collective()
        .filter(starts_at__gt=max(session.starts_at, now or timezone.now()))
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at", "number")
        .first()
    )


def resources_of(session: Session) -> QuerySet[Resource]:
    """The session's resources, then the parcours' own."""
    return Resource.objects.filter(
        Q(session=session) | Q(session=None), parcours=session.parcours_id
    ).order_by(F("session").asc(nulls_last=True), "created_at")


def follow_up(
    session: Session, *, absolute_url: Callable[[str], str], signature: str
) -> tuple[str, str]:
    """The subject and body of the message to those who missed a session: what was covered,
    the resources, the next session."""
    subject = _("We missed you at session %(number)s: %(title)s") % {
        "number": session.number,
        "title": session.title,
    }
    lines = [
        _("Hello,"),
        "",
        _('We missed you at session %(number)s "%(title)s" on %(day)s.')
        % {"number": session.number, "title": session.title, "day": day(session.starts_at)},
    ]
    if session.agenda.strip():
        lines += ["", _("What was covered:"), session.agenda.strip()]
    resources = list(resources_of(session))
    if resources:
        lines += ["", _("Resources:")]
        for resource in resources:
            link = resource.url or absolute_url(reverse("parcours:resource", args=[resource.pk]))
            lines.append(f"- {resource.title} : {link}")
    coming = next_session(session)
    if coming:
        where = coming.place or coming.online_url
        lines += [
            "",
            _("Next session: %(title)s, %(when)s%(where)s.")
            % {"title": coming.title, "when": when(coming), "where": f", {where}" if where else ""},
        ]
    lines += ["", _("See you soon,"), signature]
    return subject, "\n".join(lines)


def mailto(address: str, subject: str, body: str) -> str:
    # RFC 6068: every character percent-encoded (spaces as %20, not +), lines end in CRLF.
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(address, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    )


# --- The attendance matrix --------------------------------------------------------------------


@dataclass
class Cell:
    kind: str  # full, partial, excused, absent, pending, cancelled, not_expected
    symbol: str
    short: str
    label: str  # what a screen reader says
    is_missed: bool = False
    present: int = 0
    expected: int = 0


@dataclass
class Column:
    session: Session
    is_held: bool
    present: int = 0
    expected: int = 0

    @property
    def rate(self) -> int | None:
        if not self.is_held or not self.expected:
            return None
        return round(100 * self.present / self.expected)


@dataclass
class Row:
    enrolment: Enrolment
    cells: list[Cell] = field(default_factory=list)

    @property
    def held(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.expected and cell.kind != "pending"]

    @property
    def attended(self) -> int:
        return sum(1 for cell in self.held if not cell.is_missed)

    @property
    def is_dropping_out(self) -> bool:
        """Erosion: an active structure that missed the last two sessions held."""
        last_two = self.held[-2:]
        return (
            self.enrolment.is_active
            and len(last_two) == 2
            and all(cell.is_missed for cell in last_two)
        )


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]

    @property
    def dropping_out(self) -> list[Row]:
        return [row for row in self.rows if row.is_dropping_out]


def _people_ids(enrolment: Enrolment) -> list[int]:
    return [pk for pk in (enrolment.pilot_id, enrolment.copilot_id) if pk]


def _cell(enrolment: Enrolment, session: Session, statuses: dict, *, is_held: bool) -> Cell:
    if session.is_cancelled:
        return Cell("cancelled", "", "", _("session cancelled"))
    if not expects(enrolment, session):
        return Cell("not_expected", "", "", _("not enrolled at that time"))
    people = _people_ids(enrolment)
    if not is_held:
        return Cell("pending", "—", "", _("not held yet"), expected=len(people))
    recorded = [statuses.get((session.pk, person)) for person in people]
    present = recorded.count(Attendance.Status.PRESENT)
    if not present:
        kind, symbol, label = (
            ("excused", "E", _("excused"))
            if Attendance.Status.EXCUSED in recorded
            else ("absent", "✘", _("absent"))
        )
        return Cell(kind, symbol, "", label, is_missed=True, expected=len(people))
    label = ngettext(
        "%(present)s/%(expected)s present", "%(present)s/%(expected)s present", present
    ) % {"present": present, "expected": len(people)}
    return Cell(
        "full" if present == len(people) else "partial",
        "✔" if present == len(people) else "◐",
        f"{present}/{len(people)}",
        label,
        present=present,
        expected=len(people),
    )


def matrix(parcours: Parcours, now: datetime.datetime | None = None) -> Matrix:
    """Structures (active and withdrawn) × collective sessions, in three queries."""
    return matrices([parcours], now)[parcours.pk]


def matrices(parcours: Iterable[Parcours], now: datetime.datetime | None = None) -> dict:
    """The matrix of each parcours (parcours id → Matrix), in three queries whatever their
    number: the network's activity report reads every parcours of the year."""
    ids = [p.pk for p in parcours]
    sessions, enrolments = defaultdict(list), defaultdict(list)
    for session in (
        Session.objects.collective().filter(parcours__in=ids).order_by("starts_at", "number")
    ):
        sessions[session.parcours_id].append(session)
    for enrolment in Enrolment.objects.filter(parcours__in=ids).select_related("structure"):
        enrolments[enrolment.parcours_id].append(enrolment)
    statuses = {
        (session_id, person_id): status
        for session_id, person_id, status in Attendance.objects.filter(
            session__parcours__in=ids, session__kind=Session.Kind.COLLECTIVE
        ).values_list("session_id", "person_id", "status")
    }
    now = now or timezone.now()
    return {pk: _matrix(sessions[pk], enrolments[pk], statuses, now) for pk in ids}


def _matrix(sessions: list, enrolments: list, statuses: dict, now: datetime.datetime) -> Matrix:
    columns = [Column(session, is_held=session.starts_at <= now) for session in sessions]
    rows = []
    for enrolment in enrolments:
        row = Row(enrolment)
        for column in columns:
            cell = _cell(enrolment, column.session, statuses, is_held=column.is_held)
            row.cells.append(cell)
            if column.is_held and cell.expected:
                column.present += cell.present
                column.expected += cell.expected
        rows.append(row)
    return Matrix(columns, rows)


# --- Notes for the board ----------------------------------------------------------------------


def notes_of(parcours: Parcours) -> QuerySet[MeetingNote]:
    """A communauté's notes for the board, the latest meeting first (for its page)."""
    return (
        MeetingNote.objects.filter(session__parcours=parcours)
        .select_related("session", "written_by")
        .order_by("-session__starts_at")
    )


@transaction.atomic
def save_note(session: Session, *, progress: str, proposals: str, by: User) -> MeetingNote:
    """One note per session, updated in place by whoever writes it next."""
    note, _created = MeetingNote.objects.update_or_create(
        session=session, defaults={"progress": progress, "proposals": proposals, "written_by": by}
    )
    return note


@dataclass
class PlaceGroup:
    name: str
    people: list[Expected]


def present_by_place(session: Session, rows: list[Expected]) -> list[PlaceGroup]:
    """Those present, place by place (a communauté meets in Lille and Amiens at once)."""
    present = [row for row in rows if row.status == Attendance.Status.PRESENT]
    places = list(session.places.all())
    if not places:
        return [PlaceGroup(session.place or _("People present"), present)] if present else []
    groups = [PlaceGroup(place.name, [r for r in present if r.place == place]) for place in places]
    unplaced = [row for row in present if row.place is None]
    if unplaced:
        groups.append(PlaceGroup(_("Place not recorded"), unplaced))
    return groups
