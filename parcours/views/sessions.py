"""Adding, changing and cancelling sessions; participants are told of a move or a
cancellation by e-mail."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours import access, services
from parcours.models import Session
from parcours.session_forms import CancelSessionForm, SessionForm


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
def create(request, pk):
    parcours = access.parcours(request, pk, manage=True)
    form = SessionForm(request.POST or None, instance=Session(parcours=parcours), parcours=parcours)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(parcours, places=form.place_names(), **form.changes())
        messages.success(request, _("Session added."))
        return redirect(session)
    return render(
        request,
        "parcours/session_form.html",
        {"parcours": parcours, "session": None, "form": form, "has_participants": False},
    )


@login_required
def edit(request, pk):
    session = access.session(request, pk, manage=True)
    # A copy, so that the service compares the input with the session as saved.
    form = SessionForm(request.POST or None, instance=copy.copy(session), parcours=session.parcours)
    if request.method == "POST" and form.is_valid():
        moved = services.edit_session(
            session, changes=form.changes(), places=form.place_names(), base_url=_base_url(request)
        )
        if moved and session.status == Session.Status.MOVED:
            messages.success(request, _("Session moved: its participants are e-mailed."))
        else:
            messages.success(request, _("Session saved."))
        return redirect(session)
    return render(
        request,
        "parcours/session_form.html",
        {
            "parcours": session.parcours,
            "session": session,
            "form": form,
            "has_participants": services.has_participants(session),
        },
    )


@login_required
def cancel(request, pk):
    session = access.session(request, pk, manage=True)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and not session.is_cancelled and form.is_valid():
        services.cancel_session(
            session, message=form.cleaned_data["message"], base_url=_base_url(request)
        )
        messages.success(request, _("Session cancelled."))
        return redirect(session.parcours)
    return render(
        request,
        "parcours/session_cancel.html",
        {
            "parcours": session.parcours,
            "session": session,
            "form": form,
            "participants": services.participants(session),
        },
    )
