"""Invitations by e-mail: invite someone to a role, resend or cancel the invitation, accept it.

Each change claims its row with one conditional UPDATE, so a double click, a second tab or two
people acting at once find nothing left to do and get a clear message instead.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import services, tasks
from members.models import Invitation, Network, Role, Structure, User

# What each role does, in one sentence: the e-mail and the acceptance page say it.
ROLE_DESCRIPTIONS = {
    Role.Kind.FACILITATOR: gettext_lazy(
        "A facilitator supports the network's member structures in their démarches de progrès."
    ),
    Role.Kind.PILOT: gettext_lazy(
        "The pilot leads the structure's yearly démarche de progrès with the co-pilot, from the "
        "choice of themes to the report at the general assembly."
    ),
    Role.Kind.COPILOT: gettext_lazy(
        "The co-pilot leads the structure's yearly démarche de progrès with the pilot and takes "
        "over when needed."
    ),
    Role.Kind.CONTRIBUTOR: gettext_lazy(
        "A contributor answers the questions and carries the actions assigned to them."
    ),
    Role.Kind.BOARD_MEMBER: gettext_lazy(
        "A board member follows the démarche and downloads the report for the general assembly."
    ),
}


@transaction.atomic
def invite(
    *,
    email: str,
    full_name: str,
    kind: str,
    structure: Structure | None = None,
    network: Network | None = None,
    by: User,
    base_url: str,
) -> Invitation:
    """Invite `email` to the role and e-mail them the link. `base_url` (scheme and host, such
    as "https://progress.example.org") starts the link: the worker has no request to ask."""
    email = User.objects.normalize_email(email).lower()
    place = {"structure": structure} if structure else {"network": network}
    # Lock the place so that two people inviting the same person at once queue up, and the
    # second one sees the first one's invitation below.
    place_model = Structure if structure else Network
    place_model.objects.select_for_update().get(pk=(structure or network).pk)
    role_label = Role.Kind(kind).label.lower()
    if Role.objects.active().filter(person__email=email, kind=kind, **place).exists():
        raise ValidationError(
            _("%(email)s is already %(role)s of %(place)s.")
            % {"email": email, "role": role_label, "place": structure or network},
            code="already_holds_role",
        )
    if Invitation.objects.pending().filter(email=email, kind=kind, **place).exists():
        raise ValidationError(
            _(
                "An invitation to %(email)s as %(role)s is already pending: resend it from the "
                "list of pending invitations instead."
            )
            % {"email": email, "role": role_label},
            code="already_invited",
        )
    invitation = Invitation.objects.create(
        email=email, full_name=full_name, kind=kind, invited_by=by, **place
    )
    _send_on_commit(invitation, base_url)
    return invitation


@transaction.atomic
def resend(invitation: Invitation, *, base_url: str) -> None:
    """E-mail a new link, valid from now on; the previous link stops working."""
    now, nonce = timezone.now(), Invitation._meta.get_field("nonce").get_default()
    if not Invitation.objects.pending().filter(pk=invitation.pk).update(nonce=nonce, sent_at=now):
        raise ValidationError(_no_longer_pending(), code="not_pending")
    invitation.nonce, invitation.sent_at = nonce, now
    _send_on_commit(invitation, base_url)


@transaction.atomic
def cancel(invitation: Invitation) -> None:
    now = timezone.now()
    if not Invitation.objects.pending().filter(pk=invitation.pk).update(cancelled_at=now):
        raise ValidationError(_no_longer_pending(), code="not_pending")
    invitation.cancelled_at = now


@transaction.atomic
def accept(invitation: Invitation, *, person: User) -> Role:
    """Give `person` the role the invitation offers; a pilot or co-pilot seat already held is
    handed over (see services.appoint)."""
    if person.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address."), code="wrong_person"
        )
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired: ask the person who invited you to send it again."),
            code="expired",
        )
    # The nonce in the filter makes a link replaced by a resend useless, even mid-request.
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at=None, cancelled_at=None, nonce=invitation.nonce
    ).update(accepted_at=now, accepted_by=person)
    if not claimed:
        raise ValidationError(
            _("This invitation has already been used, or it was cancelled or replaced."),
            code="not_pending",
        )
    invitation.accepted_at, invitation.accepted_by = now, person
    return services.appoint(
        person, invitation.kind, structure=invitation.structure, network=invitation.network
    )


def _no_longer_pending() -> str:
    return _("This invitation is no longer pending: it was accepted or cancelled in the meantime.")


def _send_on_commit(invitation: Invitation, base_url: str) -> None:
    pk = invitation.pk
    transaction.on_commit(lambda: tasks.send_invitation.delay(pk, base_url=base_url))
