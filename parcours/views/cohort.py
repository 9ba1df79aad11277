"""The network's parcours and communautés: the list, creating one from the session plan
template, its page, editing it, and enrolling or withdrawing structures."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from members.models import Network, Role
from parcours import access, plans, services
from parcours.cohort_forms import CreateParcoursForm, EditParcoursForm, EnrolForm, WithdrawForm
from parcours.models import Parcours
from progress.lib.forms import parse_id


@login_required
def parcours_list(request):
    """Facilitators see the parcours of their networks; everyone sees those their structures
    follow."""
    user = request.user
    can_create = user.is_staff or Network.objects.facilitated_by(user).exists()
    managed = list(Parcours.objects.managed_by(user).with_figures()) if can_create else []
    followed = list(
        Parcours.objects.visible_to(user)
        .exclude(pk__in=Parcours.objects.managed_by(user).values("pk"))
        .with_figures()
    )
    return render(
        request,
        "parcours/list.html",
        {"can_create": can_create, "managed": managed, "followed": followed},
    )


@login_required
def create(request):
    if not (request.user.is_staff or Network.objects.facilitated_by(request.user).exists()):
        raise Http404
    form = CreateParcoursForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        parcours = services.create_parcours(
            form.cleaned_data["network"],
            by=request.user,
            themes=form.cleaned_data["themes"],
            **form.plan(),
            **form.parcours_fields(),
        )
        if parcours.is_community:
            messages.success(request, _("Communauté created: add its first meeting."))
        else:
            messages.success(
                request,
                _("Parcours created with its %(count)s collective sessions: enrol the structures.")
                % {"count": form.plan()["sessions"]},
            )
        return redirect(parcours)
    return render(
        request,
        "parcours/form.html",
        {
            "form": form,
            "parcours": None,
            "plan": plans.DEFAULT_PLAN,
            "plan_titles": plans.DEFAULT_PLAN.titles(plans.DEFAULT_PLAN.sessions),
        },
    )


@login_required
def detail(request, pk):
    parcours = access.parcours(request, pk)
    user = request.user
    can_manage = user.has_perm("parcours.manage_parcours", parcours)
    own_structures = set(
        Role.objects.active().filter(person=user).values_list("structure_id", flat=True)
    )
    led_structures = set(
        Role.objects.pair().filter(person=user).values_list("structure_id", flat=True)
    )
    sessions = list(
        parcours.sessions.select_related("structure")
        .prefetch_related("places")
        .order_by("starts_at", "number")
    )
    meetings = {}
    for session in sessions:
        if session.is_individual and (can_manage or session.structure_id in own_structures):
            meetings.setdefault(session.structure, []).append(session)
    enrolments = list(parcours.enrolments.select_related("structure", "pilot", "copilot"))
    for enrolment in enrolments:
        enrolment.can_withdraw = enrolment.is_active and (
            can_manage or enrolment.structure_id in led_structures
        )
    active = [enrolment for enrolment in enrolments if enrolment.is_active]
    return render(
        request,
        "parcours/detail.html",
        {
            "parcours": parcours,
            "can_manage": can_manage,
            "collective": [session for session in sessions if not session.is_individual],
            "meetings": sorted(meetings.items(), key=lambda item: item[0].name),
            "enrolments": active,
            "withdrawn": [enrolment for enrolment in enrolments if not enrolment.is_active],
            "is_full": parcours.capacity is not None and len(active) >= parcours.capacity,
            "themes": parcours.themes.select_related("guide").order_by(
                F("guide__network").asc(nulls_first=True), "guide__title", "position"
            ),
            "facilitators": parcours.facilitators.order_by("full_name"),
        },
    )


@login_required
def edit(request, pk):
    parcours = access.parcours(request, pk, manage=True)
    # A copy, so that the header shows the parcours as saved, not the form's unsaved input.
    form = EditParcoursForm(request.POST or None, instance=copy.copy(parcours))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(parcours)
    return render(request, "parcours/form.html", {"form": form, "parcours": parcours, "plan": None})


@login_required
def enrol(request, pk):
    """Pick a member structure: in one click with its current pilot pair, or choosing the
    people, a target and the number of individual meetings."""
    parcours = access.parcours(request, pk, manage=True)
    structure = None
    chosen = parse_id(request.GET.get("structure"))
    if request.method == "GET" and chosen:
        structure = services.structures_to_enrol(parcours).filter(pk=chosen).first()
    form = EnrolForm(request.POST or None, parcours=parcours, structure=structure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrol(
                parcours,
                data["structure"],
                pilot=data["pilot"],
                copilot=data["copilot"],
                target=data["target"],
                individual_meetings=data["individual_meetings"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(structure)s is enrolled, with %(people)s.")
                % {
                    "structure": enrolment.structure,
                    "people": get_text_list([str(p) for p in enrolment.people], _("and")),
                },
            )
            return redirect("parcours:enrol", parcours.pk)
    candidates = list(form.fields["structure"].queryset.with_pair())
    enrolled = parcours.enrolments.active().count()
    return render(
        request,
        "parcours/enrol.html",
        {
            "parcours": parcours,
            "form": form,
            "candidates": candidates,
            "enrolled": enrolled,
            "is_full": parcours.capacity is not None and enrolled >= parcours.capacity,
            "individual_meetings": form.fields["individual_meetings"].initial,
        },
    )


@login_required
def withdraw(request, pk):
    enrolment = access.enrolment(request, pk)
    parcours = enrolment.parcours
    if not enrolment.is_active:
        messages.info(request, _("This structure has already withdrawn."))
        return redirect(parcours)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(enrolment, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(structure)s has withdrawn from the parcours: its seat is free.")
                % {"structure": enrolment.structure},
            )
            return redirect(parcours)
    return render(
        request,
        "parcours/withdraw.html",
        {"parcours": parcours, "enrolment": enrolment, "form": form},
    )
