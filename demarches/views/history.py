"""The history of an answer or an action: who changed what, and when; a past version can be
restored (the restore is itself a new version, so it can be undone the same way)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from demarches import access, history, services


def _history_page(request, instance, *, restore_url: str, can_restore: bool):
    page, versions = history.versions_page(instance, request.GET.get("page"))
    return render(
        request,
        "demarches/history.html",
        {
            "cycle": instance.cycle,
            "object": instance,
            "page": page,
            "versions": versions,
            "restore_url": restore_url,
            "can_restore": can_restore,
        },
    )


def _restore(request, instance, history_pk):
    # Only a version of this very answer or action: an id from another one is a 404.
    record = get_object_or_404(instance.history.all(), history_id=history_pk)
    as_lead = request.user.has_perm("demarches.change_cycle", instance.cycle)
    services.restore(record, by=request.user, as_lead=as_lead)
    moment = formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    messages.success(
        request,
        _("The version of %(moment)s is restored. The history keeps the one it replaced.")
        % {"moment": moment},
    )
    return redirect(instance)


@login_required
def answer_history(request, pk):
    answer = access.answer(request, pk)
    return _history_page(
        request,
        answer,
        restore_url="demarches:answer_restore",
        can_restore=request.user.has_perm("demarches.change_answer", answer),
    )


@login_required
@require_POST
def answer_restore(request, pk, history_pk):
    return _restore(request, access.answer(request, pk, change=True), history_pk)


@login_required
def action_history(request, pk):
    action = access.action(request, pk)
    return _history_page(
        request,
        action,
        restore_url="demarches:action_restore",
        can_restore=request.user.has_perm("demarches.change_action", action),
    )


@login_required
@require_POST
def action_restore(request, pk, history_pk):
    return _restore(request, access.action(request, pk, change=True), history_pk)
