"""Step 1: the pilot pair and the plan of the year up to the AG."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from demarches import access
from demarches.models import Milestone
from demarches.plan_forms import DefaultPlanForm, MilestoneForm
from members.models import Role


def _saved(request, form: MilestoneForm, milestone: Milestone) -> None:
    messages.success(request, _("Milestone “%(milestone)s” saved.") % {"milestone": milestone})
    if form.is_after_ag:
        messages.warning(
            request,
            _("It is planned after the AG of %(date)s: is that intended?")
            % {"date": date_format(milestone.cycle.ag_on)},
        )


@login_required
def plan(request, pk):
    cycle = access.cycle(request, pk, change=request.method == "POST")
    can_change = request.user.has_perm("demarches.change_cycle", cycle)
    form = default_form = None
    if can_change:
        data = request.POST if request.method == "POST" else None
        proposing = data is not None and "propose" in data
        form = MilestoneForm(None if proposing else data, cycle=cycle)
        default_form = DefaultPlanForm(data if proposing else None, cycle=cycle)
        if proposing and default_form.is_valid():
            default_form.save()
            messages.success(
                request, _("A plan dated from the AG is proposed: adjust its dates as you need.")
            )
            return redirect("demarches:plan", cycle.pk)
        if data is not None and not proposing and form.is_valid():
            _saved(request, form, form.save())
            return redirect("demarches:plan", cycle.pk)
    pair = (
        Role.objects.pair()
        .filter(structure=cycle.structure)
        .select_related("person")
        .order_by("-kind")  # the pilot, then the co-pilot
    )
    return render(
        request,
        "demarches/plan.html",
        {
            "cycle": cycle,
            "pair": pair,
            "milestones": cycle.milestones.all(),
            "can_change": can_change,
            "can_hand_over": request.user.has_perm("members.hand_over", cycle.structure),
            "form": form,
            "default_form": default_form,
        },
    )


@login_required
def milestone_edit(request, pk):
    milestone = access.milestone(request, pk)
    cycle = milestone.cycle
    form = MilestoneForm(request.POST or None, instance=milestone, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        _saved(request, form, form.save())
        return redirect("demarches:plan", cycle.pk)
    return render(
        request,
        "demarches/milestone_form.html",
        {"cycle": cycle, "milestone": milestone, "form": form},
    )


@login_required
@require_POST
def milestone_delete(request, pk):
    milestone = access.milestone(request, pk)
    milestone.delete()
    messages.success(request, _("Milestone “%(milestone)s” deleted.") % {"milestone": milestone})
    return redirect("demarches:plan", milestone.cycle_id)
