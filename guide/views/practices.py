from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guide import practices
from guide.models import Practice
from guide.practice_forms import PracticeFilterForm, PracticeForm, ResourceFormSet
from members.models import Network

PAGE_SIZE = 20


@login_required
def practice_list(request):
    filters = PracticeFilterForm(
        request.GET or None,
        facilitated_networks=list(Network.objects.facilitated_by(request.user)),
    )
    visible = (
        Practice.objects.visible_to(request.user)
        .select_related("network", "structure")
        .prefetch_related("themes")
    )
    page = Paginator(filters.filter(visible), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "guide/practice_list.html",
        {"filters": filters, "page": page, "can_create": practices.can_create(request.user)},
    )


@login_required
def practice_detail(request, pk):
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("network", "structure"), pk=pk
    )
    resources = list(practice.resources.all())
    for resource in resources:
        resource.download_name = PurePath(resource.file.name).name if resource.file else ""
    return render(
        request,
        "guide/practice_detail.html",
        {
            "practice": practice,
            "themes": practice.themes.select_related("guide"),
            "domains": practice.domains.select_related("guide"),
            "resources": resources,
            "can_edit": practices.can_edit(request.user, practice),
        },
    )


@login_required
def practice_create(request):
    if not practices.can_create(request.user):
        raise Http404
    return edit_practice(request, Practice(), title=_("Add a practice"))


@login_required
def practice_edit(request, pk):
    practice = get_object_or_404(Practice.objects.editable_by(request.user), pk=pk)
    return edit_practice(request, practice, title=_("Edit the practice"))


def edit_practice(request, practice, *, title):
    is_new = practice.pk is None
    form = PracticeForm(request.POST or None, instance=practice, user=request.user)
    resources = ResourceFormSet(
        request.POST or None, request.FILES or None, instance=practice, prefix="resources"
    )
    # Both are validated, so that every error shows at once.
    if request.method == "POST" and all([form.is_valid(), resources.is_valid()]):
        practice = practices.save_practice(form, resources, by=request.user)
        messages.success(
            request, _("Practice added to the library.") if is_new else _("Practice saved.")
        )
        return redirect(practice)
    cancel_url = practice.get_absolute_url() if practice.pk else None
    return render(
        request,
        "guide/practice_form.html",
        {"form": form, "resources": resources, "title": title, "cancel_url": cancel_url},
    )


@login_required
def resource_download(request, pk, resource_pk):
    """Files are served here, after the visibility check, never from the media URL."""
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=pk)
    resource = get_object_or_404(practice.resources.exclude(file=""), pk=resource_pk)
    try:
        stored = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=PurePath(resource.file.name).name)
