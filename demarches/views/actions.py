"""Step 8, the action plan: the list with its filters and totals, one action with its check
step, the check evidence, and the month calendar."""

import copy
from collections import Counter
from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from demarches import access, calendars, services
from demarches.action_forms import ActionFilterForm, ActionForm
from demarches.models import Action, Answer
from progress.lib import charts

# The codes of an action's items, in the guide's order, without one query per action.
LINKED_ANSWERS = Prefetch(
    "answers", queryset=Answer.objects.select_related("item", "domain").in_guide_order()
)


@login_required
def action_list(request, pk):
    cycle = access.cycle(request, pk)
    filters = ActionFilterForm(request.GET or None, cycle=cycle, user=request.user)
    actions = list(
        filters.filter(cycle.actions.select_related("owner").prefetch_related(LINKED_ANSWERS))
    )
    return render(
        request,
        "demarches/action_list.html",
        {
            "cycle": cycle,
            "filters": filters,
            "actions": actions,
            "totals": _totals(actions),
            "status_chart": _status_chart(cycle),
            "can_create": request.user.has_perm("demarches.change_cycle", cycle),
        },
    )


def _totals(actions: list[Action]) -> dict:
    counts = Counter(action.status for action in actions)
    return {
        "count": len(actions),
        "by_status": [(label, counts[status]) for status, label in Action.Status.choices],
        "budget": sum((action.budget for action in actions if action.budget), Decimal(0)),
    }


def _status_chart(cycle) -> charts.Chart | None:
    """Where the whole plan stands, whatever the filters: one query."""
    counts = cycle.actions.count_by_status()
    total = sum(counts.values())
    if not total:
        return None
    return charts.status_chart(
        [(status, label, counts[status]) for status, label in Action.Status.choices],
        title=ngettext(
            "Status of the plan's only action",
            "Status of the plan's %(count)s actions",
            total,
        )
        % {"count": total},
    )


@login_required
def create(request, pk):
    cycle = access.cycle(request, pk, change=True)
    form = ActionForm(request.POST or None, request.FILES or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        action = Action.objects.create(cycle=cycle, updated_by=request.user, **form.changes())
        action.answers.set(form.linked_answers)
        messages.success(request, _("Action added to the plan."))
        return redirect(action)
    return render(request, "demarches/action.html", {"cycle": cycle, "action": None, "form": form})


@login_required
def action(request, pk):
    """The action for everyone who reads the démarche; its form for the pilot pair and for
    the contributor who carries it."""
    action = access.action(request, pk)
    can_edit = request.user.has_perm("demarches.change_action", action)
    if request.method == "POST" and not can_edit:
        raise Http404
    form, conflict, differences = None, None, []
    if can_edit:
        form = ActionForm(
            request.POST or None,
            request.FILES or None,
            # A copy, so that what the page shows above the form stays what is saved.
            instance=copy.copy(action),
            cycle=action.cycle,
            can_lead=request.user.has_perm("demarches.change_cycle", action.cycle),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_action(
                action,
                form.changes(),
                version=form.posted_version,
                by=request.user,
                answers=form.linked_answers,
            )
        except services.Conflict as error:
            conflict = error.current
            differences = form.differences(conflict)
        else:
            messages.success(request, _("Action saved."))
            return redirect(action)
    return render(
        request,
        "demarches/action.html",
        {
            "cycle": action.cycle,
            "action": action,
            "linked": action.answers.select_related("item", "domain").in_guide_order(),
            "check_file_name": PurePath(action.check_file.name).name if action.check_file else "",
            "form": form,
            "conflict": conflict,
            "differences": differences,
        },
    )


@login_required
def check_file(request, pk):
    """The check evidence is served here, after the permission check, never from the media
    URL."""
    action = access.action(request, pk)
    if not action.check_file:
        raise Http404
    try:
        stored = action.check_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=PurePath(action.check_file.name).name)


@login_required
def calendar(request, pk):
    cycle = access.cycle(request, pk)
    today = timezone.localdate()
    first = calendars.parse_month(request.GET.get("mois"), today=today)
    month = calendars.month_grid(first, _calendar_entries(cycle, first), today=today)
    return render(
        request,
        "demarches/calendar.html",
        {
            "cycle": cycle,
            "month": month,
            "month_param": calendars.month_param(month.first),
            "previous_param": calendars.month_param(month.previous),
            "next_param": calendars.month_param(month.next),
            "this_month_param": calendars.month_param(today),
            "is_this_month": month.first == today.replace(day=1),
        },
    )


# The order of a day's entries: the plan of the year first, then what is due, then what starts.
ENTRY_ORDER = ["milestone", "presentation", "action_due", "action_start"]


def _calendar_entries(cycle, first) -> list[calendars.Entry]:
    """What falls in the month: three queries, whatever the number of actions."""
    days = (first, calendars.last_day(first))
    entries = []
    plan_url = reverse("demarches:plan", args=[cycle.pk])
    for milestone in cycle.milestones.filter(due_on__range=days):
        entries.append(
            calendars.Entry(
                milestone.due_on, "milestone", milestone.label, plan_url, milestone.is_late
            )
        )
    presentations_url = reverse("demarches:presentations", args=[cycle.pk])
    for presentation in cycle.presentations.filter(held_on__range=days):
        entries.append(
            calendars.Entry(
                presentation.held_on,
                "presentation",
                presentation.get_kind_display(),
                presentations_url,
            )
        )
    for action in cycle.actions.filter(Q(due_on__range=days) | Q(starts_on__range=days)):
        url = action.get_absolute_url()
        if action.due_on and days[0] <= action.due_on <= days[1]:
            entries.append(
                calendars.Entry(action.due_on, "action_due", action.title, url, action.is_overdue)
            )
        # An action that starts and ends the same day shows once, on its due date.
        starts_on = action.starts_on
        if starts_on and starts_on != action.due_on and days[0] <= starts_on <= days[1]:
            entries.append(calendars.Entry(starts_on, "action_start", action.title, url))
    entries.sort(key=lambda entry: (entry.day, ENTRY_ORDER.index(entry.kind), entry.label))
    return entries
