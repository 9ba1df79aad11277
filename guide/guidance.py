"""The "learn more" panel of each question or indicator: its help, an example, and the
practices of the library linked to its theme or action domain."""

from collections import defaultdict

from guide.models import Practice


def practices_for(user, themes, domains) -> tuple[dict, dict]:
    """Practices visible to `user`, keyed by theme id and by domain id; two queries.

    A practice linked to a theme or domain of the previous edition shows on its successor too,
    so that the library does not have to be linked again at each new edition.
    """
    node_ids = {"theme": _lineage(themes), "domain": _lineage(domains)}
    visible = Practice.objects.visible_to(user)
    by_node = {"theme": defaultdict(list), "domain": defaultdict(list)}
    for level, field in (("theme", Practice.themes), ("domain", Practice.domains)):
        lineage = node_ids[level]
        links = (
            field.through.objects.filter(**{f"{level}__in": lineage}, practice__in=visible)
            .select_related("practice")
            .order_by("practice__title")
        )
        for link in links:
            for node_id in lineage[getattr(link, f"{level}_id")]:
                by_node[level][node_id].append(link.practice)
    return by_node["theme"], by_node["domain"]


def _lineage(nodes) -> dict[int, list[int]]:
    """Map each id a practice may be linked to → the ids of `nodes` it stands for."""
    lineage = defaultdict(list)
    for node in nodes:
        lineage[node.pk].append(node.pk)
        if node.previous_id:
            lineage[node.previous_id].append(node.pk)
    return lineage


def attach_guidance(user, items) -> None:
    """Give each item a `practices` list (theme's and domain's, without duplicates)."""
    domains = {item.domain_id: item.domain for item in items}
    themes = {domain.theme_id: domain.theme for domain in domains.values()}
    by_theme, by_domain = practices_for(user, themes.values(), domains.values())
    for item in items:
        seen = {}
        for practice in by_domain.get(item.domain_id, []) + by_theme.get(item.domain.theme_id, []):
            seen.setdefault(practice.pk, practice)
        item.practices = list(seen.values())
