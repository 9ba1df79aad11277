"""Attendance: taken by the facilitators in one tap per person on a phone, or by the
participants themselves (check-in with the session's QR code, apologies sent in advance);
the follow-up of the absentees; the matrix that shows erosion; the note for the board."""

import copy

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours import access, attendance
from parcours.attendance_forms import (
    ApologiesForm,
    AttendanceForm,
    CheckinForm,
    MeetingNoteForm,
)
from parcours.models import Attendance, MeetingNote, Session


@login_required
@require_http_methods(["GET", "POST"])
def take(request, pk):
    session = access.session(request, pk, manage=True)
    rows = attendance.expected(session)
    places = list(session.places.all())
    # With one place, that is where everyone present is; with several, the facilitator says
    # where they stand (Lille or Amiens) and the taps count there.
    chosen = [p for p in places if len(places) == 1 or str(p.pk) == request.GET.get("lieu")]
    place = chosen[0] if chosen else None
    if request.method == "POST":
        return _record(request, session, rows, places)
    return render(
        request,
        "parcours/attendance.html",
        {
            **_row_context(session, place),
            "parcours": session.parcours,
            "rows": rows,
            "places": places if len(places) > 1 else [],
            "count": attendance.count_sentence(rows),
            "when": attendance.when(session),
        },
    )


def _row_context(session: Session, place) -> dict:
    return {
        "session": session,
        "place": place,
        "statuses": Attendance.Status.choices,
        "action_url": reverse("parcours:attendance", args=[session.pk]),
    }


def _record(request, session, rows, places):
    """One tap: saved at once, then the row again (htmx) or the page (without JavaScript)."""
    form = AttendanceForm(request.POST, rows=rows, places=places)
    if form.is_about_someone_not_expected:
        raise Http404
    row = form.rows[form.cleaned_data["person"]]
    error, place = "", None
    if form.is_valid():
        place = form.chosen_place
        row.attendance = attendance.record(
            session, row.person, form.cleaned_data["status"], by=request.user, place=place
        )
    else:
        error = next(iter(form.errors.values()))[0]
    if request.htmx:
        return render(
            request,
            "parcours/_attendance_row.html",
            {
                **_row_context(session, place),
                "row": row,
                "error": error,
                "count": attendance.count_sentence(rows),
                "oob": True,
            },
        )
    if error:
        messages.error(request, error)
    query = f"?lieu={place.pk}" if place else ""
    page = reverse("parcours:attendance", args=[session.pk])
    return redirect(f"{page}{query}#attendance-{row.person.pk}")


@login_required
def checkin_qr(request, pk):
    """The QR code to show on the room's screen, with the count of those checked in."""
    session = access.session(request, pk, manage=True)
    count = attendance.count_sentence(attendance.expected(session))
    if request.htmx:  # the count, polled while people arrive
        return HttpResponse(escape(count))
    url = request.build_absolute_uri(reverse("parcours:checkin", args=[session.checkin_token]))
    # segno writes the SVG from our own URL: no user text goes into it.
    qr = segno.make(url, error="m").svg_inline(
        scale=4, omitsize=True, dark="#000", light="#fff", svgclass="checkin-qr-svg"
    )
    return render(
        request,
        "parcours/checkin_qr.html",
        {
            "session": session,
            "parcours": session.parcours,
            "qr": mark_safe(qr),
            "url": url,
            "count": count,
            "when": attendance.when(session),
            "is_open": attendance.checkin_is_open(session),
            "opens_at": attendance.clock(session.starts_at - attendance.CHECKIN_OPENS_BEFORE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, token):
    """'Je suis là', for a participant who scanned the session's QR code."""
    found = get_object_or_404(Session.objects.values_list("pk", flat=True), checkin_token=token)
    session = access.session(request, found, take_part=True)
    row = attendance.expected_row(session, request.user)
    if row is None:
        raise Http404
    places = list(session.places.all())
    # A check-in posts no field unless the meeting has several places: bound all the same.
    form = CheckinForm(request.POST if request.method == "POST" else None, places=places)
    is_open = attendance.checkin_is_open(session)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            attendance.check_in(session, request.user, place=form.chosen_place)
        except attendance.CheckinClosed:
            is_open = False  # it closed in between: say so below
        else:
            return redirect(request.path)
    return render(
        request,
        "parcours/checkin.html",
        {
            "session": session,
            "parcours": session.parcours,
            "row": row,
            "form": form,
            "places": places if len(places) > 1 else [],
            "is_open": is_open,
            "is_over": session.is_past,
            "is_present": row.status == Attendance.Status.PRESENT,
            "when": attendance.when(session),
        },
    )


@login_required
@require_POST
def apologies(request, pk):
    session = access.session(request, pk, take_part=True)
    form = ApologiesForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return _back_to(request, session)
    try:
        if form.cleaned_data["cancel"]:
            if attendance.withdraw_apologies(session, request.user):
                messages.success(request, _("Your apologies are withdrawn: see you there."))
            else:
                messages.info(request, _("You had sent no apologies for this session."))
        else:
            attendance.send_apologies(session, request.user, form.cleaned_data["note"])
            messages.success(
                request, _("Your apologies are sent: the facilitators know you cannot come.")
            )
    except attendance.TooLate:
        messages.error(
            request,
            _("This session is cancelled.")
            if session.is_cancelled
            else _(
                "The session has started: apologies can no longer be sent or withdrawn here. "
                "Tell the facilitators directly."
            ),
        )
    except attendance.NotExpected:
        messages.error(
            request,
            _("You are not expected at this session: your structure was not enrolled then."),
        )
    return _back_to(request, session)


def _back_to(request, session):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = session.get_absolute_url()
    return redirect(target)


@login_required
def absentees(request, pk):
    session = access.session(request, pk, manage=True)
    context = {
        "session": session,
        "parcours": session.parcours,
        "when": attendance.when(session),
        "is_over": session.is_past and not session.is_cancelled,
    }
    if context["is_over"]:
        subject, body = attendance.follow_up(
            session, absolute_url=request.build_absolute_uri, signature=request.user.full_name
        )
        context |= {
            "subject": subject,
            "body": body,
            "absentees": [
                {"row": row, "mailto": attendance.mailto(row.person.email, subject, body)}
                for row in attendance.absentees(attendance.expected(session))
            ],
        }
    return render(request, "parcours/absentees.html", context)


@login_required
def matrix(request, pk):
    parcours = access.parcours(request, pk, manage=True)
    return render(
        request,
        "parcours/matrix.html",
        {"parcours": parcours, "matrix": attendance.matrix(parcours)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_note(request, pk):
    """The facilitator's note for the network's board, and its printable version."""
    session = access.session(request, pk, manage=True)
    note = MeetingNote.objects.filter(session=session).select_related("written_by").first()
    # A copy, so that the printable note shows what is saved, not what failed validation.
    form = MeetingNoteForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(note)
    )
    if request.method == "POST" and form.is_valid():
        attendance.save_note(session, **form.cleaned_data, by=request.user)
        messages.success(request, _("Note for the board saved."))
        return redirect("parcours:meeting_note", session.pk)
    rows = attendance.expected(session)
    return render(
        request,
        "parcours/meeting_note.html",
        {
            "session": session,
            "parcours": session.parcours,
            "note": note,
            "form": form,
            "when": attendance.when(session),
            "count": attendance.count_sentence(rows),
            "by_place": attendance.present_by_place(session, rows),
            "excused": [row for row in rows if row.status == Attendance.Status.EXCUSED],
        },
    )
