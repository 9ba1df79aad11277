"""Who may do what to which object: the one place where object permissions are decided.

Views call `request.user.has_perm(<name>, obj)` (or fetch through a `visible_to(user)`
queryset for lists); templates use `{% has_perm %}` from `{% load rules %}`. Anything not
allowed answers 404, so that another tenant's objects are not even revealed to exist.
"""

import rules

from members.models import Membership, Network, Role

STRUCTURE_LEADS = (Role.Kind.PILOT, Role.Kind.COPILOT)


def _roles(user, structure, kinds=None):
    roles = Role.objects.active().filter(person=user, structure=structure)
    return roles.filter(kind__in=kinds) if kinds else roles


@rules.predicate
def is_platform_admin(user):
    return user.is_authenticated and user.is_staff


@rules.predicate
def works_in_structure(user, structure):
    return user.is_authenticated and _roles(user, structure).exists()


@rules.predicate
def leads_structure(user, structure):
    """The pilot or co-pilot of the structure."""
    return user.is_authenticated and _roles(user, structure, STRUCTURE_LEADS).exists()


@rules.predicate
def facilitates_structure(user, structure):
    """A facilitator of a network the structure is a member of (whatever its status)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            structure=structure, network__in=Network.objects.facilitated_by(user)
        ).exists()
    )


@rules.predicate
def facilitates_network(user, network):
    return (
        user.is_authenticated
        and Network.objects.facilitated_by(user).filter(pk=network.pk).exists()
    )


@rules.predicate
def is_facilitator(user):
    return user.is_authenticated and Network.objects.facilitated_by(user).exists()


rules.add_perm(
    "members.view_structure", is_platform_admin | works_in_structure | facilitates_structure
)
rules.add_perm(
    "members.change_structure", is_platform_admin | leads_structure | facilitates_structure
)
rules.add_perm("members.hand_over", is_platform_admin | leads_structure | facilitates_structure)
# Facilitators name the pilot pair; the pair builds its team (co-pilot, contributors, board).
rules.add_perm("members.invite_pilot", is_platform_admin | facilitates_structure)
rules.add_perm("members.invite_team", is_platform_admin | leads_structure | facilitates_structure)
rules.add_perm("members.view_directory", is_platform_admin | is_facilitator)
rules.add_perm("members.manage_network", is_platform_admin | facilitates_network)
