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
    if manage:
        perm, subject = (
            ("reports.manage_cycle_reports", found.cycle)
            if found.cycle_id
            else ("reports.manage_network_reports", found.network)
        )
        _require(user, perm, subject)
    return found


def readable_kinds(user, cycle: Cycle) -> list[str]:
    """The kinds of the cycle's reports the person may read: a fixed number of permission
    checks, however many versions there are."""
    return [
        kind
        for kind in Report.CYCLE_KINDS
        if user.has_perm("reports.view_report", Report(kind=kind, cycle=cycle, year=cycle.year))
    ]
