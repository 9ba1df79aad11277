from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from demarches import steps
from demarches.models import Cycle
from members.context_processors import acting_role_of, active_roles_of
from members.models import Membership, Role
from progress.celery import app as celery_app
from reports.models import Report
from reports.rules import READERS


@login_required
def home(request):
    roles = active_roles_of(request)
    # The pilot pair of each of the person's structures and the size of each of their
    # networks: two queries, however many roles the person holds.
    pairs: dict[int, list[Role]] = {}
    for member in (
        Role.objects.pair()
        .filter(structure__in=[r.structure_id for r in roles if r.structure_id])
        .select_related("person")
        .order_by("-kind")  # "pilot" sorts after "copilot": pilot first
    ):
        pairs.setdefault(member.structure_id, []).append(member)
    member_counts = dict(
        Membership.objects.filter(network__in=[r.network_id for r in roles if r.network_id])
        .values_list("network")
        .annotate(count=Count("pk"))
    )
    # The latest year of each of the person's structures: one more query.
    latest = Cycle.objects.filter(structure=OuterRef("structure")).order_by("-year")
    cycles = {
        cycle.structure_id: cycle
        for cycle in Cycle.objects.filter(
            structure__in=[r.structure_id for r in roles if r.structure_id],
            pk=Subquery(latest.values("pk")[:1]),
        )
    }
    frozen = _latest_frozen_reports(roles)
    for role in roles:
        role.pair = pairs.get(role.structure_id, [])
        role.member_count = member_counts.get(role.network_id, 0)
        role.cycle = cycles.get(role.structure_id)
        role.frozen_reports = frozen.get(role.structure_id, []) if role.kind in READERS else []
    return render(request, "home.html", {"roles": roles, "demarche": _my_demarche(request, cycles)})


def _latest_frozen_reports(roles) -> dict[int, list[Report]]:
    """For each structure where the person reads the reports (board, pilot pair): the latest
    version frozen for an AG of each kind, full report first. One query for all of them."""
    structures = [r.structure_id for r in roles if r.structure_id and r.kind in READERS]
    if not structures:
        return {}
    latest = (
        Report.objects.frozen()
        .filter(cycle__structure=OuterRef("cycle__structure"), kind=OuterRef("kind"))
        .order_by("-year", "-frozen_for", "-number")
    )
    found: dict[int, list[Report]] = {}
    for report in (
        Report.objects.frozen()
        .filter(cycle__structure__in=structures, pk=Subquery(latest.values("pk")[:1]))
        .select_related("cycle")
        .order_by("kind")  # "full" before "synthesis"
    ):
        found.setdefault(report.cycle.structure_id, []).append(report)
    return found


def _my_demarche(request, cycles) -> dict | None:
    """Where the démarche of the structure the person acts for stands."""
    acting = acting_role_of(request)
    if acting is None or not acting.structure_id:
        return None
    cycle = cycles.get(acting.structure_id)
    if cycle is None:
        return {"structure": acting.structure, "cycle": None}
    states = steps.overview(cycle)
    return {
        "structure": acting.structure,
        "cycle": cycle,
        "current": steps.current_step(states),
        "next_milestone": cycle.milestones.filter(done_on=None).order_by("due_on").first(),
    }


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """For load balancers and monitoring: can this process reach the database and the broker?"""
    checks = {"database": _check_database(), "broker": _check_broker()}
    status = 200 if checks["database"] == "ok" else 503
    return JsonResponse(checks, status=status)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "not usable", whatever the driver raised
        connection.close()
        return "error"
    return "ok"


def _check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "ok (in-process)"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "error"
    return "ok"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin site's pages do not)."""
    return redirect(static("img/logo.svg"), permanent=True)
