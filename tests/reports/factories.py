"""Reports, and a structure's démarche over several years sized at will (for query counts and
benchmarks): `ReportFactory(cycle=…)` and `years_of_demarche(items=…, actions=…)`."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from demarches.models import Action, AgDebate, Answer, Cycle, ThemeChoice
from guide.models import Item
from reports.models import Report
from tests.demarches.factories import CycleFactory
from tests.guide.factories import DomainFactory, GuideFactory, ThemeFactory
from tests.members.factories import StructureFactory, UserFactory


class ReportFactory(DjangoModelFactory):
    """A request for a structure's report (full by default); for the network's report pass
    `kind=Report.Kind.NETWORK, cycle=None, network=…, year=…`."""

    class Meta:
        model = Report

    kind = Report.Kind.FULL
    cycle = factory.SubFactory(CycleFactory)
    year = factory.LazyAttribute(lambda report: report.cycle.year if report.cycle else 2026)


def years_of_demarche(
    *, items: int = 5, actions: int = 3, years=(2025, 2026), themes: int = 4, structure=None
) -> Cycle:
    """Cycles of one structure, each continuing the one before, and the latest returned.

    Each year the first `themes - 1` themes of the guide are retained and the last one is
    left aside; `items` answers (every other one an indicator, the last one not treated),
    each continuing last year's answer to the same item; `actions` actions each linked to an
    answer, with a budget, every other one carried by a person with an account; and the AG's
    debate recorded for the past years. Rows are bulk-created: no history of changes."""
    structure = structure or StructureFactory()
    volunteer = UserFactory()
    guide = GuideFactory()
    theme_rows = [ThemeFactory(guide=guide, position=n) for n in range(themes)]
    domains = [DomainFactory(theme=theme, position=0) for theme in theme_rows[:-1]]
    guide_items = Item.objects.bulk_create(
        Item(
            guide=guide,
            domain=domains[n % len(domains)],
            code=f"{n % len(domains) + 1}.{n + 1}",
            position=n,
            **(
                {"kind": Item.Kind.INDICATOR, "unit": Item.Unit.PERCENT, "text": f"Taux n° {n}"}
                if n % 2 == 0
                else {"kind": Item.Kind.QUESTION, "text": f"Question n° {n} ?"}
            ),
        )
        for n in range(items)
    )
    cycle, previous_answers = None, {}
    for index, year in enumerate(years):
        cycle = Cycle.objects.create(
            structure=structure,
            year=year,
            guide=guide,
            previous=cycle,
            ag_on=datetime.date(year + 1, 6, 12),
        )
        ThemeChoice.objects.bulk_create(
            [ThemeChoice(cycle=cycle, theme=t, priority=n) for n, t in enumerate(theme_rows[:-1])]
            + [
                ThemeChoice(
                    cycle=cycle,
                    theme=theme_rows[-1],
                    is_retained=False,
                    reason=f"Laissé de côté en {year}.",
                )
            ]
        )
        answers = Answer.objects.bulk_create(
            _answer(cycle, item, previous_answers.get(item.pk), n, index, last=n == items - 1)
            for n, item in enumerate(guide_items)
        )
        previous_answers = {answer.item_id: answer for answer in answers}
        planned = Action.objects.bulk_create(
            Action(
                cycle=cycle,
                title=f"Action {year} n° {n + 1}",
                # Every other action carried by someone with an account.
                owner=volunteer if n % 2 else None,
                owner_name="" if n % 2 else f"Bénévole n° {n % 3 + 1}",
                budget=Decimal(100 * (n + 1)),
                status=list(Action.Status)[n % len(Action.Status)],
                starts_on=datetime.date(year, 12, 1),
                due_on=datetime.date(year + 1, 3, 31),
            )
            for n in range(actions)
        )
        Action.answers.through.objects.bulk_create(
            Action.answers.through(action=action, answer=answers[n % len(answers)])
            for n, action in enumerate(planned)
        )
        if year != years[-1]:
            AgDebate.objects.create(
                cycle=cycle,
                held_on=cycle.ag_on,
                remarks=f"Remarques de l'AG {year}.",
                adjustments=f"Ajustements décidés en {year}.",
            )
    return cycle


def _answer(cycle, item, previous, n, index, *, last) -> Answer:
    fields = {"cycle": cycle, "item": item, "domain_id": item.domain_id, "previous": previous}
    if last:
        return Answer(**fields, assessment="not_treated", not_treated_reason="Pas cette année.")
    common = {
        "assessment": "good_practice" if n % 3 == 0 else "to_improve",
        "good_practices": f"Pratique {n}." if n % 3 == 0 else "",
        "improvements": f"Amélioration {n}.",
        "objective_3y": f"Objectif à trois ans {n}.",
    }
    if item.kind == Item.Kind.INDICATOR:
        return Answer(
            **fields,
            **common,
            value=Decimal(20 + n + 10 * index),
            target_1y=Decimal(30 + n + 10 * index),
            target_3y=Decimal(60),
        )
    return Answer(
        **fields, **common, situation=f"Situation {n}.", objective_1y=f"Objectif à un an {n}."
    )
