"""The data of a structure's reports for one year: the full AG report (everything the board
needs to follow the démarche) and the publishable synthesis (what the structure says of
itself in public: no names, no budgets, no evidence).

Each gathering costs a fixed number of queries whatever the number of items and actions:
answers, actions and the links between them come in three queries and are grouped here.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from demarches import progression, steps
from demarches.models import Action, Answer, Cycle, ThemeChoice
from guide.models import Theme
from members.models import Membership, Role, User
from progress.lib import charts


@dataclass
class Entry:
    """An item of the year with the actions that serve it."""

    answer: Answer
    actions: list[Action] = field(default_factory=list)


@dataclass
class ThemeSection:
    theme: Theme
    choice: ThemeChoice | None
    entries: list[Entry] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"theme-{self.theme.pk}"

    @cached_property
    def assessments(self) -> Counter:
        # Read once the section is complete (by the templates), a dozen times per section.
        return Counter(entry.answer.assessment for entry in self.entries)

    @property
    def good_practices(self) -> int:
        return self.assessments[Answer.Assessment.GOOD_PRACTICE]

    @property
    def to_improve(self) -> int:
        return self.assessments[Answer.Assessment.TO_IMPROVE]

    @property
    def not_treated(self) -> int:
        return self.assessments[Answer.Assessment.NOT_TREATED]


@dataclass
class PlanRow:
    action: Action
    answers: list[Answer] = field(default_factory=list)


@dataclass
class ActionPlan:
    rows: list[PlanRow]
    status_chart: object = None

    @property
    def total_budget(self) -> Decimal:
        """What the plan costs: abandoned actions are not spent."""
        return sum(
            (
                row.action.budget
                for row in self.rows
                if row.action.budget is not None and row.action.status != Action.Status.ABANDONED
            ),
            Decimal(0),
        )

    @property
    def leaves_out_abandoned(self) -> bool:
        return any(
            row.action.status == Action.Status.ABANDONED and row.action.budget for row in self.rows
        )


@dataclass
class Contributor:
    name: str
    items: int = 0
    actions: int = 0


@dataclass
class ProgressTheme:
    path: progression.ThemePath
    charts: list = field(default_factory=list)


def _cycle(report) -> Cycle:
    return Cycle.objects.select_related(
        "structure", "guide", "ag_debate", "previous__ag_debate"
    ).get(pk=report.cycle_id)


def _networks(cycle: Cycle) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(structure_id=cycle.structure_id)
        .order_by("network__name")
        .values_list("network__name", flat=True)
    )


def _period(cycle: Cycle) -> tuple[datetime.date, datetime.date]:
    """From the start of the year to its AG (or to the end of the next year)."""
    return datetime.date(cycle.year, 1, 1), cycle.ag_on or datetime.date(cycle.year + 1, 12, 31)


def _pilot_pair(cycle: Cycle) -> list[Role]:
    """The pilots and co-pilots whose mandate ran during the year: a report of a past year
    names the pair of that year, hand-overs included."""
    starts, ends = _period(cycle)
    return list(
        Role.objects.filter(
            structure_id=cycle.structure_id, kind__in=Role.PAIR_KINDS, started_on__lte=ends
        )
        .exclude(ended_on__lt=starts)
        .select_related("person")
        .order_by("-kind", "started_on")  # the pilot before the co-pilot
    )


def _answers(cycle: Cycle) -> list[Answer]:
    return list(
        Answer.objects.filter(cycle=cycle)
        .select_related("item", "domain__theme", "previous")
        .in_guide_order()
    )


def _entries_and_plan(cycle: Cycle, answers: list[Answer]) -> tuple[dict, ActionPlan]:
    """Each answer's actions and each action's answers, from one query on the links."""
    actions = list(Action.objects.filter(cycle=cycle).select_related("owner"))
    links = Action.answers.through.objects.filter(action__cycle=cycle).values_list(
        "action_id", "answer_id"
    )
    entries = {answer.pk: Entry(answer) for answer in answers}
    rows = {action.pk: PlanRow(action) for action in actions}
    for action_id, answer_id in links:
        rows[action_id].answers.append(entries[answer_id].answer)
        entries[answer_id].actions.append(rows[action_id].action)
    order = {answer.pk: position for position, answer in enumerate(answers)}
    for row in rows.values():
        row.answers.sort(key=lambda answer: order[answer.pk])
    return entries, ActionPlan(list(rows.values()), _status_chart(actions))


def _status_chart(actions: list[Action]):
    if not actions:
        return None
    counts = Counter(action.status for action in actions)
    return charts.status_chart(
        [
            (status.value, status.label, counts[status])
            for status in Action.Status
            if counts[status]
        ],
        title=_("Actions of the year by status"),
    )


def _theme_sections(choices: list[ThemeChoice], entries: dict) -> list[ThemeSection]:
    """The retained themes by priority, each with its items in the guide's order. Items of a
    theme that has no choice (selected before the themes were) come after them."""
    retained = {c.theme_id: ThemeSection(c.theme, c) for c in choices if c.is_retained}
    aside = {c.theme_id for c in choices if not c.is_retained}
    others: dict[int, ThemeSection] = {}
    for entry in entries.values():
        theme = entry.answer.domain.theme
        if theme.pk in aside:
            continue
        section = retained.get(theme.pk) or others.setdefault(theme.pk, ThemeSection(theme, None))
        section.entries.append(entry)
    return [*retained.values(), *others.values()]


def _contributors(cycle: Cycle, pair: list[Role], answers, plan: ActionPlan) -> list[Contributor]:
    """Who filled items (in the history of changes, or assigned to them) and who carries
    actions, besides the pilot pair."""
    items = defaultdict(set)
    for person_id, answer_id in (
        Answer.history.filter(cycle_id=cycle.pk, history_type="~", history_user__isnull=False)
        .values_list("history_user_id", "id")
        .order_by()  # the history's own ordering would defeat the DISTINCT
        .distinct()
    ):
        items[person_id].add(answer_id)
    for answer in answers:
        if answer.assignee_id:
            items[answer.assignee_id].add(answer.pk)
    actions = Counter()
    named = Counter()
    for row in plan.rows:
        if row.action.owner_id:
            actions[row.action.owner_id] += 1
        elif row.action.owner_name:
            named[row.action.owner_name.strip()] += 1
    pair_ids = {role.person_id for role in pair}
    ids = (set(items) | set(actions)) - pair_ids
    people = User.objects.filter(pk__in=ids).only("pk", "full_name", "email") if ids else []
    contributors = [
        Contributor(str(person), len(items[person.pk]), actions[person.pk]) for person in people
    ]
    contributors += [Contributor(name, 0, count) for name, count in named.items()]
    return sorted(contributors, key=lambda contributor: contributor.name.lower())


def _progress(cycle: Cycle) -> tuple[progression.Path | None, list[ProgressTheme]]:
    if cycle.previous_id is None:
        return None, []
    path = progression.path(cycle)
    themes = []
    for theme_path in path.themes:
        theme_charts = []
        for row in theme_path.indicator_rows:
            if sum(value is not None for _year, value in row.series) < 2:
                continue
            answer = row.answer
            theme_charts.append(
                charts.series_chart(
                    row.series,
                    title=f"{answer.code} {answer.text}",
                    unit=answer.unit_suffix,
                    target=answer.target_1y,
                )
            )
        themes.append(ProgressTheme(theme_path, theme_charts))
    return path, themes


def full_context(report) -> dict:
    cycle = _cycle(report)
    pair = _pilot_pair(cycle)
    answers = _answers(cycle)
    entries, plan = _entries_and_plan(cycle, answers)
    choices = list(cycle.theme_choices.select_related("theme"))
    path, progress = _progress(cycle)
    return {
        "cycle": cycle,
        "networks": _networks(cycle),
        "pair": pair,
        "contributors": _contributors(cycle, pair, answers, plan),
        "steps": steps.overview(cycle),
        "presentations": list(cycle.presentations.order_by("held_on", "pk")),
        "themes": _theme_sections(choices, entries),
        "item_count": len(answers),
        "previous_year": cycle.previous.year if cycle.previous else None,
        "left_aside": [choice for choice in choices if not choice.is_retained],
        "path": path,
        "progress": progress,
        "plan": plan,
        "debate": getattr(cycle, "ag_debate", None),
        "previous_debate": _previous_debate(cycle),
    }


def _previous_debate(cycle: Cycle):
    if cycle.previous is None:
        return None
    return getattr(cycle.previous, "ag_debate", None)


# --- The publishable synthesis -------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One line of the synthesis: a text, and for an indicator its figure."""

    text: str
    value: Decimal | None = None
    unit: str = ""


