"""A structure's yearly démarche: the cycle, its plan up to the AG, the themes and items it
works on, the état des lieux and objectives of each item (an `Answer`), the action plan and
the log of presentations.

Each answer and action carries a `version`: a save that started from an older version is a
conflict, never a silent overwrite. Their history is kept by django-simple-history.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guide.models import Domain, Guide, Item, Theme
from members.models import Membership, Network, Role, Structure


class Step(models.IntegerChoices):
    """The 12 steps of the national guide (seeds/002)."""

    PILOT = 1, _("Name a pilot and a working process up to the AG")
    THEMES = 2, _("Prioritise the themes of the year")
    SELECTION = 3, _("Choose action domains, questions and indicators")
    BALANCE = 4, _("Balance quantitative and qualitative items")
    ASSESSMENT = 5, _("État des lieux of each item, with evidence")
    PRACTICES = 6, _("Good practices, improvements and axes de progrès")
    OBJECTIVES = 7, _("Objectives at 1 year and 3 years")
    ACTION_PLAN = 8, _("Action plan")
    TABLE = 9, _("Keep it in a simple table (Excel)")
    STAFF = 10, _("Present to the staff")
    AG = 11, _("Present at the AG, exchange and adjust")
    SYNTHESIS = 12, _("Steering table kept, synthesis published")


class CycleQuerySet(models.QuerySet):
    def of_structures_led_by(self, user):
        return self.filter(
            structure__roles__person=user,
            structure__roles__kind__in=Role.PAIR_KINDS,
            structure__roles__ended_on=None,
        )

    def visible_to(self, user, *, sharing=(Membership.Sharing.FULL,)):
        """Cycles a person may read: those of the structures they hold a role in, and for a
        facilitator those a structure shares with their network (`sharing` says at which
        levels: the full démarche by default; the step overview also accepts the summary)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        own = Role.objects.active().filter(person=user).values("structure")
        shared = Membership.objects.filter(
            network__in=Network.objects.facilitated_by(user),
            status=Membership.Status.ACTIVE,
            sharing__in=sharing,
        ).values("structure")
        return self.filter(Q(structure__in=own) | Q(structure__in=shared))


