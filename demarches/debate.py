"""Step 11: the AG debate. Before the AG, the questions put to the assembly (proposed from the
year's themes the first time); after it, what the AG said and the adjustments decided, which
next year's démarche shows."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from demarches.models import HAS_OBJECTIVES, NOT_TREATED, AgDebate, Answer, Cycle
from demarches.services import Conflict, save_versioned
from members.models import User
from progress.lib.forms import plain_number

# What one A4 sheet holds, with room to write under each question.
MAX_QUESTIONS = 6
# The sheet recalls each retained theme's main objectives at 1 year, in a line each.
OBJECTIVES_PER_THEME = 3
OBJECTIVE_LENGTH = 110


def default_questions(cycle: Cycle) -> list[str]:
    """What the assembly could be asked about this year's démarche: one question per theme
    retained, then two on the action plan."""
    themes = cycle.theme_choices.filter(is_retained=True).select_related("theme")
    questions = [
        _("Do the objectives set for “%(theme)s” seem right to you?")
        % {"theme": choice.theme.label}
        for choice in themes[: MAX_QUESTIONS - 2]
    ]
    questions += [
        _("Which actions seem to you the most urgent?"),
        _("What would you add to the action plan?"),
    ]
    return questions


def debate_for(cycle: Cycle) -> tuple[AgDebate, bool]:
    """The cycle's debate and whether it is only proposed: until the pilot pair saves it, a
    debate not stored yet, with the default questions."""
    saved = AgDebate.objects.filter(cycle=cycle).select_related("updated_by").first()
    if saved:
        saved.cycle = cycle  # already at hand, with its structure
        return saved, False
    return AgDebate(cycle=cycle, questions="\n".join(default_questions(cycle))), True


def version_of(debate: AgDebate | None) -> int:
    """What the edit started from: the saved debate's version, or 0 for none yet."""
    return debate.version if debate and debate.pk else 0


@transaction.atomic
def save_debate(
    cycle: Cycle,
    *,
    questions: str,
    held_on: datetime.date | None,
    remarks: str,
    adjustments: str,
    version: int | None,
    by: User | None,
) -> AgDebate:
    """Save what the pilot pair wrote, unless the other member of the pair saved since
    `version` (what the edit started from): then `Conflict`, so that neither text silently
    replaces the other."""
    changes = {
        "questions": questions,
        "held_on": held_on,
        "remarks": remarks,
        "adjustments": adjustments,
    }
    current = AgDebate.objects.filter(cycle=cycle).first()
    if current is None:
        try:
            with transaction.atomic():  # a savepoint: the other click may win the insert
                return AgDebate.objects.create(cycle=cycle, updated_by=by, **changes)
        except IntegrityError:
            raise Conflict(AgDebate.objects.get(cycle=cycle)) from None
    return save_versioned(AgDebate, current, changes, version=version, by=by)


def for_cycle_page(cycle: Cycle) -> tuple[AgDebate | None, AgDebate | None]:
    """This year's debate and last year's, in one query."""
    ids = [cycle.pk, cycle.previous_id] if cycle.previous_id else [cycle.pk]
    debates = {debate.cycle_id: debate for debate in AgDebate.objects.filter(cycle_id__in=ids)}
    return debates.get(cycle.pk), debates.get(cycle.previous_id)


@dataclass
class ThemeObjectives:
    label: str
    objectives: list[str] = field(default_factory=list)
    more: int = 0  # objectives left off the sheet


def _objective(answer: Answer) -> str:
    if answer.target_1y is not None:
        target = plain_number(answer.target_1y, grouping=True)
        if answer.unit_suffix:
            target = f"{target} {answer.unit_suffix}"
        text = _("%(item)s: %(target)s") % {"item": answer.text, "target": target}
    else:
        text = answer.objective_1y
    return Truncator(" ".join(text.split())).chars(OBJECTIVE_LENGTH)


def sheet_themes(cycle: Cycle) -> list[ThemeObjectives]:
    """The retained themes, in priority order, each with its first objectives at 1 year (in
    the guide's order): what the assembly is asked to react to."""
    themes = {
        choice.theme_id: ThemeObjectives(choice.theme.label)
        for choice in cycle.theme_choices.filter(is_retained=True).select_related("theme")
    }
    answers = (
        cycle.answers.filter(HAS_OBJECTIVES)
        .exclude(NOT_TREATED)
        .select_related("item", "domain__theme")
        .in_guide_order()
    )
    for answer in answers:
        theme = themes.get(answer.domain.theme_id)
        if theme is None:
            continue  # an item of a theme left aside since
        if len(theme.objectives) < OBJECTIVES_PER_THEME:
            theme.objectives.append(_objective(answer))
        else:
            theme.more += 1
    return list(themes.values())