@dataclass
class SynthesisTheme:
    theme: Theme
    choice: ThemeChoice | None
    good_practices: list[Point] = field(default_factory=list)
    improvements: list[Point] = field(default_factory=list)
    objectives_1y: list[Point] = field(default_factory=list)
    objectives_3y: list[Point] = field(default_factory=list)

    @property
    def is_retained(self) -> bool:
        return self.choice is not None and self.choice.is_retained

    @property
    def is_left_aside(self) -> bool:
        return self.choice is not None and not self.choice.is_retained

    @property
    def has_content(self) -> bool:
        return bool(
            self.good_practices or self.improvements or self.objectives_1y or self.objectives_3y
        )

    def add(self, answer: Answer) -> None:
        if answer.assessment == Answer.Assessment.NOT_TREATED:
            return
        figure = {"unit": answer.unit_suffix} if answer.is_indicator else {}
        if answer.good_practices.strip():
            _append(self.good_practices, Point(answer.good_practices.strip()))
        elif (
            answer.assessment == Answer.Assessment.GOOD_PRACTICE
            and answer.is_indicator
            and answer.value is not None
        ):
            # No words of its own: the indicator's figure is the good practice. (The état des
            # lieux of a question stays internal: it may name people or figures.)
            _append(self.good_practices, Point(answer.text, answer.value, **figure))
        if answer.improvements.strip():
            _append(self.improvements, Point(answer.improvements.strip()))
        for points, text, target in (
            (self.objectives_1y, answer.objective_1y, answer.target_1y),
            (self.objectives_3y, answer.objective_3y, answer.target_3y),
        ):
            if answer.is_indicator and target is not None:
                # The target says more than the indicator's (often generic) objective.
                _append(points, Point(answer.text, target, **figure))
            elif text.strip():
                _append(points, Point(text.strip()))


def _append(points: list[Point], point: Point) -> None:
    if point not in points:
        points.append(point)


def synthesis_context(report) -> dict:
    """Every theme of the guide in its order: what is at stake, and for a retained theme the
    good practices, axes d'amélioration and objectives of its items; a theme left aside with
    the reason the structure gives."""
    cycle = Cycle.objects.select_related("structure", "guide").get(pk=report.cycle_id)
    choices = {choice.theme_id: choice for choice in cycle.theme_choices.all()}
    themes = {
        theme.pk: SynthesisTheme(theme, choices.get(theme.pk))
        for theme in Theme.objects.filter(guide_id=cycle.guide_id).order_by("position", "code")
        if not theme.is_archived or theme.pk in choices
    }
    answers = Answer.objects.filter(cycle=cycle).select_related("item", "domain").in_guide_order()
    for answer in answers:
        theme = themes.get(answer.domain.theme_id)
        if theme is not None and not theme.is_left_aside:
            theme.add(answer)
    retained = sorted(
        (theme for theme in themes.values() if theme.is_retained),
        key=lambda theme: theme.choice.priority,
    )
    return {
        "cycle": cycle,
        "networks": _networks(cycle),
        "themes": list(themes.values()),
        "retained": retained,
    }