class Cycle(models.Model):
    """One year of a structure's démarche, with one guide, up to its AG."""

    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="cycles", verbose_name=_("structure")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    guide = models.ForeignKey(Guide, models.PROTECT, related_name="cycles", verbose_name=_("guide"))
    ag_on = models.DateField(_("planned AG date"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("previous year"),
    )
    # Step 9 is reached once the steering table left the platform as a spreadsheet.
    table_exported_at = models.DateTimeField(_("steering table exported at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly cycle")
        verbose_name_plural = _("yearly cycles")
        ordering = ["structure", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "year"],
                name="cycle_once_per_year",
                violation_error_message=_("This structure already has a démarche for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.structure} · {self.year}"

    def get_absolute_url(self):
        return reverse("demarches:cycle", args=[self.pk])


class StepMark(models.Model):
    """A step ticked by hand, for what the data cannot tell (or to record its date)."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="step_marks")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step)
    done_on = models.DateField(_("done on"), default=timezone.localdate)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("step ticked by hand")
        verbose_name_plural = _("steps ticked by hand")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "step"], name="stepmark_once_per_step"),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.step}"


class Milestone(models.Model):
    """A date of the working process up to the AG (step 1) that the home page and the
    reminders follow."""

    class Kind(models.TextChoices):
        THEMES_CHOSEN = "themes_chosen", _("Themes chosen")
        ASSESSMENT_DONE = "assessment_done", _("État des lieux done")
        OBJECTIVES_SET = "objectives_set", _("Objectives and action plan set")
        STAFF_MEETING = "staff_meeting", _("Staff meeting")
        BOARD_MEETING = "board_meeting", _("Bureau / CA")
        AG = "ag", _("General assembly (AG)")
        OTHER = "other", _("Other")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200, blank=True)
    due_on = models.DateField(_("planned on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_late(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class ThemeChoice(models.Model):
    """Step 2: a theme of the guide retained for the year, or left aside with a reason."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="theme_choices")
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="choices")
    is_retained = models.BooleanField(_("retained"), default=True)
    reason = models.TextField(
        _("why it is left aside"),
        blank=True,
        help_text=_("A few lines for the published synthesis."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme choice")
        verbose_name_plural = _("theme choices")
        ordering = ["-is_retained", "priority", "theme__position", "theme__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "theme"], name="themechoice_once_per_theme"),
            models.CheckConstraint(
                condition=Q(is_retained=True) | ~Q(reason=""),
                name="themechoice_left_aside_has_a_reason",
                violation_error_message=_("Say in a few words why this theme is left aside."),
            ),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.theme}"


# The database's reading of `Answer.is_filled` and `Answer.has_objectives` (forms strip the
# text they save, so an empty text is "").
NOT_TREATED = Q(assessment="not_treated")
FILLED = NOT_TREATED | ~Q(situation="") | Q(value__isnull=False)
HAS_OBJECTIVES = NOT_TREATED | ~Q(objective_1y="") | Q(target_1y__isnull=False)
INDICATOR = Q(item__kind="indicator") | Q(own_kind="indicator")


class AnswerQuerySet(models.QuerySet):
    def with_context(self):
        """What a list of answers shows: item, domain and theme, last year's answer, the
        assignee, and the number of evidence files."""
        return self.select_related("item", "domain__theme", "previous", "assignee").annotate(
            evidence_count=models.Count("evidence")
        )

    def in_guide_order(self):
        return self.order_by(
            "domain__theme__position",
            "domain__theme__code",
            "domain__position",
            "domain__code",
            models.F("item__position").asc(nulls_last=True),
            "item__code",
            "pk",
        )

    def assigned_to(self, user):
        return self.filter(assignee=user)


class Answer(models.Model):
    """A selected item of the cycle (step 3) and what the structure says of it: the état des
    lieux (5), the assessment and axes de progrès (6), the objectives (7).

    The item is one of the guide's, or the structure's own question or indicator (own_*
    fields); `domain` is always set so that both sort and group the same way."""

    class Assessment(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("Good practice")
        TO_IMPROVE = "to_improve", _("To improve")
        NOT_TREATED = "not_treated", _("Not treated")

    class Progress(models.TextChoices):
        REACHED = "reached", _("Reached")
        PARTLY = "partly", _("Partly reached")
        NOT_REACHED = "not_reached", _("Not reached")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, models.PROTECT, null=True, blank=True, related_name="answers")
    domain = models.ForeignKey(
        Domain, models.PROTECT, related_name="answers", verbose_name=_("action domain")
    )
    own_kind = models.CharField(_("kind"), max_length=20, choices=Item.Kind, blank=True)
    own_text = models.TextField(_("wording"), blank=True)
    own_unit = models.CharField(_("unit"), max_length=20, choices=Item.Unit, blank=True)
    # Last year's answer to the same item: its value and objectives are shown beside these.
    previous = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="next"
    )

    situation = models.TextField(_("current situation"), blank=True)
    value = models.DecimalField(
        _("current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment, blank=True)
    not_treated_reason = models.TextField(_("why it is not treated"), blank=True)
    good_practices = models.TextField(_("current good practices"), blank=True)
    improvements = models.TextField(_("improvements and axes de progrès"), blank=True)
    objective_1y = models.TextField(_("objective at 1 year"), blank=True)
    target_1y = models.DecimalField(
        _("target at 1 year"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    objective_3y = models.TextField(_("objective at 3 years"), blank=True)
    target_3y = models.DecimalField(
        _("target at 3 years"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Progress on last year's objective, set by hand for a question (computed for indicators).
    progress = models.CharField(_("progress"), max_length=20, choices=Progress, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_answers",
        verbose_name=_("assigned to"),
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["domain__theme__position", "domain__position", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "item"],
                condition=Q(item__isnull=False),
                name="answer_once_per_item",
                violation_error_message=_("This item is already selected."),
            ),
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(own_text="") & Q(own_kind=""))
                | (Q(item__isnull=True) & ~Q(own_text="") & ~Q(own_kind="")),
                name="answer_item_or_own_wording",
            ),
            models.CheckConstraint(
                condition=Q(own_kind="indicator", item__isnull=True) & ~Q(own_unit="")
                | ~Q(own_kind="indicator") & Q(own_unit=""),
                name="answer_own_indicator_has_a_unit",
                violation_error_message=_("An indicator needs a unit; a question has none."),
            ),
            models.CheckConstraint(
                condition=~Q(assessment="not_treated") | ~Q(not_treated_reason=""),
                name="answer_not_treated_has_a_reason",
                violation_error_message=_("Say why this item is not treated."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    def get_absolute_url(self):
        return reverse("demarches:answer", args=[self.pk])

    # What the item says, wherever it comes from.
    @property
    def is_own(self) -> bool:
        return self.item_id is None

    @property
    def text(self) -> str:
        return self.own_text if self.is_own else self.item.text

    @property
    def kind(self) -> str:
        return self.own_kind if self.is_own else self.item.kind

    @property
    def unit(self) -> str:
        return self.own_unit if self.is_own else self.item.unit

    @property
    def is_indicator(self) -> bool:
        return self.kind == Item.Kind.INDICATOR

    @property
    def unit_label(self) -> str:
        return Item.Unit(self.unit).label if self.unit else ""

    @property
    def unit_suffix(self) -> str:
        """What follows a figure: "45 %", "2 300 kWh", but "41" for a count, not "41 nombre"."""
        return "" if self.unit == Item.Unit.COUNT else self.unit_label

    @property
    def code(self) -> str:
        """The guide's code, or for the structure's own item a stable code of its own."""
        return f"{self.domain.code}.S{self.pk}" if self.is_own else self.item.code

    @property
    def is_filled(self) -> bool:
        """The état des lieux is done: a situation (or value), or a reason not to treat it."""
        if self.assessment == self.Assessment.NOT_TREATED:
            return True
        return bool(self.situation.strip()) or self.value is not None

    @property
    def has_objectives(self) -> bool:
        return self.assessment == self.Assessment.NOT_TREATED or bool(
            self.objective_1y.strip() or self.target_1y is not None
        )

    @property
    def computed_progress(self) -> str:
        """For an indicator, progress on last year's target at 1 year: reached, partly
        (moved towards it) or not reached; for a question, what was set by hand."""
        if not self.is_indicator:
            return self.progress
        before = self.previous
        if before is None or before.target_1y is None or self.value is None:
            return ""
        start, target, now = before.value, before.target_1y, self.value
        if start is None:
            start = now if now != target else Decimal(0)
        rising = target >= start
        if (now >= target) if rising else (now <= target):
            return self.Progress.REACHED
        if (now > start) if rising else (now < start):
            return self.Progress.PARTLY
        return self.Progress.NOT_REACHED

    @property
    def computed_progress_label(self) -> str:
        progress = self.computed_progress
        return self.Progress(progress).label if progress else ""


def evidence_path(instance, filename):
    return f"evidence/{instance.answer.cycle_id}/{filename}"


class Evidence(models.Model):
    """A document collected for the état des lieux (step 5). Downloaded through a
    permission-checked view only."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at"]

    def __str__(self):
        return self.name


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Action.Status.TODO, Action.Status.DOING])

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def owned_by(self, user):
        return self.filter(owner=user)

    def count_by_status(self) -> dict[str, int]:
        """Status → number of actions, every status included, in one query."""
        return self.aggregate(
            **{
                status: models.Count("pk", filter=Q(status=status))
                for status in Action.Status.values
            }
        )


class Action(models.Model):
    """Step 8: what the structure will do to reach its objectives. Once done, the check
    step says whether it worked (the Check of plan-do-check-act)."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    answers = models.ManyToManyField(
        Answer, blank=True, related_name="actions", verbose_name=_("linked items")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    owner_name = models.CharField(
        _("owner (name)"),
        max_length=150,
        blank=True,
        help_text=_("Someone who has no account, such as a volunteer."),
    )
    budget = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.TODO)
    is_quick_win = models.BooleanField(
        _("petit pas"), default=False, help_text=_("A quick win, easy to reach soon.")
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    is_effective = models.BooleanField(_("effectiveness checked"), default=False)
    check_note = models.TextField(_("what the check showed"), blank=True)
    check_file = models.FileField(_("check evidence"), upload_to="action-checks/%Y/", blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = [models.F("due_on").asc(nulls_last=True), "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on=None) | Q(due_on=None) | Q(due_on__gte=models.F("starts_on")),
                name="action_due_after_start",
                violation_error_message=_("The due date cannot come before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget=None) | Q(budget__gte=0),
                name="action_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("demarches:action", args=[self.pk])

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TODO, self.Status.DOING)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()


class Presentation(models.Model):
    """Steps 10–12: the démarche presented to the staff, the bureau or CA, the AG, or
    reviewed each quarter."""

    class Kind(models.TextChoices):
        STAFF_MEETING = "staff_meeting", _("Staff meeting")
        BOARD_MEETING = "board_meeting", _("Bureau / CA")
        AG = "ag", _("General assembly (AG)")
        QUARTERLY_REVIEW = "quarterly_review", _("Quarterly review")
        OTHER = "other", _("Other")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="presentations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("presentation or review")
        verbose_name_plural = _("presentations and reviews")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on}"


class AgDebate(models.Model):
    """Step 11: the time of exchange the guide asks for at the AG. Before, the questions put
    to the assembly (printed on the debate sheet); after, what the AG said and the
    adjustments decided, shown in the démarche and in next year's report."""

    cycle = models.OneToOneField(Cycle, models.CASCADE, related_name="ag_debate")
    questions = models.TextField(
        _("questions put to the assembly"), blank=True, help_text=_("One question per line.")
    )
    held_on = models.DateField(_("AG held on"), null=True, blank=True)
    remarks = models.TextField(_("the AG's remarks"), blank=True)
    adjustments = models.TextField(_("adjustments decided"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("AG debate")
        verbose_name_plural = _("AG debates")

    def __str__(self):
        return f"{self.cycle} · AG"

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def is_recorded(self) -> bool:
        """The AG's remarks or adjustments are written down."""
        return bool(self.remarks.strip() or self.adjustments.strip())
