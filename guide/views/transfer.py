"""Excel import and export of guides.

An import takes two requests: the upload, then the confirmation after the preview. Another
web process may serve the second one, so the file waits in the default storage (not in
memory nor in a local temporary file), and the session only holds its name and the target.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guide import exports, imports
from guide.forms import ImportForm
from guide.models import Guide
from members.models import Network
from progress.lib import xlsx
from progress.lib.forms import parse_id

SESSION_KEY = "guide_import"
PENDING_KEYS = {"token", "guide", "title", "edition", "network"}


def may_import(user) -> bool:
    return user.is_staff or Network.objects.facilitated_by(user).exists()


def _stored_path(token: str) -> str:
    return f"imports/{token}.xlsx"


def _pending(request) -> dict | None:
    """The import waiting for confirmation in this session, if any."""
    pending = request.session.get(SESSION_KEY)
    try:
        uuid.UUID(hex=pending["token"])
    except (TypeError, KeyError, ValueError):
        return None
    return pending if pending.keys() >= PENDING_KEYS else None


def _forget(request, pending: dict) -> None:
    default_storage.delete(_stored_path(pending["token"]))
    request.session.pop(SESSION_KEY, None)


@login_required
def template_download(request):
    if not may_import(request.user):
        raise Http404
    return xlsx.response(exports.template_workbook(), "modele-guide.xlsx")


@login_required
def guide_export(request, pk):
    guide = get_object_or_404(Guide.objects.visible_to(request.user), pk=pk)
    return xlsx.response(exports.export_guide(guide), exports.filename(guide))


@login_required
def import_upload(request):
    if not may_import(request.user):
        raise Http404
    initial = {}
    if "guide" in request.GET:  # "Import into this guide", from the guide's page
        if parse_id(request.GET["guide"]) is None:
            raise Http404
        initial["guide"] = get_object_or_404(
            Guide.objects.editable_by(request.user), pk=request.GET["guide"]
        )
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        if previous := _pending(request):
            _forget(request, previous)
        token = uuid.uuid4().hex
        default_storage.save(_stored_path(token), form.cleaned_data["file"])
        target, network = form.cleaned_data["guide"], form.cleaned_data["network"]
        request.session[SESSION_KEY] = {
            "token": token,
            "guide": target.pk if target else None,
            "title": form.cleaned_data["title"],
            "edition": form.cleaned_data["edition"],
            "network": network.pk if network and not target else None,
        }
        return redirect("guide:import_preview")
    return render(request, "guide/import_upload.html", {"form": form})


@login_required
def import_preview(request):
    if not may_import(request.user):
        raise Http404
    pending = _pending(request)
    if pending is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("guide:import")
    guides = Guide.objects.editable_by(request.user)
    if request.method == "POST":
        # Two confirmations for the same guide would both create the same codes: one waits.
        guides = guides.select_for_update()
    guide = get_object_or_404(guides, pk=pending["guide"]) if pending["guide"] else None
    network = None
    if not guide and pending["network"]:
        network = get_object_or_404(Network.objects.managed_by(request.user), pk=pending["network"])

    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, pending)
        messages.info(request, _("Import cancelled: nothing was changed."))
        return redirect("guide:import")
    path = _stored_path(pending["token"])
    try:
        with default_storage.open(path) as upload:
            plan = imports.parse(upload, guide)
    except FileNotFoundError:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("The file is no longer available: choose it again."))
        return redirect("guide:import")
    except xlsx.SpreadsheetError as error:
        _forget(request, pending)
        messages.error(request, str(error))
        return redirect("guide:import")

    if request.method == "POST" and plan.is_valid:
        try:
            guide = imports.apply(
                plan,
                by=request.user,
                title=pending["title"],
                edition=pending["edition"],
                network=network,
            )
        except ValidationError as error:  # a guide took this title since the upload
            _forget(request, pending)
            messages.error(request, " ".join(error.messages))
            return redirect("guide:import")
        request.session.pop(SESSION_KEY, None)
        transaction.on_commit(lambda: default_storage.delete(path))
        messages.success(
            request,
            _("Import applied. Created: %(created)s, changed: %(changed)s, archived: %(archived)s.")
            % {
                "created": plan.count(imports.Status.CREATED),
                "changed": plan.count(imports.Status.CHANGED),
                "archived": plan.count(imports.Status.ARCHIVED),
            },
        )
        return redirect(guide)
    return render(
        request,
        "guide/import_preview.html",
        {
            "plan": plan,
            "guide": guide,
            "new_guide": None if guide else {**pending, "network": network},
        },
    )
