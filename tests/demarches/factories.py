import datetime

import factory
from factory.django import DjangoModelFactory

from demarches.models import Action, Answer, Cycle, Milestone, Presentation, ThemeChoice
from tests.guide.factories import DomainFactory, GuideFactory, ItemFactory
from tests.members.factories import StructureFactory


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = Cycle

    structure = factory.SubFactory(StructureFactory)
    year = 2026
    guide = factory.SubFactory(GuideFactory)
    ag_on = datetime.date(2027, 6, 12)


class ThemeChoiceFactory(DjangoModelFactory):
    class Meta:
        model = ThemeChoice

    cycle = factory.SubFactory(CycleFactory)
    theme = factory.SubFactory(
        "tests.guide.factories.ThemeFactory", guide=factory.SelfAttribute("..cycle.guide")
    )
    is_retained = True


class AnswerFactory(DjangoModelFactory):
    """A selected item of the cycle's guide (a question unless `item__indicator=True`)."""

    class Meta:
        model = Answer

    cycle = factory.SubFactory(CycleFactory)
    item = factory.SubFactory(
        ItemFactory, domain__theme__guide=factory.SelfAttribute("....cycle.guide")
    )
    domain = factory.SelfAttribute("item.domain")

    class Params:
        own = factory.Trait(
            item=None,
            domain=factory.SubFactory(
                DomainFactory, theme__guide=factory.SelfAttribute("...cycle.guide")
            ),
            own_kind="question",
            own_text=factory.Sequence(lambda n: f"Notre propre question n° {n + 1} ?"),
        )


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    cycle = factory.SubFactory(CycleFactory)
    kind = Milestone.Kind.THEMES_CHOSEN
    due_on = datetime.date(2026, 12, 15)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"Action n° {n + 1}")
    starts_on = datetime.date(2027, 1, 10)
    due_on = datetime.date(2027, 3, 31)


class PresentationFactory(DjangoModelFactory):
    class Meta:
        model = Presentation

    cycle = factory.SubFactory(CycleFactory)
    kind = Presentation.Kind.STAFF_MEETING
    held_on = datetime.date(2027, 4, 2)
