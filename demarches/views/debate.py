"""Step 11: the AG debate, prepared by the pilot pair, printed for the assembly, and what
the AG said recorded afterwards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from demarches import access, debate
from demarches.debate_forms import AgDebateForm
from demarches.services import Conflict


@login_required
def ag_debate(request, pk):
    cycle = access.cycle(request, pk, change=request.method == "POST")
    can_change = request.user.has_perm("demarches.change_cycle", cycle)
    current, is_proposed = debate.debate_for(cycle)
    form = conflict = None
    if can_change:
        form = AgDebateForm(request.POST or None, instance=current)
        if request.method == "POST" and form.is_valid():
            try:
                saved = debate.save_debate(
                    cycle, **form.changes, version=form.cleaned_data["version"], by=request.user
                )
            except Conflict as error:
                current = conflict = error.current
                is_proposed = False
                form.start_again_from(conflict)
            else:
                if saved.is_recorded:
                    message = _("The AG debate is saved: next year's démarche will recall it.")
                else:
                    message = _("The questions for the AG are saved.")
                messages.success(request, message)
                return redirect("demarches:ag_debate", cycle.pk)
    return render(
        request,
        "demarches/ag_debate.html",
        {
            "cycle": cycle,
            "ag_debate": current,
            "is_proposed": is_proposed,
            "form": form,
            "conflict": conflict,
            "can_change": can_change,
        },
    )


@login_required
def sheet(request, pk):
    """One A4 page for the assembly: the year's themes and objectives, the questions, room
    to write."""
    cycle = access.cycle(request, pk)
    current, is_proposed = debate.debate_for(cycle)
    questions = current.question_list
    return render(
        request,
        "demarches/ag_debate_sheet.html",
        {
            "cycle": cycle,
            "ag_debate": current,
            "is_proposed": is_proposed,
            "questions": questions,
            # Fewer questions, more room to write under each.
            "lines": range(6 if len(questions) <= 3 else 4 if len(questions) <= 5 else 3),
            "themes": debate.sheet_themes(cycle),
        },
    )
