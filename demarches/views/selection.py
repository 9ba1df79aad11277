"""Steps 2–4: the themes of the year, then the items chosen in them and their balance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from demarches import access
from demarches.selection import (
    ContentKept,
    add_own_item,
    save_selection,
    save_theme_choices,
    selection_of,
    themes_of,
)
from demarches.selection_forms import OwnItemForm, SelectionFilterForm, ThemeChoicesForm
from progress.lib.forms import parse_id


@login_required
def themes(request, pk):
    cycle = access.cycle(request, pk, change=request.method == "POST")
    can_change = request.user.has_perm("demarches.change_cycle", cycle)
    theme_list = themes_of(cycle)
    form = None
    if can_change:
        form = ThemeChoicesForm(
            request.POST if request.method == "POST" else None, themes=theme_list
        )
        if form.is_bound and form.is_valid():
            save_theme_choices(cycle, form.decisions())
            messages.success(request, _("Themes of the year saved."))
            return redirect("demarches:themes", cycle.pk)
    return render(
        request,
        "demarches/themes.html",
        {"cycle": cycle, "themes": theme_list, "form": form, "can_change": can_change},
    )


def _pks(data, name: str) -> set[int]:
    return {pk for value in data.getlist(name) if (pk := parse_id(value)) is not None}


@login_required
def selection(request, pk):
    cycle = access.cycle(request, pk, change=request.method == "POST")
    # The form shows the items the filters let through, and saves exactly those.
    filters = SelectionFilterForm(request.GET or None)
    narrowing = filters.values
    kept = []
    if request.method == "POST":
        items, own = _pks(request.POST, "item"), _pks(request.POST, "own")
        try:
            added, removed = save_selection(
                cycle, items=items, own=own, by=request.user, **narrowing
            )
        except ContentKept as refusal:
            kept = refusal.answers
        else:
            messages.success(
                request,
                _("Selection saved: %(added)s added, %(removed)s taken out.")
                % {"added": added, "removed": removed},
            )
            return redirect(request.get_full_path())
    can_change = request.user.has_perm("demarches.change_cycle", cycle)
    current = selection_of(cycle, **narrowing)
    if kept:
        current.show_submitted(items, own, kept)
    if not can_change:
        current.keep_selected_only()
    return render(
        request,
        "demarches/selection.html",
        {
            "cycle": cycle,
            "selection": current,
            "filters": filters,
            "is_filtering": any(narrowing.values()),
            "kept": kept,
            "can_change": can_change,
        },
    )


@login_required
def own_item(request, pk):
    cycle = access.cycle(request, pk, change=True)
    domain = parse_id(request.GET.get("domaine"))
    form = OwnItemForm(
        request.POST or None,
        cycle=cycle,
        initial={"domain": domain} if domain else {},
    )
    if request.method == "POST" and form.is_valid():
        answer = add_own_item(cycle, **form.cleaned_data, by=request.user)
        messages.success(
            request, _("“%(item)s” added to the selection.") % {"item": answer.own_text}
        )
        return redirect(f"{reverse('demarches:selection', args=[cycle.pk])}#own-{answer.pk}")
    return render(
        request,
        "demarches/own_item.html",
        {"cycle": cycle, "form": form, "has_domains": form.fields["domain"].queryset.exists()},
    )
