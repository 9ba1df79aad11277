"""Step 9: the steering table as .xlsx, out and back in.

An import takes two requests: the upload, then the confirmation after the preview. Another
web process may serve the second one, so the file waits in the default storage (not in
memory nor in a local temporary file), and the session only holds its name, the cycle, and
the versions of what the preview showed: the confirmation applies nothing when one of them
changed since.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from demarches import access, exports, imports, services
from demarches.import_forms import ImportForm
from demarches.models import Cycle
from progress.lib import xlsx

SESSION_KEY = "demarche_import"


def _stored_path(token: str) -> str:
    return f"imports/{token}.xlsx"


def _pending(request, cycle: Cycle | None) -> dict | None:
    """The import into `cycle` (into any cycle: None) waiting for confirmation in this
    session, if any."""
    pending = request.session.get(SESSION_KEY)
    try:
        uuid.UUID(hex=pending["token"])
        is_valid = cycle is None or pending["cycle"] == cycle.pk
    except (TypeError, KeyError, ValueError):
        return None
    return pending if is_valid else None


def _forget(request, pending: dict) -> None:
    default_storage.delete(_stored_path(pending["token"]))
    request.session.pop(SESSION_KEY, None)


def _page(request, cycle: Cycle, form: ImportForm | None):
    can_import = request.user.has_perm("demarches.change_cycle", cycle)
    if can_import and form is None:
        form = ImportForm(cycle=cycle)
    return render(
        request,
        "demarches/transfer.html",
        {
            "cycle": cycle,
            "form": form if can_import else None,
            "pending": _pending(request, cycle) if can_import else None,
            "sheets": exports.SHEETS,
        },
    )


@login_required
def transfer(request, pk):
    cycle = access.cycle(request, pk)
    return _page(request, cycle, None)


@login_required
@require_GET
def export(request, pk):
    cycle = access.cycle(request, pk)
    content = xlsx.workbook_bytes(exports.export_cycle(cycle))
    if request.user.has_perm("demarches.change_cycle", cycle):
        # Step 9 is the pilot pair's: a board member or a facilitator reading the table does
        # not make it the structure's steering tool.
        services.record_export(cycle)
    return xlsx.response(content, exports.filename(cycle))


@login_required
def import_upload(request, pk):
    cycle = access.cycle(request, pk, change=True)
    form = ImportForm(request.POST or None, request.FILES or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        if previous := _pending(request, None):  # one import at a time, whatever the cycle
            _forget(request, previous)
        token = uuid.uuid4().hex
        default_storage.save(_stored_path(token), form.cleaned_data["file"])
        request.session[SESSION_KEY] = {
            "token": token,
            "cycle": cycle.pk,
            "filename": form.cleaned_data["file"].name,
            "stamps": None,  # set by the preview
        }
        return redirect("demarches:import_preview", cycle.pk)
    return _page(request, cycle, form)


@login_required
def import_preview(request, pk):
    cycle = access.cycle(request, pk, change=True)
    pending = _pending(request, cycle)
    if pending is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("demarches:import", cycle.pk)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, pending)
        messages.info(request, _("Import cancelled: nothing was changed."))
        return redirect("demarches:transfer", cycle.pk)
    if request.method == "POST":
        # Two confirmations of one import (a double click) wait for each other: the second
        # then finds the versions changed, and applies nothing.
        Cycle.objects.select_for_update().get(pk=cycle.pk)

    path = _stored_path(pending["token"])
    try:
        with default_storage.open(path) as upload:
            plan = imports.parse(upload, cycle)
    except FileNotFoundError:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("The file is no longer available: choose it again."))
        return redirect("demarches:import", cycle.pk)
    except xlsx.SpreadsheetError as error:
        _forget(request, pending)
        messages.error(request, str(error))
        return redirect("demarches:import", cycle.pk)

    if request.method == "POST" and plan.is_valid and pending.get("stamps") is not None:
        return _apply(request, cycle, pending, plan)
    # What the person sees now is what a confirmation may apply.
    request.session[SESSION_KEY] = {**pending, "stamps": plan.stamps}
    return render(
        request,
        "demarches/import_preview.html",
        {"cycle": cycle, "plan": plan, "pending": pending},
    )


def _apply(request, cycle: Cycle, pending: dict, plan: imports.Plan):
    if not plan.has_changes:
        _forget(request, pending)
        messages.info(request, _("No changes: the table is identical."))
        return redirect(cycle)
    try:
        imports.apply(plan, by=request.user, stamps=pending["stamps"])
    except imports.Stale as stale:
        _forget(request, pending)
        messages.error(
            request,
            _(
                "“%(label)s” was changed by someone else since the preview: nothing was "
                "imported. Choose the file again to see the changes as they are now."
            )
            % {"label": stale.label},
        )
        return redirect("demarches:import", cycle.pk)
    request.session.pop(SESSION_KEY, None)
    path = _stored_path(pending["token"])
    transaction.on_commit(lambda: default_storage.delete(path))
    messages.success(
        request,
        ngettext(
            "Steering table imported: %(count)s change applied.",
            "Steering table imported: %(count)s changes applied.",
            plan.change_count,
        )
        % {"count": plan.change_count},
    )
    return redirect(cycle)
