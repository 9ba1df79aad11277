"""The directory's export to Excel, and the import of a member list (.csv or .xlsx).

An import takes three requests: the upload, the column mapping, then the confirmation after the
preview. Another web process may serve the next one, so the file waits in the default storage
(not in memory nor in a local temporary file), and the session only holds its name, the
network and the mapping.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from members import exports, imports
from members.import_forms import MappingForm, UploadForm
from members.models import Membership, Network
from members.views.directory import directory_filters, directory_network
from progress.lib import xlsx

SESSION_KEY = "member_import"


@login_required
def directory_export(request):
    network = directory_network(request)
    memberships = Membership.objects.filter(network=network)
    # The same filters as the directory page, whose export link passes its query string.
    filters = directory_filters(request, memberships)
    content = exports.export_directory(network, filters.filter(memberships))
    return xlsx.response(content, exports.filename(network))


def _url(name: str, network: Network) -> str:
    return f"{reverse(name)}?reseau={network.pk}"


def _stored_path(pending: dict) -> str:
    return f"imports/{pending['token']}{pending['extension']}"


def _pending(request, network: Network) -> dict | None:
    """The import of `network` waiting in this session, if any."""
    pending = request.session.get(SESSION_KEY)
    try:
        uuid.UUID(hex=pending["token"])
        is_valid = pending["network"] == network.pk and pending["extension"] in (".csv", ".xlsx")
    except (TypeError, KeyError, ValueError):
        return None
    return pending if is_valid else None


def _forget(request, pending: dict) -> None:
    default_storage.delete(_stored_path(pending))
    request.session.pop(SESSION_KEY, None)


def _read(request, pending: dict) -> imports.Table | None:
    """The stored file's table; None, with a message, when it cannot be read any more."""
    try:
        with default_storage.open(_stored_path(pending)) as upload:
            return imports.read_table(upload)
    except FileNotFoundError:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("The file is no longer available: choose it again."))
    except xlsx.SpreadsheetError as error:
        _forget(request, pending)
        messages.error(request, str(error))
    return None


@login_required
def import_upload(request):
    network = directory_network(request)
    pending = _pending(request, network)
    is_upload = request.method == "POST" and request.POST.get("step") != "mapping"
    upload_form = UploadForm(request.POST, request.FILES) if is_upload else UploadForm()
    if is_upload and upload_form.is_valid():
        if pending:
            _forget(request, pending)
        upload = upload_form.cleaned_data["file"]
        pending = {
            "token": uuid.uuid4().hex,
            "extension": upload_form.extension,
            "filename": upload.name,
            "network": network.pk,
            "mapping": None,
        }
        default_storage.save(_stored_path(pending), upload)
        request.session[SESSION_KEY] = pending
        return redirect(_url("members:import", network))

    table = _read(request, pending) if pending else None
    if pending and table is None:
        return redirect(_url("members:import", network))
    mapping_form = None
    if table and request.method == "POST" and not is_upload:
        mapping_form = MappingForm(request.POST, table=table)
        if mapping_form.is_valid():
            request.session[SESSION_KEY] = {**pending, "mapping": mapping_form.mapping}
            return redirect(_url("members:import_preview", network))
    elif table:
        mapping = pending["mapping"] or imports.propose_mapping(table.headers)
        mapping_form = MappingForm(initial=MappingForm.initial_for(mapping), table=table)

    return render(
        request,
        "members/import_upload.html",
        {
            "network": network,
            "upload_form": upload_form,
            "mapping_form": mapping_form,
            "pending": pending,
            "table": table,
        },
    )


@login_required
def import_preview(request):
    network = directory_network(request)
    pending = _pending(request, network)
    if pending is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect(_url("members:import", network))
    if pending["mapping"] is None:
        messages.info(request, _("Check the columns of the file first."))
        return redirect(_url("members:import", network))
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, pending)
        messages.info(request, _("Import cancelled: nothing was changed."))
        return redirect(_url("members:directory", network))
    if request.method == "POST":
        # Two confirmations of one import (a double click) wait for each other: the second then
        # finds every structure already there, and changes nothing.
        Network.objects.select_for_update().get(pk=network.pk)
    table = _read(request, pending)
    if table is None:
        return redirect(_url("members:import", network))
    plan = imports.parse(table, pending["mapping"], network)

    if request.method == "POST":
        try:
            imports.apply(plan)
        except IntegrityError:  # another import created one of these SIRETs meanwhile
            messages.error(
                request,
                _(
                    "The directory changed during the import, which was not applied: check the "
                    "preview again."
                ),
            )
            return redirect(_url("members:import_preview", network))
        request.session.pop(SESSION_KEY, None)
        path = _stored_path(pending)
        transaction.on_commit(lambda: default_storage.delete(path))
        messages.success(
            request,
            _(
                "Import applied. New structures: %(created)s, added to the network: %(joined)s, "
                "updated: %(updated)s, rows with errors skipped: %(skipped)s."
            )
            % {
                "created": plan.count(imports.Status.CREATED),
                "joined": plan.count(imports.Status.JOINED),
                "updated": plan.count(imports.Status.UPDATED),
                "skipped": plan.skipped,
            },
        )
        return redirect(_url("members:directory", network))

    columns = [
        (label, table.column_label(pending["mapping"][key]))
        for key, label in exports.LABELS.items()
        if pending["mapping"].get(key) is not None
    ]
    return render(
        request,
        "members/import_preview.html",
        {"network": network, "plan": plan, "pending": pending, "columns": columns},
    )
