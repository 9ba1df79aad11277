"""Steps 10–12: the démarche presented to the staff, the bureau or CA, the AG, and reviewed
each quarter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from demarches import access
from demarches.models import Presentation
from demarches.plan_forms import PresentationForm


def _label(presentation: Presentation) -> str:
    return _("%(kind)s of %(date)s") % {
        "kind": presentation.get_kind_display(),
        "date": date_format(presentation.held_on),
    }


@login_required
def presentations(request, pk):
    cycle = access.cycle(request, pk, change=request.method == "POST")
    can_change = request.user.has_perm("demarches.change_cycle", cycle)
    form = None
    if can_change:
        form = PresentationForm(request.POST or None, cycle=cycle, by=request.user)
        if request.method == "POST" and form.is_valid():
            messages.success(
                request, _("Presentation recorded: %(what)s.") % {"what": _label(form.save())}
            )
            return redirect("demarches:presentations", cycle.pk)
    return render(
        request,
        "demarches/presentations.html",
        {
            "cycle": cycle,
            "presentations": cycle.presentations.select_related("created_by"),
            "form": form,
            "can_change": can_change,
        },
    )


@login_required
def edit(request, pk):
    presentation = access.presentation(request, pk, change=True)
    cycle = presentation.cycle
    form = PresentationForm(request.POST or None, instance=presentation, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("Presentation saved: %(what)s.") % {"what": _label(presentation)}
        )
        return redirect("demarches:presentations", cycle.pk)
    return render(
        request,
        "demarches/presentation_form.html",
        {"cycle": cycle, "presentation": presentation, "form": form},
    )


@login_required
@require_POST
def delete(request, pk):
    presentation = access.presentation(request, pk, change=True)
    presentation.delete()
    messages.success(request, _("Presentation deleted: %(what)s.") % {"what": _label(presentation)})
    return redirect("demarches:presentations", presentation.cycle_id)
