"""The reports of a structure's year and of a network: ask for one, follow its build (the
page polls until the PDF is ready), download it, freeze a version for the AG."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import access, services
from reports.forms import CycleRequestForm, FreezeForm, NetworkRequestForm
from reports.models import Report

# How many past years a network may build its activity report for.
NETWORK_YEARS = 5


@dataclass
class Document:
    """One document (a kind of a cycle's report, or a network's report of one year): its
    versions, newest first, and the requests worth showing: those waiting or running, and
    those that failed since the newest version."""

    label: str
    kind: str
    year: int | None
    versions: list[Report]
    requests: list[Report]

    @property
    def is_in_flight(self) -> bool:
        """A version is being built: asking again would only give that request."""
        return any(r.is_in_flight for r in self.requests)


def _document(label, kind, year, reports) -> Document:
    versions = sorted((r for r in reports if r.number), key=lambda r: r.number, reverse=True)
    newest = versions[0].requested_at if versions else None
    requests = sorted(
        (
            r
            for r in reports
            if r.is_in_flight
            or (r.status == Report.Status.FAILED and (newest is None or r.requested_at > newest))
        ),
        key=lambda r: r.requested_at,
        reverse=True,
    )
    return Document(label, kind, year, versions, requests)


def _reports(**subject):
    """A cycle's or a network's reports, without the requests answered by an existing
    version (they are that version): one query."""
    return (
        Report.objects.live()
        .filter(**subject)
        .exclude(status=Report.Status.READY, same_as__isnull=False)
        .select_related("requested_by", "frozen_by")
    )


@login_required
def cycle_reports(request, pk):
    cycle = access.cycle(request, pk)
    kinds = access.readable_kinds(request.user, cycle)
    reports = list(_reports(cycle=cycle, kind__in=kinds))
    documents = [
        _document(Report.Kind(kind).label, kind, cycle.year, [r for r in reports if r.kind == kind])
        for kind in kinds
    ]
    return render(
        request,
        "reports/cycle_reports.html",
        {
            "cycle": cycle,
            "documents": documents,
            "readable_kinds": kinds,
            "can_manage": request.user.has_perm("reports.manage_cycle_reports", cycle),
        },
    )


@login_required
@require_POST
def request_cycle_report(request, pk):
    cycle = access.cycle(request, pk, manage=True)
    form = CycleRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which document to build."))
        return redirect("reports:cycle_reports", cycle.pk)
    return _ask(request, kind=form.cleaned_data["kind"], cycle=cycle)


def _ask(request, **document):
    asked_at = timezone.now()
    report = services.request_report(by=request.user, **document)
    if report.requested_at < asked_at:
        messages.info(request, _("This document was already being built: here is that request."))
    return redirect(report)


@login_required
def network_reports(request, pk):
    network = access.network(request, pk)
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - NETWORK_YEARS, -1))
    form = NetworkRequestForm(request.POST or None, years=years, initial={"year": this_year})
    if request.method == "POST":
        if form.is_valid():
            return _ask(
                request, kind=Report.Kind.NETWORK, network=network, year=form.cleaned_data["year"]
            )
        messages.error(request, _("Choose a year among those offered."))
    reports = list(_reports(network=network))
    label = Report.Kind.NETWORK.label
    documents = [
        _document(label, Report.Kind.NETWORK, year, [r for r in reports if r.year == year])
        for year in sorted({r.year for r in reports}, reverse=True)
    ]
    return render(
        request,
        "reports/network_reports.html",
        {"network": network, "documents": documents, "form": form},
        status=400 if form.errors else 200,
    )


def _report_context(request, report):
    version = report.version
    can_manage = access.can_manage(request.user, report)
    is_open_version = version.status == Report.Status.READY and not version.is_frozen
    return {
        "report": report,
        "version": version,
        "cycle": report.cycle,
        "can_manage": can_manage,
        "freeze_form": FreezeForm(report=version) if can_manage and is_open_version else None,
        "can_delete": can_manage and is_open_version and version == report,
    }


@login_required
def report(request, pk):
    try:
        found = access.report(request, pk)
    except Http404:
        if not request.htmx:
            raise
        # Deleted while the page was polling it: htmx stops polling on status 286.
        message = format_html(
            '<p id="report-status" role="status">{}</p>', _("This report no longer exists.")
        )
        return HttpResponse(message, status=286)
    if request.htmx and request.GET.get("seen") == f"{found.status}:{found.stage}":
        # Nothing new since the last poll: no swap, so a screen reader has nothing to re-read.
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        return response
    context = _report_context(request, found)
    if request.htmx:
        response = render(request, "reports/_status.html", context)
    else:
        layout = "reports/_cycle_layout.html" if found.cycle_id else "reports/_network_layout.html"
        response = render(request, "reports/report.html", {**context, "layout": layout})
    # The same URL answers the page and, to htmx's polling, the fragment.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def download(request, pk):
    asked = access.report(request, pk)
    found = asked.version
    same_document = (found.kind, found.cycle_id, found.network_id, found.year) == (
        asked.kind,
        asked.cycle_id,
        asked.network_id,
        asked.year,
    )
    if found.status != Report.Status.READY or not found.file or not same_document:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = found.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, content_type="application/pdf", filename=name)


@login_required
@require_POST
def freeze(request, pk):
    found = access.report(request, pk, manage=True).version
    form = FreezeForm(request.POST, report=found)
    if not form.is_valid():
        messages.error(request, _("Give the date of the AG, as 14/06/2026."))
        return redirect(found)
    try:
        services.freeze(found, for_date=form.cleaned_data["for_date"], by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(found)
    messages.success(
        request, _("Version %(number)s is frozen for the AG.") % {"number": found.number}
    )
    return redirect(found)


@login_required
@require_POST
def delete(request, pk):
    found = access.report(request, pk, manage=True)
    try:
        services.delete_version(found)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(found)
    messages.success(request, _("The version is deleted."))
    if found.cycle_id:
        return redirect("reports:cycle_reports", found.cycle_id)
    return redirect("reports:network_reports", found.network_id)
