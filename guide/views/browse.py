from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from guide.forms import ItemFilterForm
from guide.guidance import attach_guidance
from guide.models import Domain, Guide
from members.models import Network


def visible_guide(request, pk) -> Guide:
    return get_object_or_404(
        Guide.objects.visible_to(request.user).select_related("network", "previous"), pk=pk
    )


def items_of(guide: Guide):
    return (
        guide.items.current()
        .select_related("domain__theme")
        .order_by("domain__theme__position", "domain__position", "position", "code")
    )


def is_editable(user, guide: Guide) -> bool:
    return Guide.objects.editable_by(user).filter(pk=guide.pk).exists()


@login_required
def guide_list(request):
    guides = list(
        Guide.objects.visible_to(request.user)
        .select_related("network")
        .annotate(item_count=Count("items", filter=Q(items__is_archived=False)))
        .order_by("network__name", "title", "-edition")
    )
    return render(
        request,
        "guide/list.html",
        {
            "national_guides": [g for g in guides if g.is_national],
            "network_guides": [g for g in guides if not g.is_national],
            "can_create": request.user.is_staff
            or Network.objects.facilitated_by(request.user).exists(),
        },
    )


@login_required
def guide_detail(request, pk):
    guide = visible_guide(request, pk)
    themes = list(guide.themes.current())
    filters = ItemFilterForm(request.GET or None, themes=themes)
    context = {
        "guide": guide,
        "filters": filters,
        "can_edit": is_editable(request.user, guide),
        "next_editions": list(guide.next_editions.visible_to(request.user)),
    }
    if filters.is_filtering:
        items = list(filters.filter(items_of(guide)))
        attach_guidance(request.user, items)
        context["items"] = items
    else:
        domains = guide.domains.current().annotate(
            question_count=Count(
                "items", filter=Q(items__is_archived=False, items__kind="question")
            ),
            indicator_count=Count(
                "items", filter=Q(items__is_archived=False, items__kind="indicator")
            ),
        )
        by_theme = {}
        for domain in domains:
            by_theme.setdefault(domain.theme_id, []).append(domain)
        for theme in themes:
            theme.domain_list = by_theme.get(theme.pk, [])
        context["themes"] = themes
    return render(request, "guide/detail.html", context)


@login_required
def theme_detail(request, pk, code):
    guide = visible_guide(request, pk)
    theme = get_object_or_404(guide.themes.all(), code=code)
    filters = ItemFilterForm(request.GET or None, with_theme=False)
    items = list(filters.filter(items_of(guide).filter(domain__theme=theme)))
    attach_guidance(request.user, items)
    domains = list(theme.domains.current())
    for domain in domains:
        domain.item_list = [item for item in items if item.domain_id == domain.pk]
    return render(
        request,
        "guide/theme.html",
        {
            "guide": guide,
            "theme": theme,
            "domains": domains,
            "filters": filters,
            "can_edit": is_editable(request.user, guide),
        },
    )


@login_required
def domain_detail(request, pk, code):
    guide = visible_guide(request, pk)
    domain = get_object_or_404(
        Domain.objects.filter(guide=guide).select_related("theme"), code=code
    )
    filters = ItemFilterForm(request.GET or None, with_theme=False)
    items = list(filters.filter(items_of(guide).filter(domain=domain)))
    attach_guidance(request.user, items)
    return render(
        request,
        "guide/domain.html",
        {
            "guide": guide,
            "domain": domain,
            "items": items,
            "filters": filters,
            "can_edit": is_editable(request.user, guide),
        },
    )


@login_required
def guide_print(request, pk):
    guide = visible_guide(request, pk)
    items = list(items_of(guide))
    themes = []
    for item in items:
        theme, domain = item.domain.theme, item.domain
        if not themes or themes[-1].pk != theme.pk:
            theme.domain_list = []
            themes.append(theme)
        if not themes[-1].domain_list or themes[-1].domain_list[-1].pk != domain.pk:
            domain.item_list = []
            themes[-1].domain_list.append(domain)
        themes[-1].domain_list[-1].item_list.append(item)
    return render(request, "guide/print.html", {"guide": guide, "themes": themes})
