"""Who may do what in a démarche. Reading follows the structure's roles and, for a network's
facilitators, what the structure shares with the network; writing belongs to the pilot pair,
and to a contributor for the items and actions assigned to them. Board members read.

Views fetch through `Cycle.objects.visible_to(user)` first (404 otherwise), then ask these
permissions for writing.
"""

import rules

from members.models import Membership, Network, Role
from members.rules import is_platform_admin

LEADS = (Role.Kind.PILOT, Role.Kind.COPILOT)


def _holds(user, structure_id, kinds=None) -> bool:
    roles = Role.objects.active().filter(person=user, structure_id=structure_id)
    return (roles.filter(kind__in=kinds) if kinds else roles).exists()


def _shares_with_facilitator(user, structure_id, levels) -> bool:
    return Membership.objects.filter(
        structure_id=structure_id,
        status=Membership.Status.ACTIVE,
        sharing__in=levels,
        network__in=Network.objects.facilitated_by(user),
    ).exists()


@rules.predicate
def works_in_cycle_structure(user, cycle):
    return user.is_authenticated and _holds(user, cycle.structure_id)


@rules.predicate
def leads_cycle(user, cycle):
    return user.is_authenticated and _holds(user, cycle.structure_id, LEADS)


@rules.predicate
def facilitator_sees_summary(user, cycle):
    return user.is_authenticated and _shares_with_facilitator(
        user, cycle.structure_id, [Membership.Sharing.SUMMARY, Membership.Sharing.FULL]
    )


@rules.predicate
def facilitator_sees_everything(user, cycle):
    return user.is_authenticated and _shares_with_facilitator(
        user, cycle.structure_id, [Membership.Sharing.FULL]
    )


@rules.predicate
def leads_structure(user, structure):
    return user.is_authenticated and _holds(user, structure.pk, LEADS)


@rules.predicate
def leads_answer_cycle(user, answer):
    return leads_cycle(user, answer.cycle)


@rules.predicate
def is_assigned_contributor(user, answer):
    """A contributor edits the items assigned to them, while they work in the structure."""
    return (
        user.is_authenticated
        and answer.assignee_id == user.pk
        and _holds(user, answer.cycle.structure_id)
    )


@rules.predicate
def leads_action_cycle(user, action):
    return leads_cycle(user, action.cycle)


@rules.predicate
def owns_action(user, action):
    return (
        user.is_authenticated
        and action.owner_id == user.pk
        and _holds(user, action.cycle.structure_id)
    )


# The step overview (where the structure stands) is part of the "summary" a structure shares.
rules.add_perm(
    "demarches.view_cycle_overview",
    is_platform_admin | works_in_cycle_structure | facilitator_sees_summary,
)
rules.add_perm(
    "demarches.view_cycle",
    is_platform_admin | works_in_cycle_structure | facilitator_sees_everything,
)
rules.add_perm("demarches.change_cycle", leads_cycle)
rules.add_perm("demarches.start_cycle", leads_structure)
rules.add_perm("demarches.change_answer", leads_answer_cycle | is_assigned_contributor)
rules.add_perm("demarches.change_action", leads_action_cycle | owns_action)
