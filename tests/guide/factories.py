import factory
from factory.django import DjangoModelFactory

from guide.models import Domain, Guide, Item, Practice, Theme
from tests.members.factories import NetworkFactory


class GuideFactory(DjangoModelFactory):
    class Meta:
        model = Guide

    title = factory.Sequence(lambda n: f"Guide thématique {n}")
    edition = "2026"
    network = factory.SubFactory(NetworkFactory)
    status = Guide.Status.PUBLISHED


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    guide = factory.SubFactory(GuideFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Thème {n + 1}")
    position = factory.Sequence(int)


class DomainFactory(DjangoModelFactory):
    class Meta:
        model = Domain

    theme = factory.SubFactory(ThemeFactory)
    guide = factory.SelfAttribute("theme.guide")
    code = factory.Sequence(lambda n: f"D{n + 1}")
    title = factory.Sequence(lambda n: f"Domaine d'action {n + 1}")
    position = factory.Sequence(int)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    domain = factory.SubFactory(DomainFactory)
    guide = factory.SelfAttribute("domain.guide")
    code = factory.Sequence(lambda n: f"Q{n + 1}")
    kind = Item.Kind.QUESTION
    text = factory.Sequence(lambda n: f"Question importante n° {n + 1} ?")
    unit = ""
    position = factory.Sequence(int)

    class Params:
        indicator = factory.Trait(
            kind=Item.Kind.INDICATOR,
            unit=Item.Unit.PERCENT,
            text=factory.Sequence(lambda n: f"Indicateur n° {n + 1}"),
        )


class PracticeFactory(DjangoModelFactory):
    class Meta:
        model = Practice

    title = factory.Sequence(lambda n: f"Pratique {n}")
    description = "Une pratique décrite avec nos mots."
    network = factory.SubFactory(NetworkFactory)
