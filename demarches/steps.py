"""Where a cycle stands on the 12 steps.

Each step is derived from the data when the data can tell (themes chosen, items selected,
état des lieux filled…) and can be ticked by hand otherwise, or to record its date. The whole
overview costs a fixed number of queries, whatever the number of items or actions.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from demarches.models import (
    FILLED,
    HAS_OBJECTIVES,
    INDICATOR,
    Action,
    Answer,
    Cycle,
    Milestone,
    Presentation,
    Step,
    StepMark,
    ThemeChoice,
)
from members.models import Role

# The screen where each step is done (URL names of the demarches namespace).
STEP_SCREENS = {
    Step.PILOT: "demarches:plan",
    Step.THEMES: "demarches:themes",
    Step.SELECTION: "demarches:selection",
    Step.BALANCE: "demarches:selection",
    Step.ASSESSMENT: "demarches:assessment",
    Step.PRACTICES: "demarches:assessment",
    Step.OBJECTIVES: "demarches:assessment",
    Step.ACTION_PLAN: "demarches:actions",
    Step.TABLE: "demarches:transfer",
    Step.STAFF: "demarches:presentations",
    Step.AG: "demarches:ag_debate",
    Step.SYNTHESIS: "reports:cycle_reports",
}


@dataclass
class StepState:
    step: Step
    done_on: object = None  # a date, when done
    is_derived: bool = False  # the data says it is done (not only a tick by hand)
    is_marked: bool = False  # ticked by hand
    detail: str = ""  # how far it went, such as "8 / 12"
    screen: str = ""

    @property
    def number(self) -> int:
        return int(self.step)

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def is_done(self) -> bool:
        return self.is_derived or self.is_marked


def _day(moment):
    return timezone.localdate(moment) if moment else None


ANSWER_COUNTS = {
    "total": Count("pk"),
    "indicators": Count("pk", filter=INDICATOR),
    "filled": Count("pk", filter=FILLED),
    "assessed": Count("pk", filter=~Q(assessment="")),
    "with_objectives": Count("pk", filter=HAS_OBJECTIVES),
    "selected_at": Max("created_at"),
    "updated_at": Max("updated_at"),
}
THEME_COUNTS = {"retained": Count("pk", filter=Q(is_retained=True)), "at": Max("updated_at")}
FIRST_CREATED = {"count": Count("pk"), "at": Min("created_at")}
# Step 12: a version of the synthesis frozen (published) — reports.Report, read through the
# cycle's `reports` relation so that démarches do not import the reports app.
PUBLISHED = {"kind": "synthesis", "frozen_for__isnull": False}
# What the aggregates above give for a cycle with no row to count.
NO_ANSWERS = {key: 0 for key in ANSWER_COUNTS} | {"selected_at": None, "updated_at": None}
NO_THEMES = {"retained": 0, "at": None}
NONE_CREATED = {"count": 0, "at": None}


@dataclass
class _Facts:
    """What the data says of one cycle, as the steps read it."""

    answers: dict
    themes: dict
    milestones: dict
    actions: dict
    held: dict  # presentation kind → first day it was held
    has_pilot: bool
    marks: dict  # step → day it was ticked
    published: object = None  # when a synthesis was first frozen (published), if ever


def overview(cycle: Cycle) -> list[StepState]:
    """The 12 steps of the cycle, in order."""
    return overviews([cycle])[cycle.pk]


def _per_cycle(queryset, cycle_ids, **aggregates) -> dict:
    rows = queryset.filter(cycle__in=cycle_ids).order_by().values("cycle").annotate(**aggregates)
    return {row.pop("cycle"): row for row in rows}


def overviews(cycles) -> dict[int, list[StepState]]:
    """The 12 steps of many cycles (cycle id → steps, in order), the same as `overview` gives
    for each, in eight queries whatever the number of cycles: a network's report or dashboard
    reads a hundred structures at once."""
    cycles = list(cycles)
    ids = [cycle.pk for cycle in cycles]
    answers = _per_cycle(Answer.objects, ids, **ANSWER_COUNTS)
    themes = _per_cycle(ThemeChoice.objects, ids, **THEME_COUNTS)
    milestones = _per_cycle(Milestone.objects, ids, **FIRST_CREATED)
    actions = _per_cycle(Action.objects, ids, **FIRST_CREATED)
    held = defaultdict(dict)
    for cycle_id, kind, first in (
        Presentation.objects.filter(cycle__in=ids)
        .order_by()
        .values_list("cycle", "kind")
        .annotate(first=Min("held_on"))
    ):
        held[cycle_id][kind] = first
    piloted = set(
        Role.objects.active()
        .filter(structure__in={cycle.structure_id for cycle in cycles}, kind=Role.Kind.PILOT)
        .values_list("structure", flat=True)
    )
    marks = defaultdict(dict)
    for cycle_id, step, done_on in StepMark.objects.filter(cycle__in=ids).values_list(
        "cycle", "step", "done_on"
    ):
        marks[cycle_id][step] = done_on
    published = dict(
        Cycle.objects.filter(pk__in=ids, **{f"reports__{k}": v for k, v in PUBLISHED.items()})
        .values_list("pk")
        .annotate(at=Min("reports__frozen_at"))
        .order_by()
    )
    return {
        cycle.pk: _states(
            cycle,
            _Facts(
                answers=answers.get(cycle.pk, NO_ANSWERS),
                themes=themes.get(cycle.pk, NO_THEMES),
                milestones=milestones.get(cycle.pk, NONE_CREATED),
                actions=actions.get(cycle.pk, NONE_CREATED),
                held=held[cycle.pk],
                has_pilot=cycle.structure_id in piloted,
                marks=marks[cycle.pk],
                published=published.get(cycle.pk),
            ),
        )
        for cycle in cycles
    }


def _states(cycle: Cycle, facts: _Facts) -> list[StepState]:
    answers, themes, milestones = facts.answers, facts.themes, facts.milestones
    actions, held, has_pilot, marks = facts.actions, facts.held, facts.has_pilot, facts.marks
    total = answers["total"]
    questions = total - answers["indicators"]
    answers_day = _day(answers["updated_at"])

    derived = {
        Step.PILOT: (has_pilot and milestones["count"] > 0, _day(milestones["at"]), ""),
        Step.THEMES: (
            themes["retained"] > 0,
            _day(themes["at"]),
            ngettext("%(count)s retained", "%(count)s retained", themes["retained"])
            % {"count": themes["retained"]}
            if themes["retained"]
            else "",
        ),
        Step.SELECTION: (
            total > 0,
            _day(answers["selected_at"]),
            ngettext("%(count)s item", "%(count)s items", total) % {"count": total}
            if total
            else "",
        ),
        Step.BALANCE: (
            answers["indicators"] > 0 and questions > 0,
            _day(answers["selected_at"]),
            _("%(indicators)s indicators, %(questions)s questions")
            % {"indicators": answers["indicators"], "questions": questions}
            if total
            else "",
        ),
        Step.ASSESSMENT: (
            total > 0 and answers["filled"] == total,
            answers_day,
            f"{answers['filled']} / {total}" if total else "",
        ),
        Step.PRACTICES: (
            total > 0 and answers["assessed"] == total,
            answers_day,
            f"{answers['assessed']} / {total}" if total else "",
        ),
        Step.OBJECTIVES: (
            total > 0 and answers["with_objectives"] == total,
            answers_day,
            f"{answers['with_objectives']} / {total}" if total else "",
        ),
        Step.ACTION_PLAN: (
            actions["count"] > 0,
            _day(actions["at"]),
            ngettext("%(count)s action", "%(count)s actions", actions["count"])
            % {"count": actions["count"]}
            if actions["count"]
            else "",
        ),
        Step.TABLE: (cycle.table_exported_at is not None, _day(cycle.table_exported_at), ""),
        Step.STAFF: (
            Presentation.Kind.STAFF_MEETING in held,
            held.get(Presentation.Kind.STAFF_MEETING),
            "",
        ),
        Step.AG: (Presentation.Kind.AG in held, held.get(Presentation.Kind.AG), ""),
        Step.SYNTHESIS: (facts.published is not None, _day(facts.published), ""),
    }
    states = []
    for step in Step:
        is_derived, derived_on, detail = derived[step]
        marked_on = marks.get(step)
        states.append(
            StepState(
                step=step,
                done_on=marked_on or (derived_on if is_derived else None),
                is_derived=bool(is_derived),
                is_marked=marked_on is not None,
                detail=detail,
                screen=STEP_SCREENS[step],
            )
        )
    return states


def current_step(states: list[StepState]) -> StepState | None:
    """The first step not done yet: where the structure stands."""
    return next((state for state in states if not state.is_done), None)
