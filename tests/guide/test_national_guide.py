import json

import pytest
from django.conf import settings

from guide.models import Guide, Item

pytestmark = pytest.mark.django_db

REFERENCE = json.loads(
    (settings.BASE_DIR / "guide/migrations/data/csess_2016.json").read_text(encoding="utf-8")
)


def test_a_new_database_has_the_national_guide_in_its_2016_and_2017_editions():
    editions = Guide.objects.national().published().values_list("edition", flat=True)
    assert sorted(editions) == ["2016", "2017"]


def test_every_theme_of_the_reference_is_there_with_its_domains():
    guide = Guide.objects.national().get(edition="2016")
    assert [(t.code, t.title) for t in guide.themes.all()] == [
        (t["code"], t["title"]) for t in REFERENCE["themes"]
    ]
    assert guide.domains.count() == sum(len(t["domains"]) for t in REFERENCE["themes"])


def test_the_part_on_equality_between_women_and_men_is_there():
    guide = Guide.objects.national().get(edition="2016")
    theme = guide.themes.get(title__icontains="égalité réelle entre les femmes et les hommes")
    assert theme.domains.filter(title__icontains="femmes").exists()


def test_every_domain_has_at_least_three_items_and_every_theme_both_kinds():
    guide = Guide.objects.national().get(edition="2016")
    for domain in guide.domains.all():
        assert domain.items.count() >= 3, domain
    for theme in guide.themes.all():
        kinds = set(Item.objects.filter(domain__theme=theme).values_list("kind", flat=True))
        assert kinds == {"question", "indicator"}, theme


def test_every_indicator_has_a_unit_and_official_items_are_marked():
    guide = Guide.objects.national().get(edition="2016")
    assert not guide.items.filter(kind="indicator", unit="").exists()
    assert guide.items.filter(is_official=True).exists()
    assert guide.items.filter(is_official=False).exists()
    assert guide.domains.get(code="1.3").is_official


def test_the_2017_edition_continues_each_element_of_2016():
    first = Guide.objects.national().get(edition="2016")
    second = Guide.objects.national().get(edition="2017")
    assert second.previous == first
    pairs = second.items.values_list("code", "previous__code", "previous__guide")
    assert all(code == previous and guide == first.pk for code, previous, guide in pairs)
    assert second.items.count() == first.items.count()
