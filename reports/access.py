"""The first line of every report view: fetch through a queryset scoped to the person, then
check the permission. Anything not allowed is a 404."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from demarches.access import OVERVIEW_SHARING
from demarches.models import Cycle
from members.models import Network
from reports.models import Report


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise Http404


def cycle(request, pk: int, *, manage: bool = False) -> Cycle:
    found = get_object_or_404(
        Cycle.objects.visible_to(request.user, sharing=OVERVIEW_SHARING).select_related(
            "structure", "guide"
        ),
        pk=pk,
    )
    _require(
        request.user,
        "reports.manage_cycle_reports" if manage else "reports.view_cycle_reports",
        found,
    )
    return found


def network(request, pk: int) -> Network:
    found = get_object_or_404(Network.objects.managed_by(request.user), pk=pk)
    _require(request.user, "reports.manage_network_reports", found)
    return found


def report(request, pk: int, *, manage: bool = False) -> Report:
    user = request.user
    scope = Q(cycle__in=Cycle.objects.visible_to(user, sharing=OVERVIEW_SHARING)) | Q(
        network__in=Network.objects.managed_by(user)
    )
    found = get_object_or_404(
        Report.objects.live()
        .filter(scope)
        .select_related(
            "cycle__structure", "cycle__guide", "network", "same_as", "requested_by", "frozen_by"
        ),
        pk=pk,
    )
    _require(user, "reports.view_report", found)
    if manage and not can_manage(user, found):
        raise Http404
    return found


def can_manage(user, report: Report) -> bool:
    """Whether the person asks for, freezes and deletes the versions of this document: the
    pilot pair for a cycle's, the network's facilitators for a network's."""
    if report.cycle_id:
        return user.has_perm("reports.manage_cycle_reports", report.cycle)
    return user.has_perm("reports.manage_network_reports", report.network)


def readable_kinds(user, cycle: Cycle) -> list[str]:
    """The kinds of the cycle's reports the person may read: a fixed number of permission
    checks, however many versions there are."""
    return [
        kind
        for kind in Report.CYCLE_KINDS
        if user.has_perm("reports.view_report", Report(kind=kind, cycle=cycle, year=cycle.year))
    ]
