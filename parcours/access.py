"""The first line of every parcours view: fetch through a queryset scoped to the person, then
check what they want to do. Anything not allowed is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from parcours.models import Enrolment, Parcours, Resource, Session, Testimonial


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise Http404


def parcours(request, pk: int, *, manage: bool = False) -> Parcours:
    found = get_object_or_404(
        Parcours.objects.visible_to(request.user).select_related("network"), pk=pk
    )
    if manage:
        _require(request.user, "parcours.manage_parcours", found)
    return found


def session(request, pk: int, *, manage: bool = False, take_part: bool = False) -> Session:
    found = get_object_or_404(
        Session.objects.filter(
            parcours__in=Parcours.objects.visible_to(request.user)
        ).select_related("parcours__network", "structure"),
        pk=pk,
    )
    if found.is_individual and not found.is_visible_to(request.user):
        raise Http404  # another structure's individual meeting
    if manage:
        _require(request.user, "parcours.manage_parcours", found.parcours)
    if take_part:
        _require(request.user, "parcours.take_part", found.parcours)
    return found


def enrolment(request, pk: int) -> Enrolment:
    """An enrolment the person may change: the network's facilitators, or the structure's
    pilot pair (who may withdraw their structure)."""
    found = get_object_or_404(
        Enrolment.objects.filter(
            parcours__in=Parcours.objects.visible_to(request.user)
        ).select_related("parcours__network", "structure"),
        pk=pk,
    )
    if not (
        request.user.has_perm("parcours.manage_parcours", found.parcours)
        or request.user.has_perm("members.hand_over", found.structure)
    ):
        raise Http404
    return found


def resource(request, pk: int) -> Resource:
    return get_object_or_404(
        Resource.objects.filter(
            parcours__in=Parcours.objects.visible_to(request.user)
        ).select_related("parcours"),
        pk=pk,
    )


def testimonial(request, pk: int) -> Testimonial:
    """A testimonial its author or the parcours' facilitators may change."""
    found = get_object_or_404(
        Testimonial.objects.filter(
            parcours__in=Parcours.objects.visible_to(request.user)
        ).select_related("parcours"),
        pk=pk,
    )
    if found.person_id != request.user.pk:
        _require(request.user, "parcours.manage_parcours", found.parcours)
    return found
