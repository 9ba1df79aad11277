"""Where a cycle stands on the 12 steps.

Each step is derived from the data when the data can tell (themes chosen, items selected,
état des lieux filled…) and can be ticked by hand otherwise, or to record its date. The whole
overview costs a fixed number of queries, whatever the number of items or actions.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from demarches.models import FILLED, HAS_OBJECTIVES, INDICATOR, Answer, Cycle, Presentation, Step
from members.models import Role

# The screen where each step is done (URL names of the demarches namespace).
STEP_SCREENS = {
    Step.PILOT: "plan",
    Step.THEMES: "themes",
    Step.SELECTION: "selection",
    Step.BALANCE: "selection",
    Step.ASSESSMENT: "assessment",
    Step.PRACTICES: "assessment",
    Step.OBJECTIVES: "assessment",
    Step.ACTION_PLAN: "actions",
    Step.TABLE: "transfer",
    Step.STAFF: "presentations",
    Step.AG: "presentations",
    Step.SYNTHESIS: "presentations",
}

# Steps no data of ours can tell: only a tick by hand says they are done.
MANUAL_STEPS = {Step.SYNTHESIS}


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

    @property
    def can_be_derived(self) -> bool:
        return self.step not in MANUAL_STEPS


def _day(moment):
    return timezone.localdate(moment) if moment else None


def answer_counts(cycle: Cycle) -> dict:
    return Answer.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"),
        indicators=Count("pk", filter=INDICATOR),
        filled=Count("pk", filter=FILLED),
        assessed=Count("pk", filter=~Q(assessment="")),
        with_objectives=Count("pk", filter=HAS_OBJECTIVES),
        selected_at=Max("created_at"),
        updated_at=Max("updated_at"),
    )


def overview(cycle: Cycle) -> list[StepState]:
    """The 12 steps of the cycle, in order."""
    answers = answer_counts(cycle)
    total = answers["total"]
    questions = total - answers["indicators"]
    themes = cycle.theme_choices.aggregate(
        retained=Count("pk", filter=Q(is_retained=True)), at=Max("updated_at")
    )
    milestones = cycle.milestones.aggregate(count=Count("pk"), at=Min("created_at"))
    actions = cycle.actions.aggregate(count=Count("pk"), at=Min("created_at"))
    held = dict(cycle.presentations.values_list("kind").annotate(first=Min("held_on")).order_by())
    has_pilot = (
        Role.objects.active().filter(structure_id=cycle.structure_id, kind=Role.Kind.PILOT).exists()
    )
    marks = {mark.step: mark.done_on for mark in cycle.step_marks.all()}
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
        Step.SYNTHESIS: (False, None, ""),
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
