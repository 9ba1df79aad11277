from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from members.context_processors import active_roles_of
from members.models import Membership, Role
from progress.celery import app as celery_app


@login_required
def home(request):
    roles = active_roles_of(request)
    # The pilot pair of each of the person's structures and the size of each of their
    # networks: two queries, however many roles the person holds.
    pairs: dict[int, list[Role]] = {}
    for member in (
        Role.objects.active()
        .filter(structure__in=[r.structure_id for r in roles if r.structure_id])
        .filter(kind__in=Role.PAIR_KINDS)
        .select_related("person")
        .order_by("-kind")  # "pilot" sorts after "copilot": pilot first
    ):
        pairs.setdefault(member.structure_id, []).append(member)
    member_counts = dict(
        Membership.objects.filter(network__in=[r.network_id for r in roles if r.network_id])
        .values_list("network")
        .annotate(count=Count("pk"))
    )
    for role in roles:
        role.pair = pairs.get(role.structure_id, [])
        role.member_count = member_counts.get(role.network_id, 0)
    return render(request, "home.html", {"roles": roles})


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
