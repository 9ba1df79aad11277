"""A structure's démarche year after year: opening a year, where it stands on the 12 steps,
going on to the next year, and the chemin parcouru since the first one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from demarches import access, debate, progression, services, steps
from demarches.cycle_forms import (
    STEP_NUMBERS,
    CycleForm,
    MarkStepForm,
    StartCycleForm,
    already_started_message,
)
from demarches.models import Cycle
from members.models import Membership, Network, Role, Structure


@login_required
def structure_home(request, pk):
    """The structure's latest year the person may see; or, when there is none, how to start."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    cycles = Cycle.objects.visible_to(request.user, sharing=access.OVERVIEW_SHARING)
    latest = cycles.filter(structure=structure).order_by("-year").first()
    if latest:
        return redirect(latest)
    user = request.user
    works_here = Role.objects.active().filter(person=user, structure=structure).exists()
    shares = (
        works_here
        or user.is_staff
        or Membership.objects.active()
        .filter(
            structure=structure,
            network__in=Network.objects.facilitated_by(user),
            sharing__in=access.OVERVIEW_SHARING,
        )
        .exists()
    )
    return render(
        request,
        "demarches/structure_home.html",
        {
            "structure": structure,
            "shares": shares,
            "can_start": user.has_perm("demarches.start_cycle", structure),
        },
    )


@login_required
def start(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("demarches.start_cycle", structure):
        raise Http404
    form = StartCycleForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.start_cycle(
                structure,
                year=data["year"],
                guide=data["guide"],
                ag_on=data["ag_on"],
                by=request.user,
            )
        except IntegrityError:  # someone started the same year a moment ago
            form.add_error("year", already_started_message())
        else:
            if cycle.previous_id:
                message = _("Démarche %(year)s started from %(previous)s.") % {
                    "year": cycle.year,
                    "previous": cycle.year - 1,
                }
            else:
                message = _("Démarche %(year)s started.") % {"year": cycle.year}
            messages.success(request, message)
            return redirect(cycle)
    return render(request, "demarches/start.html", {"structure": structure, "form": form})


@login_required
def cycle(request, pk):
    """Where the structure stands on the 12 steps, its plan of the year and its years."""
    cycle = access.cycle_overview(request, pk)
    user = request.user
    states = steps.overview(cycle)
    years = list(
        Cycle.objects.visible_to(user, sharing=access.OVERVIEW_SHARING)
        .filter(structure_id=cycle.structure_id)
        .order_by("year")
        .only("pk", "year")
    )
    can_read = user.has_perm("demarches.view_cycle", cycle)
    can_lead = user.has_perm("demarches.change_cycle", cycle)
    # The AG debate is part of the full démarche, not of the overview a summary shares.
    ag_debate, last_year_debate = debate.for_cycle_page(cycle) if can_read else (None, None)
    today = timezone.localdate()
    return render(
        request,
        "demarches/cycle.html",
        {
            "cycle": cycle,
            "states": states,
            "current": steps.current_step(states),
            "pair": Role.objects.pair()
            .filter(structure_id=cycle.structure_id)
            .select_related("person")
            .order_by("-kind"),  # the pilot, then the co-pilot
            "milestones": cycle.milestones.all(),
            "days_to_ag": (cycle.ag_on - today).days if cycle.ag_on else None,
            "years": years,
            "has_next_year": any(other.year == cycle.year + 1 for other in years),
            "can_read": can_read,
            "can_lead": can_lead,
            "ag_debate": ag_debate,
            "last_year_debate": last_year_debate,
            "today": today,
        },
    )


@login_required
def edit(request, pk):
    cycle = access.cycle(request, pk, change=True)
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The démarche has been saved."))
        return redirect(cycle)
    return render(request, "demarches/cycle_form.html", {"cycle": cycle, "form": form})


@login_required
@require_POST
def mark_step(request, pk, step):
    cycle = access.cycle(request, pk, change=True)
    if step not in STEP_NUMBERS:
        raise Http404
    form = MarkStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_message())
    elif form.cleaned_data["done"]:
        services.mark_step(cycle, step, by=request.user, on=form.cleaned_data["done_on"])
        messages.success(request, _("Step %(number)s ticked.") % {"number": step})
    else:
        services.unmark_step(cycle, step)
        messages.success(request, _("Step %(number)s unticked.") % {"number": step})
    return redirect(cycle)


@login_required
def next_year(request, pk):
    """Start next year from this one, once the pilot pair has seen what it takes over."""
    cycle = access.cycle(request, pk, change=True)
    following = Cycle.objects.filter(structure_id=cycle.structure_id, year=cycle.year + 1).first()
    if following:
        messages.info(
            request, _("The démarche %(year)s has already started.") % {"year": following.year}
        )
        return redirect(following)
    guide = cycle.guide.newest_edition()
    if request.method == "POST":
        try:
            started = services.start_cycle(
                cycle.structure, year=cycle.year + 1, guide=guide, by=request.user
            )
        except IntegrityError:  # the other member of the pair clicked at the same moment
            return redirect("demarches:structure_home", cycle.structure_id)
        messages.success(
            request,
            _("Démarche %(year)s started from %(previous)s.")
            % {"year": started.year, "previous": cycle.year},
        )
        return redirect(started)
    return render(
        request,
        "demarches/next_year.html",
        {
            "cycle": cycle,
            "next_year": cycle.year + 1,
            "guide": guide,
            "carried": progression.carry_over(cycle),
        },
    )


@login_required
def progress(request, pk):
    cycle = access.cycle(request, pk)
    return render(
        request,
        "demarches/progress.html",
        {"cycle": cycle, "path": progression.path(cycle) if cycle.previous_id else None},
    )
