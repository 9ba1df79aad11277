"""Who may do what in a parcours. The network's facilitators run it; the pilot pairs of the
enrolled structures take part (apologies, check-in, feedback, testimonials); the other people
of an enrolled structure read it. Views fetch through `parcours.access` (404 otherwise)."""

import rules

from members.models import Network, Role
from members.rules import is_platform_admin


@rules.predicate
def runs_parcours(user, parcours):
    return (
        user.is_authenticated
        and Network.objects.facilitated_by(user).filter(pk=parcours.network_id).exists()
    )


@rules.predicate
def takes_part(user, parcours):
    """The pilot or co-pilot of a structure actively enrolled (the pair attends together)."""
    return (
        user.is_authenticated
        and parcours.enrolments.active()
        .filter(
            # One filter() call: the three conditions hold for the same role.
            structure__roles__person=user,
            structure__roles__ended_on=None,
            structure__roles__kind__in=Role.PAIR_KINDS,
        )
        .exists()
    )


@rules.predicate
def works_in_enrolled_structure(user, parcours):
    return (
        user.is_authenticated
        and parcours.enrolments.active()
        .filter(structure__roles__person=user, structure__roles__ended_on=None)
        .exists()
    )


rules.add_perm(
    "parcours.view_parcours", is_platform_admin | runs_parcours | works_in_enrolled_structure
)
rules.add_perm("parcours.manage_parcours", is_platform_admin | runs_parcours)
rules.add_perm("parcours.take_part", takes_part)
