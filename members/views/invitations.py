from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import invitations
from members.invitation_forms import AccountForm, InvitationForm
from members.models import Invitation, Role, Structure, User

# Facilitators name the pilot pair; the pair builds its team (see members/rules.py).
KINDS_BY_PERMISSION = {
    "members.invite_pilot": (Role.Kind.PILOT, Role.Kind.COPILOT),
    "members.invite_team": (Role.Kind.COPILOT, Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER),
}


def invitable_kinds(user, structure) -> list[Role.Kind]:
    """The roles `user` may invite someone to in `structure`, in the order of Role.Kind."""
    allowed = {
        kind
        for permission, kinds in KINDS_BY_PERMISSION.items()
        if user.has_perm(permission, structure)
        for kind in kinds
    }
    return [kind for kind in Role.Kind if kind in allowed]


@login_required
def invite(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    kinds = invitable_kinds(request.user, structure)
    if not kinds:
        raise Http404
    form = InvitationForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(
                **form.cleaned_data,
                structure=structure,
                by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s as %(role)s.")
                % {"email": invitation.email, "role": invitation.kind_in_sentence},
            )
            return redirect(structure)
    return render(request, "members/invite.html", {"structure": structure, "form": form})


def _managed_invitation(request, pk) -> Invitation:
    """An invitation to a structure the user may invite that role to; 404 otherwise."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("structure").filter(
            structure__in=Structure.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if invitation.kind not in invitable_kinds(request.user, invitation.structure):
        raise Http404
    return invitation


@login_required
@require_POST
def resend(request, pk):
    invitation = _managed_invitation(request, pk)
    try:
        invitations.resend(invitation, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation has been sent again to %(email)s; the previous link no longer works.")
            % {"email": invitation.email},
        )
    return redirect(invitation.structure)


@login_required
@require_POST
def cancel(request, pk):
    invitation = _managed_invitation(request, pk)
    try:
        invitations.cancel(invitation)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been cancelled; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect(invitation.structure)


def accept(request, token):
    """Open to anyone with the link: the signed token is the credential."""
    invitation = Invitation.objects.from_token(token)
    state = _state_of(invitation)
    if state != "pending":
        return render(
            request,
            "members/invitation_accept.html",
            {"state": state, "invitation": invitation},
            status=410,
        )
    user, email = request.user, invitation.email.lower()
    form = None
    if user.is_authenticated:
        state = "confirm" if user.email.lower() == email else "other_account"
    elif User.objects.filter(email=email).exists():
        state = "log_in"
    else:
        state = "create_account"
        form = AccountForm(
            request.POST or None,
            instance=User(email=email),
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and state == "confirm":
        return _accept_as(request, invitation, person=user)
    if request.method == "POST" and form is not None and form.is_valid():
        return _accept_as(request, invitation, account_form=form)
    context = {
        "state": state,
        "invitation": invitation,
        "role_description": invitations.ROLE_DESCRIPTIONS[invitation.kind],
        "form": form,
    }
    return render(request, "members/invitation_accept.html", context)


def _accept_as(request, invitation, *, person=None, account_form=None):
    """Accept for the signed-in person, or for the account the form creates: both or nothing."""
    try:
        with transaction.atomic():
            if account_form:
                person = account_form.save()
            role = invitations.accept(invitation, person=person)
    except (ValidationError, IntegrityError):
        # Expired, used, cancelled or replaced in the meantime (an IntegrityError: a second
        # submission of the form created the same account at once). The link now says which.
        return redirect(request.path)
    if account_form:
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome! You are now %(role)s of %(place)s.")
        % {"role": role.kind_in_sentence, "place": role.place},
    )
    return redirect(role.structure or "home")


def _state_of(invitation: Invitation | None) -> str:
    if invitation is None:
        return "invalid"  # tampered with, or replaced by a newer link
    if invitation.cancelled_at:
        return "cancelled"
    if invitation.accepted_at:
        return "used"
    if invitation.is_expired:
        return "expired"
    return "pending"


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"
