from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from demarches.access import OVERVIEW_SHARING
from demarches.models import Cycle
from members.context_processors import acting_role_of
from members.forms import DirectoryFilterForm, StructureForm
from members.models import Membership, Network, Role, Structure
from members.views.invitations import invitable_kinds
from progress.lib.forms import parse_id

PAGE_SIZE = 25


def directory_network(request) -> Network:
    """The network whose directory is shown: the one the facilitator acts for."""
    networks = (
        Network.objects.all()
        if request.user.is_staff
        else Network.objects.facilitated_by(request.user)
    )
    chosen = request.GET.get("reseau")
    acting = acting_role_of(request)
    if chosen:
        network = networks.filter(pk=parse_id(chosen) or 0).first()
    elif acting and acting.network_id:
        network = networks.filter(pk=acting.network_id).first()
    else:
        network = networks.first()
    if network is None:
        raise Http404
    return network


def directory_filters(request, memberships) -> DirectoryFilterForm:
    """The directory's filters; its export applies the same ones."""
    departements = (
        memberships.exclude(structure__departement="")
        .order_by("structure__departement")
        .values_list("structure__departement", flat=True)
        .distinct()
    )
    return DirectoryFilterForm(request.GET or None, departements=departements)


@login_required
def structure_list(request):
    network = directory_network(request)
    memberships = Membership.objects.filter(network=network)
    filters = directory_filters(request, memberships)
    rows = filters.filter(memberships).select_related("structure").order_by("structure__name")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    structures = Structure.objects.filter(pk__in=[m.structure_id for m in page]).with_pair()
    pairs = {s.pk: s.pair for s in structures}
    for membership in page:
        membership.structure.pair = pairs.get(membership.structure_id, [])
    networks = (
        Network.objects.all()
        if request.user.is_staff
        else Network.objects.facilitated_by(request.user)
    )
    return render(
        request,
        "members/directory.html",
        {
            "network": network,
            "networks": list(networks) if len(networks) > 1 else [],
            "filters": filters,
            "page": page,
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def structure_detail(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    user = request.user
    roles = list(structure.roles.select_related("person").order_by("-started_on"))
    works_here = any(r.person_id == user.pk and r.ended_on is None for r in roles)
    memberships = structure.memberships.select_related("network")
    if not (works_here or user.is_staff):
        # A facilitator sees the structure's adhésion to their own networks only.
        memberships = memberships.filter(network__in=Network.objects.facilitated_by(user))
    can_invite = user.has_perm("members.invite_team", structure)
    return render(
        request,
        "members/structure_detail.html",
        {
            "structure": structure,
            "memberships": memberships,
            "pair": sorted(
                (r for r in roles if r.ended_on is None and r.kind in Role.PAIR_KINDS),
                key=lambda r: r.kind != Role.Kind.PILOT,
            ),
            "team": [r for r in roles if r.ended_on is None and r.kind not in Role.PAIR_KINDS],
            "history": [r for r in roles if r.ended_on is not None],
            "invitations": structure.invitations.pending() if can_invite else [],
            "can_edit": user.has_perm("members.change_structure", structure),
            "can_hand_over": user.has_perm("members.hand_over", structure),
            "can_invite": can_invite,
            # The pending invitations this person may resend or cancel.
            "invitable_kinds": invitable_kinds(user, structure) if can_invite else [],
            # The latest year of its démarche the person may see.
            "cycle": Cycle.objects.visible_to(user, sharing=OVERVIEW_SHARING)
            .filter(structure=structure)
            .order_by("-year")
            .first(),
        },
    )


@login_required
def structure_edit(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("members.change_structure", structure):
        raise Http404
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The structure's details have been saved."))
        return redirect(structure)
    return render(request, "members/structure_form.html", {"structure": structure, "form": form})
