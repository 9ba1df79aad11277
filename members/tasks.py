from celery import shared_task
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from progress.lib import mail


@shared_task
def send_password_reset(user_id: int, *, domain: str, protocol: str) -> None:
    from members.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:  # deactivated or deleted since the request: nothing to send
        return
    context = {
        "user": user,
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    mail.send("password_reset", context, to=[user.email])


@shared_task
def send_invitation(invitation_id: int, *, base_url: str) -> None:
    from members.invitations import ROLE_DESCRIPTIONS
    from members.models import Invitation

    invitation = (
        Invitation.objects.pending()
        .select_related("structure", "network", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:  # accepted or cancelled since it was queued: nothing to send
        return
    context = {
        "invitation": invitation,
        "role_description": ROLE_DESCRIPTIONS[invitation.kind],
        "link": base_url + reverse("members:invitation_accept", args=[invitation.token]),
    }
    mail.send("invitation", context, to=[invitation.email])
