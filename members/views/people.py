from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import services
from members.context_processors import ACTING_ROLE_KEY, active_roles_of
from members.forms import HandOverForm, ProfileForm
from members.models import Structure


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    return render(request, "members/profile.html", {"form": form})


@login_required
@require_POST
def switch_role(request):
    role_id = request.POST.get("role", "")
    role = next((r for r in active_roles_of(request) if str(r.pk) == role_id), None)
    if role is None:
        raise Http404
    request.session[ACTING_ROLE_KEY] = role.pk
    messages.success(
        request,
        _("You now act as %(role)s · %(place)s.")
        % {"role": role.get_kind_display(), "place": role.place},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)


@login_required
def hand_over(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("members.hand_over", structure):
        raise Http404
    form = HandOverForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        role = services.hand_over(
            structure,
            form.cleaned_data["kind"],
            to=form.cleaned_data["person"],
            on=form.cleaned_data["on"],
        )
        messages.success(
            request,
            _(
                "%(person)s is now %(role)s of %(structure)s; the previous mandate stays in the "
                "history."
            )
            % {
                "person": role.person,
                "role": role.kind_in_sentence,
                "structure": structure,
            },
        )
        # Whoever handed over their own seat may no longer see the structure.
        if Structure.objects.visible_to(request.user).filter(pk=structure.pk).exists():
            return redirect(structure)
        return redirect("home")
    return render(request, "members/hand_over.html", {"structure": structure, "form": form})
