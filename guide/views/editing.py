from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guide import services
from guide.forms import DomainForm, EditionForm, GuideForm, ItemForm, ThemeForm
from guide.models import Domain, Guide, Item, Theme
from members.models import Network

# The URL word for each level of a guide, and its form.
LEVELS = {
    "themes": (Theme, ThemeForm),
    "domaines": (Domain, DomainForm),
    "elements": (Item, ItemForm),
}


def editable_guide(request, pk) -> Guide:
    return get_object_or_404(Guide.objects.editable_by(request.user), pk=pk)


def render_form(request, form, *, title, guide=None, cancel_url=None):
    return render(
        request,
        "guide/form.html",
        {"form": form, "title": title, "guide": guide, "cancel_url": cancel_url},
    )


@login_required
def guide_create(request):
    if not (request.user.is_staff or Network.objects.facilitated_by(request.user).exists()):
        raise Http404
    form = GuideForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        guide = form.save(commit=False)
        guide.created_by = request.user
        guide.save()
        messages.success(request, _("Guide created as a draft: add its themes, or import them."))
        return redirect(guide)
    return render_form(request, form, title=_("Create a thematic guide"))


@login_required
def guide_edit(request, pk):
    guide = editable_guide(request, pk)
    form = GuideForm(request.POST or None, instance=guide, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Guide saved."))
        return redirect(guide)
    return render_form(
        request, form, title=_("Edit the guide"), guide=guide, cancel_url=guide.get_absolute_url()
    )


@login_required
@require_POST
def guide_publish(request, pk):
    guide = editable_guide(request, pk)
    services.publish(guide)
    messages.success(request, _("Guide published: the structures of the network can use it."))
    return redirect(guide)


@login_required
def new_edition(request, pk):
    guide = editable_guide(request, pk)
    form = EditionForm(request.POST or None, guide=guide)
    if request.method == "POST" and form.is_valid():
        edition = services.derive_edition(
            guide, edition=form.cleaned_data["edition"], by=request.user
        )
        messages.success(
            request,
            _("Edition %(edition)s created as a draft from edition %(previous)s.")
            % {"edition": edition.edition, "previous": guide.edition},
        )
        return redirect(edition)
    return render_form(
        request,
        form,
        title=_("New edition of “%(title)s”") % {"title": guide.title},
        guide=guide,
        cancel_url=guide.get_absolute_url(),
    )


def _node_form(request, pk, level, code=None):
    guide = editable_guide(request, pk)
    model, form_class = LEVELS[level]
    node = get_object_or_404(model.objects.filter(guide=guide), code=code) if code else None
    initial = {}
    if node is None and level == "domaines":
        initial["theme"] = request.GET.get("theme")
    if node is None and level == "elements":
        initial["domain"] = request.GET.get("domain")
    form = form_class(request.POST or None, instance=node, guide=guide, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("“%(node)s” saved.") % {"node": saved})
        return redirect(_page_of(saved))
    titles = {
        "themes": (_("Add a theme"), _("Edit the theme")),
        "domaines": (_("Add an action domain"), _("Edit the action domain")),
        "elements": (_("Add a question or indicator"), _("Edit the question or indicator")),
    }
    return render_form(
        request,
        form,
        title=titles[level][node is not None],
        guide=guide,
        cancel_url=_page_of(node) if node else guide.get_absolute_url(),
    )


def _page_of(node) -> str:
    """Where a theme, domain or item is shown."""
    if isinstance(node, Item):
        return f"{node.domain.get_absolute_url()}#item-{node.code}"
    return node.get_absolute_url()


@login_required
def theme_create(request, pk):
    return _node_form(request, pk, "themes")


@login_required
def theme_edit(request, pk, code):
    return _node_form(request, pk, "themes", code)


@login_required
def domain_create(request, pk):
    return _node_form(request, pk, "domaines")


@login_required
def domain_edit(request, pk, code):
    return _node_form(request, pk, "domaines", code)


@login_required
def item_create(request, pk):
    return _node_form(request, pk, "elements")


@login_required
def item_edit(request, pk, code):
    return _node_form(request, pk, "elements", code)


def _editable_node(request, pk, level, code):
    if level not in LEVELS:
        raise Http404
    guide = editable_guide(request, pk)
    model, _form = LEVELS[level]
    return guide, get_object_or_404(model.objects.filter(guide=guide), code=code)


@login_required
@require_POST
def node_archive(request, pk, level, code):
    guide, node = _editable_node(request, pk, level, code)
    services.set_archived(node, not node.is_archived)
    if node.is_archived:
        messages.success(
            request, _("“%(node)s” archived: it is no longer offered.") % {"node": node}
        )
    else:
        messages.success(request, _("“%(node)s” restored.") % {"node": node})
    return redirect(_page_of(node))


@login_required
@require_POST
def node_delete(request, pk, level, code):
    guide, node = _editable_node(request, pk, level, code)
    label = str(node)
    try:
        services.delete_node(node)
    except services.CannotDelete as error:
        messages.error(request, str(error))
        return redirect(_page_of(node))
    messages.success(request, _("“%(node)s” deleted.") % {"node": label})
    return redirect(guide)
