"""Le chemin parcouru: where each item of the year stands against last year's objective,
theme by theme, and for indicators the value year after year.

An answer points to last year's answer to the same item (`Answer.previous`), and so on back
to the first year. The whole page costs a fixed number of queries: this year's answers with
last year's, the structure's past years, and one query for every older answer of the chain.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from demarches import services
from demarches.models import Answer, Cycle, Milestone
from guide.models import Theme

NOT_ASSESSED = "not_assessed"


@dataclass
class Row:
    answer: Answer
    # (year, value) for every year of the path, oldest first, this year included; for
    # indicators only.
    series: list[tuple[int, Decimal | None]] = field(default_factory=list)

    @property
    def before(self) -> Answer:
        return self.answer.previous

    @property
    def progress(self) -> str:
        return self.answer.computed_progress or NOT_ASSESSED


@dataclass
class ThemePath:
    theme: Theme
    rows: list[Row] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(row.progress for row in self.rows)

    @property
    def reached(self) -> int:
        return self.counts[Answer.Progress.REACHED]

    @property
    def partly(self) -> int:
        return self.counts[Answer.Progress.PARTLY]

    @property
    def not_reached(self) -> int:
        return self.counts[Answer.Progress.NOT_REACHED]

    @property
    def not_assessed(self) -> int:
        return self.counts[NOT_ASSESSED]

    @property
    def indicator_rows(self) -> list[Row]:
        return [row for row in self.rows if row.series]


@dataclass
class Path:
    cycle: Cycle
    years: list[int]  # every year of the chain, oldest first, this one included
    themes: list[ThemePath]

    @property
    def previous_year(self) -> int:
        return self.years[-2] if len(self.years) > 1 else self.cycle.year - 1

    @property
    def has_series(self) -> bool:
        """More than two years: a value series says more than "before / now"."""
        return len(self.years) > 2

    @property
    def rows(self) -> list[Row]:
        return [row for theme in self.themes for row in theme.rows]


def past_years(cycle: Cycle) -> list[Cycle]:
    """The cycles this one continues, latest first, following `previous` (one query)."""
    past = {
        row.pk: row
        for row in Cycle.objects.filter(structure_id=cycle.structure_id, year__lt=cycle.year).only(
            "pk", "year", "previous_id", "structure_id"
        )
    }
    chain, current = [], past.get(cycle.previous_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = past.get(current.previous_id)
    return chain


def path(cycle: Cycle) -> Path:
    """Each answer of the cycle that continues last year's, grouped by retained theme in the
    order of priority (themes left aside this year are not part of the path)."""
    answers = list(
        Answer.objects.filter(cycle=cycle, previous__isnull=False)
        .select_related("item", "domain__theme", "previous__item")
        .in_guide_order()
    )
    chain = past_years(cycle)
    years = [past.year for past in reversed(chain)] + [cycle.year]
    series = _series(cycle, chain, answers)
    choices = {choice.theme_id: choice for choice in cycle.theme_choices.all()}

    themes: dict[int, ThemePath] = {}
    for answer in answers:
        theme = answer.domain.theme
        choice = choices.get(theme.pk)
        if choice is not None and not choice.is_retained:
            continue
        values = series.get(answer.pk)
        themes.setdefault(theme.pk, ThemePath(theme)).rows.append(
            Row(answer, [(year, values.get(year)) for year in years] if values else [])
        )

    def order(theme_path):
        choice = choices.get(theme_path.theme.pk)
        return (choice is None, choice.priority if choice else 0)

    return Path(cycle, years, sorted(themes.values(), key=order))


def _series(cycle: Cycle, chain: list[Cycle], answers: list[Answer]) -> dict:
    """answer pk → {year: value} for indicators, walking `previous` back through the
    chain. Answers older than last year's come in one query."""
    years = {past.pk: past.year for past in chain}
    older = {
        pk: (previous_id, value, cycle_id)
        for pk, previous_id, value, cycle_id in Answer.objects.filter(
            cycle_id__in=list(years)[1:]
        ).values_list("pk", "previous_id", "value", "cycle_id")
    }
    series = {}
    for answer in answers:
        if not answer.is_indicator:
            continue
        before = answer.previous
        values = [(cycle.year, answer.value), (years.get(before.cycle_id), before.value)]
        link = before.previous_id
        while link in older and len(values) <= len(chain):
            link, value, cycle_id = older[link]
            values.append((years[cycle_id], value))
        series[answer.pk] = {year: value for year, value in values if year}
    return series


@dataclass
class CarryOver:
    """What next year takes over from `cycle` (services.start_cycle does the carrying)."""

    retained: int
    left_aside: int
    selected: int
    own: int
    objectives_3y: int
    milestones: list[tuple[Milestone, datetime.date]]  # each with its date next year
    ag_on: datetime.date | None


def carry_over(cycle: Cycle) -> CarryOver:
    themes = cycle.theme_choices.aggregate(
        retained=Count("pk", filter=Q(is_retained=True)),
        left_aside=Count("pk", filter=Q(is_retained=False)),
    )
    answers = cycle.answers.aggregate(
        selected=Count("pk"),
        own=Count("pk", filter=Q(item__isnull=True)),
        objectives_3y=Count("pk", filter=~Q(objective_3y="") | Q(target_3y__isnull=False)),
    )
    one_year_on = services.one_year_on
    return CarryOver(
        **themes,
        **answers,
        milestones=[(m, one_year_on(m.due_on)) for m in cycle.milestones.all()],
        ag_on=one_year_on(cycle.ag_on) if cycle.ag_on else None,
    )
