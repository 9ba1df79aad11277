"""The reports of a structure's year and of a network: ask for one, follow its build (the
page polls until the PDF is ready), download it, freeze a version for the AG."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import access, services
from reports.forms import CycleRequestForm, FreezeForm, NetworkRequestForm
from reports.models import Report


def _visible_versions(user, reports):
    return [report for report in reports if user.has_perm("reports.view_report", report)]


@login_required
def cycle_reports(request, pk):
    cycle = access.cycle(request, pk)
    can_manage = request.user.has_perm("reports.manage_cycle_reports", cycle)
    reports = list(
        Report.objects.filter(cycle=cycle)
        .exclude(status=Report.Status.READY, same_as__isnull=False)
        .select_related("cycle", "requested_by", "frozen_by")
        .order_by("kind", "-number", "-requested_at")
    )
    visible = _visible_versions(request.user, reports)
    return render(
        request,
        "reports/cycle_reports.html",
        {
            "cycle": cycle,
            "can_manage": can_manage,
            "kinds": [
                {
                    "kind": Report.Kind(kind),
                    "reports": [r for r in visible if r.kind == kind],
                }
                for kind in Report.CYCLE_KINDS
            ],
            "debate": getattr(cycle, "ag_debate", None),
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
    report = services.request_report(kind=form.cleaned_data["kind"], cycle=cycle, by=request.user)
    return redirect(report)


@login_required
def network_reports(request, pk):
    network = access.network(request, pk)
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - 5, -1))
    form = NetworkRequestForm(request.POST or None, years=years, initial={"year": this_year})
    if request.method == "POST":
        if form.is_valid():
            report = services.request_report(
                kind=Report.Kind.NETWORK,
                network=network,
                year=form.cleaned_data["year"],
                by=request.user,
            )
            return redirect(report)
        messages.error(request, _("Choose a year among those offered."))
    reports = (
        Report.objects.filter(network=network)
        .exclude(status=Report.Status.READY, same_as__isnull=False)
        .select_related("requested_by", "frozen_by")
        .order_by("-year", "-number", "-requested_at")
    )
    return render(
        request,
        "reports/network_reports.html",
        {"network": network, "reports": reports, "form": form},
    )


def _report_context(request, report):
    manage_perm, subject = (
        ("reports.manage_cycle_reports", report.cycle)
        if report.cycle_id
        else ("reports.manage_network_reports", report.network)
    )
    can_manage = request.user.has_perm(manage_perm, subject)
    return {
        "report": report,
        "version": report.version,
        "can_manage": can_manage,
        "freeze_form": FreezeForm(report=report.version)
        if can_manage and report.status == Report.Status.READY and not report.version.is_frozen
        else None,
    }


@login_required
def report(request, pk):
    found = access.report(request, pk)
    template = "reports/_status.html" if request.htmx else "reports/report.html"
    return render(request, template, _report_context(request, found))


@login_required
def download(request, pk):
    found = access.report(request, pk).version
    if found.status != Report.Status.READY or not found.file:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = found.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, content_type="application/pdf", filename=name)


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
    back = (
        ("reports:cycle_reports", found.cycle_id)
        if found.cycle_id
        else ("reports:network_reports", found.network_id)
    )
    if found.is_in_flight:
        messages.error(request, _("This report is being built; wait until it is ready."))
        return redirect(found)
    try:
        services.delete_version(found)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(found)
    messages.success(request, _("Report deleted."))
    return redirect(*back)
