"""Changes to a démarche: starting a year (and carrying the previous one over), saving an
answer or an action without overwriting someone else's edit, restoring a past version,
ticking steps."""

import datetime

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from demarches.models import Action, Answer, Cycle, Milestone, StepMark, ThemeChoice
from guide.models import Domain, Guide, Item, Theme
from members.models import Structure, User

# What the next year takes over from an answer: the selection and the 3-year objective, still
# running. Last year's value and 1-year objective are shown beside the new état des lieux
# through `Answer.previous`, and are the yardstick of its progress.
CARRIED_ANSWER_FIELDS = ["own_kind", "own_text", "own_unit", "objective_3y", "target_3y"]


class Conflict(Exception):
    """Someone saved the same answer (or action) since this edit started."""

    def __init__(self, current: Model):
        super().__init__(f"{current!r} changed since this edit started")
        self.current = current


def _in_guide(model, guide: Guide, old_rows) -> dict:
    """Map rows of a previous edition to the rows of `guide` that continue them (or to
    themselves when the guide is the same)."""
    old_rows = [row for row in old_rows if row is not None]
    if not old_rows or all(row.guide_id == guide.pk for row in old_rows):
        return {row.pk: row for row in old_rows}
    continued = model.objects.filter(guide=guide, previous__in=old_rows)
    return {row.previous_id: row for row in continued}


@transaction.atomic
def start_cycle(
    structure: Structure,
    *,
    year: int,
    guide: Guide,
    by: User | None,
    ag_on: datetime.date | None = None,
) -> Cycle:
    """Open the structure's démarche for `year`. When the structure ran the year before, the
    new year starts from it: same themes and items (in `guide`'s edition), the structure's
    own items, the 3-year objectives, and the plan of the year moved one year on."""
    previous = Cycle.objects.filter(structure=structure, year=year - 1).first()
    cycle = Cycle.objects.create(
        structure=structure, year=year, guide=guide, ag_on=ag_on, previous=previous, created_by=by
    )
    if previous:
        _carry_over(previous, cycle, by=by)
    return cycle


def _carry_over(previous: Cycle, cycle: Cycle, *, by) -> None:
    choices = list(previous.theme_choices.select_related("theme"))
    themes = _in_guide(Theme, cycle.guide, [choice.theme for choice in choices])
    ThemeChoice.objects.bulk_create(
        ThemeChoice(
            cycle=cycle,
            theme=themes[choice.theme_id],
            is_retained=choice.is_retained,
            reason=choice.reason,
            priority=choice.priority,
        )
        for choice in choices
        if choice.theme_id in themes
    )
    answers = list(previous.answers.select_related("item", "domain"))
    items = _in_guide(Item, cycle.guide, [answer.item for answer in answers])
    domains = _in_guide(Domain, cycle.guide, [answer.domain for answer in answers])
    for answer in answers:
        if answer.is_own:
            domain = domains.get(answer.domain_id)
            item = None
        else:
            item = items.get(answer.item_id)
            domain = item.domain if item else None
        if domain is None:
            continue  # the new edition dropped it: nothing to continue
        new = Answer(
            cycle=cycle,
            item=item,
            domain=domain,
            previous=answer,
            assignee=answer.assignee,
            updated_by=by,
            **{field: getattr(answer, field) for field in CARRIED_ANSWER_FIELDS},
        )
        new._history_user = by
        new.save()
    for milestone in previous.milestones.all():
        milestone.pk = None
        milestone.cycle = cycle
        milestone.due_on = one_year_on(milestone.due_on)
        milestone.done_on = None
        milestone.save()
    if previous.ag_on and not cycle.ag_on:
        cycle.ag_on = one_year_on(previous.ag_on)
        cycle.save(update_fields=["ag_on"])


def one_year_on(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# The default plan of the year: each milestone, so many weeks before the AG.
DEFAULT_PLAN = [
    (Milestone.Kind.THEMES_CHOSEN, 20),
    (Milestone.Kind.ASSESSMENT_DONE, 12),
    (Milestone.Kind.OBJECTIVES_SET, 8),
    (Milestone.Kind.STAFF_MEETING, 6),
    (Milestone.Kind.BOARD_MEETING, 4),
    (Milestone.Kind.AG, 0),
]


@transaction.atomic
def propose_plan(cycle: Cycle, *, ag_on: datetime.date | None = None) -> list[Milestone]:
    """Step 1's plan of the year, dated backwards from the AG (given here or already set)."""
    if ag_on:
        cycle.ag_on = ag_on
        cycle.save(update_fields=["ag_on", "updated_at"])
    return Milestone.objects.bulk_create(
        Milestone(cycle=cycle, kind=kind, due_on=cycle.ag_on - datetime.timedelta(weeks=weeks))
        for kind, weeks in DEFAULT_PLAN
    )


def save_versioned(model, instance: Model, changes: dict, *, version: int, by) -> Model:
    """Apply `changes` to `instance` if nobody saved it since `version`; raise Conflict with
    the current row otherwise. The row is locked for the comparison, so two saves of the
    same version cannot both win."""
    current = model.objects.select_for_update().get(pk=instance.pk)
    if current.version != version:
        raise Conflict(current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current.updated_by = by
    current._history_user = by
    current.save()
    return current


@transaction.atomic
def save_answer(answer: Answer, changes: dict, *, version: int, by: User | None) -> Answer:
    return save_versioned(Answer, answer, changes, version=version, by=by)


@transaction.atomic
def save_action(
    action: Action, changes: dict, *, version: int, by: User | None, answers=None
) -> Action:
    saved = save_versioned(Action, action, changes, version=version, by=by)
    if answers is not None:
        saved.answers.set(answers)
    return saved


# Who carries an answer or an action is the pilot pair's decision (the forms hide these
# fields from contributors): a contributor's restore leaves them as they are.
LEAD_ONLY_FIELDS = {Answer: {"assignee_id"}, Action: {"owner_id", "owner_name"}}


@transaction.atomic
def restore(record, *, by: User | None, as_lead: bool = True) -> Model:
    """Bring an answer or an action back to a past version of its history; the restore is
    itself a new version, so it can be undone the same way."""
    model = record.instance_type
    current = model.objects.select_for_update().get(pk=record.instance.pk)
    kept = {"id", "version", "created_at", "updated_at", "updated_by_id"}
    if not as_lead:
        kept |= LEAD_ONLY_FIELDS[model]
    changes = {
        field.attname: getattr(record, field.attname)
        for field in model._meta.concrete_fields
        if field.attname not in kept and hasattr(record, field.attname)
    }
    return save_versioned(model, current, changes, version=current.version, by=by)


def mark_step(cycle: Cycle, step: int, *, by: User | None, on=None) -> StepMark:
    mark, _ = StepMark.objects.update_or_create(
        cycle=cycle,
        step=step,
        defaults={"done_on": on or timezone.localdate(), "marked_by": by},
    )
    return mark


def unmark_step(cycle: Cycle, step: int) -> None:
    StepMark.objects.filter(cycle=cycle, step=step).delete()


def record_export(cycle: Cycle) -> None:
    """Step 9: the steering table left the platform as a spreadsheet."""
    Cycle.objects.filter(pk=cycle.pk, table_exported_at=None).update(
        table_exported_at=timezone.now()
    )
