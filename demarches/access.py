"""The first line of every démarche view: fetch the object through a queryset scoped to the
person, then check what they want to do with it. Anything not allowed is a 404, so that
another structure's démarche is not even revealed to exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demarches.models import Action, Answer, Cycle, Evidence, Milestone, Presentation
from members.models import Membership

OVERVIEW_SHARING = (Membership.Sharing.SUMMARY, Membership.Sharing.FULL)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise Http404


def cycle_overview(request, pk: int) -> Cycle:
    """A cycle whose step overview the person may read (the summary a structure shares)."""
    queryset = Cycle.objects.visible_to(request.user, sharing=OVERVIEW_SHARING)
    return get_object_or_404(queryset.select_related("structure", "guide"), pk=pk)


def cycle(request, pk: int, *, change: bool = False) -> Cycle:
    found = get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("structure", "guide"), pk=pk
    )
    if change:
        _require(request.user, "demarches.change_cycle", found)
    return found


def answer(request, pk: int, *, change: bool = False) -> Answer:
    found = get_object_or_404(
        Answer.objects.filter(cycle__in=Cycle.objects.visible_to(request.user)).select_related(
            "cycle__structure", "cycle__guide", "item", "domain__theme", "previous", "assignee"
        ),
        pk=pk,
    )
    if change:
        _require(request.user, "demarches.change_answer", found)
    return found


def evidence(request, pk: int, *, change: bool = False) -> Evidence:
    found = get_object_or_404(
        Evidence.objects.filter(
            answer__cycle__in=Cycle.objects.visible_to(request.user)
        ).select_related("answer__cycle"),
        pk=pk,
    )
    if change:
        _require(request.user, "demarches.change_answer", found.answer)
    return found


def action(request, pk: int, *, change: bool = False) -> Action:
    found = get_object_or_404(
        Action.objects.filter(cycle__in=Cycle.objects.visible_to(request.user)).select_related(
            "cycle__structure", "owner"
        ),
        pk=pk,
    )
    if change:
        _require(request.user, "demarches.change_action", found)
    return found


def presentation(request, pk: int, *, change: bool = False) -> Presentation:
    found = get_object_or_404(
        Presentation.objects.filter(
            cycle__in=Cycle.objects.visible_to(request.user)
        ).select_related("cycle__structure"),
        pk=pk,
    )
    if change:
        _require(request.user, "demarches.change_cycle", found.cycle)
    return found


def milestone(request, pk: int) -> Milestone:
    """A milestone of a cycle the person may change (the plan is the pilot pair's)."""
    found = get_object_or_404(
        Milestone.objects.filter(cycle__in=Cycle.objects.visible_to(request.user)).select_related(
            "cycle__structure", "cycle__guide"
        ),
        pk=pk,
    )
    _require(request.user, "demarches.change_cycle", found.cycle)
    return found
