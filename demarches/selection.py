"""Steps 2–4: the themes a structure works on this year, the items it selects in them (the
guide's and its own), and the balance of questions and indicators.

An item is selected when the cycle has an `Answer` for it. Taking an item out of the
selection deletes its answer, so an answer that already says something (état des lieux,
objectives, evidence, linked actions) is never taken out: the structure empties it first.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demarches.models import Action, Answer, Cycle, Evidence, ThemeChoice
from guide.models import Domain, Item, Theme
from members.models import User

# What an answer may say; an answer with any of them, evidence or a linked action has content.
CONTENT_FIELDS = (
    "situation",
    "value",
    "assessment",
    "not_treated_reason",
    "good_practices",
    "improvements",
    "objective_1y",
    "target_1y",
    "objective_3y",
    "target_3y",
    "progress",
)


# --- Step 2: themes -------------------------------------------------------------------------


def themes_of(cycle: Cycle) -> list[Theme]:
    """The guide's current themes, in guide order, each with `choice` (or None) and
    `selected_count`, the number of items selected in it."""
    themes = list(cycle.guide.themes.current())
    choices = {choice.theme_id: choice for choice in cycle.theme_choices.filter(theme__in=themes)}
    counts = dict(cycle.answers.values_list("domain__theme").annotate(count=Count("pk")).order_by())
    for theme in themes:
        theme.choice = choices.get(theme.pk)
        theme.selected_count = counts.get(theme.pk, 0)
    return themes


@dataclass
class Decision:
    theme: Theme
    is_retained: bool
    reason: str = ""
    priority: int = 0
    is_decided: bool = True


@transaction.atomic
def save_theme_choices(cycle: Cycle, decisions: list[Decision]) -> None:
    """Record every theme's decision at once: created, updated when it changed, forgotten
    when the theme is back to "not decided yet"."""
    existing = {choice.theme_id: choice for choice in cycle.theme_choices.all()}
    created, changed, undecided = [], [], []
    now = timezone.now()
    for decision in decisions:
        if not decision.is_decided:
            if decision.theme.pk in existing:
                undecided.append(existing[decision.theme.pk].pk)
            continue
        values = {
            "is_retained": decision.is_retained,
            "reason": "" if decision.is_retained else decision.reason,
            "priority": decision.priority if decision.is_retained else 0,
        }
        choice = existing.get(decision.theme.pk)
        if choice is None:
            created.append(ThemeChoice(cycle=cycle, theme=decision.theme, **values))
        elif any(getattr(choice, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(choice, name, value)
            choice.updated_at = now  # bulk_update leaves auto_now alone; the overview dates by it
            changed.append(choice)
    ThemeChoice.objects.filter(pk__in=undecided).delete()
    ThemeChoice.objects.bulk_create(created)
    ThemeChoice.objects.bulk_update(changed, ["is_retained", "reason", "priority", "updated_at"])


# --- Steps 3–4: items and their balance -----------------------------------------------------


def with_content_flags(answers: QuerySet) -> QuerySet:
    return answers.annotate(
        has_evidence=Exists(Evidence.objects.filter(answer=OuterRef("pk"))),
        has_actions=Exists(Action.answers.through.objects.filter(answer=OuterRef("pk"))),
    )


def has_content(answer: Answer) -> bool:
    """`answer` comes from `with_content_flags`."""
    return (
        answer.has_evidence
        or answer.has_actions
        or any(getattr(answer, name) not in ("", None) for name in CONTENT_FIELDS)
    )


@dataclass
class Row:
    """One line of the selection: an item of the guide (selected or not), or one of the
    structure's own items."""

    item: Item | None = None
    answer: Answer | None = None
    is_checked: bool = False  # what the form shows: the selection, or what was just submitted
    is_kept: bool = False  # unchecked, but kept because its answer has content

    @property
    def is_selected(self) -> bool:
        return self.answer is not None

    @property
    def is_own(self) -> bool:
        return self.item is None

    @property
    def field(self) -> str:
        return "own" if self.is_own else "item"

    @property
    def value(self) -> int:
        return self.answer.pk if self.is_own else self.item.pk

    @property
    def code(self) -> str:
        return self.answer.code if self.is_own else self.item.code

    @property
    def text(self) -> str:
        return self.answer.own_text if self.is_own else self.item.text

    @property
    def is_indicator(self) -> bool:
        return (self.answer.kind if self.is_own else self.item.kind) == Item.Kind.INDICATOR

    @property
    def kind_label(self) -> str:
        return Item.Kind.INDICATOR.label if self.is_indicator else Item.Kind.QUESTION.label

    @property
    def unit_label(self) -> str:
        return self.answer.unit_label if self.is_own else self.item.get_unit_display()


@dataclass
class Balance:
    questions: int = 0
    indicators: int = 0

    @property
    def total(self) -> int:
        return self.questions + self.indicators

    @property
    def lacks_indicators(self) -> bool:
        return self.questions > 0 and self.indicators == 0

    @property
    def lacks_questions(self) -> bool:
        return self.indicators > 0 and self.questions == 0

    def add(self, answer: Answer) -> None:
        if answer.is_indicator:
            self.indicators += 1
        else:
            self.questions += 1


@dataclass
class DomainRows:
    domain: Domain | None  # None for the items selected outside the retained themes
    rows: list[Row] = field(default_factory=list)


@dataclass
class ThemeRows:
    choice: ThemeChoice | None  # None for the items selected outside the retained themes
    domains: list[DomainRows] = field(default_factory=list)
    balance: Balance = field(default_factory=Balance)

    @property
    def theme(self) -> Theme | None:
        return self.choice.theme if self.choice else None


@dataclass
class Selection:
    """What the selection page shows: the retained themes by priority, their domains and
    items; the items selected elsewhere (a theme left aside, an archived item); the balance.
    Four queries, whatever the size of the guide or of the selection."""

    themes: list[ThemeRows]
    others: list[Row]
    balance: Balance

    @property
    def sections(self) -> list[ThemeRows]:
        """The retained themes, then the items selected outside them, if any."""
        if not self.others:
            return self.themes
        return [*self.themes, ThemeRows(None, [DomainRows(None, self.others)])]

    @property
    def rows(self) -> list[Row]:
        return [row for theme in self.sections for domain in theme.domains for row in domain.rows]

    def keep_selected_only(self) -> None:
        """Drop what is not selected: what someone who cannot change the selection reads."""
        for theme in self.themes:
            for domain in theme.domains:
                domain.rows = [row for row in domain.rows if row.is_selected]
            theme.domains = [domain for domain in theme.domains if domain.rows]

    def show_submitted(self, items: set[int], own: set[int], kept: list[Answer] = ()) -> None:
        """Check the boxes as they were submitted, those kept for their content included."""
        kept_pks = {answer.pk for answer in kept}
        for row in self.rows:
            row.is_kept = row.answer is not None and row.answer.pk in kept_pks
            row.is_checked = row.is_kept or row.value in (own if row.is_own else items)


def selection_of(cycle: Cycle, *, text: str = "", kind: str = "") -> Selection:
    """The selection of `cycle`; `text` and `kind` narrow the items shown (not the balance)."""
    choices = list(
        cycle.theme_choices.filter(
            is_retained=True, theme__guide=cycle.guide, theme__is_archived=False
        )
        .select_related("theme")
        .order_by("priority", "theme__position", "theme__code")
    )
    themes = [ThemeRows(choice) for choice in choices]
    by_theme = {theme.theme.pk: theme for theme in themes}
    domains = Domain.objects.current().filter(theme__in=list(by_theme)).order_by("position", "code")
    by_domain = {}
    for domain in domains:
        by_domain[domain.pk] = DomainRows(domain)
        by_theme[domain.theme_id].domains.append(by_domain[domain.pk])

    answers = list(
        with_content_flags(cycle.answers.select_related("item", "domain__theme")).in_guide_order()
    )
    by_item = {answer.item_id: answer for answer in answers if not answer.is_own}
    items = Item.objects.current().filter(domain__in=list(by_domain)).order_by("position", "code")
    if text:
        items = items.search(text)
    if kind:
        items = items.filter(kind=kind)
    for item in items:
        answer = by_item.get(item.pk)
        by_domain[item.domain_id].rows.append(Row(item, answer, is_checked=answer is not None))

    balance, others = Balance(), []
    for answer in answers:
        balance.add(answer)
        # An item counts where the guide has it now; the structure's own item, in its domain.
        domain_id = answer.domain_id if answer.is_own else answer.item.domain_id
        domain = by_domain.get(domain_id)
        if domain is None or (not answer.is_own and answer.item.is_archived):
            others.append(Row(answer.item, answer, is_checked=True))
            continue
        by_theme[domain.domain.theme_id].balance.add(answer)
        if answer.is_own and _matches(answer, text, kind):
            domain.rows.append(Row(None, answer, is_checked=True))
    return Selection(themes, others, balance)


def _matches(answer: Answer, text: str, kind: str) -> bool:
    return (not kind or answer.own_kind == kind) and (
        not text or text.lower() in answer.own_text.lower()
    )


class ContentKept(Exception):
    """Answers that were unchecked but say something: they stay selected."""

    def __init__(self, answers: list[Answer]):
        super().__init__(", ".join(answer.code for answer in answers))
        self.answers = answers


@transaction.atomic
def save_selection(
    cycle: Cycle,
    *,
    items: set[int],
    own: set[int],
    by: User | None,
    text: str = "",
    kind: str = "",
) -> tuple[int, int]:
    """Make the items shown (narrowed by `text` and `kind`, as the page was) selected when
    their pk is in `items` (or `own`, for the structure's own items), and not selected
    otherwise. Nothing changes when an answer with content would go: ContentKept names them.
    Return how many items were added and removed."""
    # Two saves of the same selection queue up, so they never both create the same answer.
    Cycle.objects.select_for_update().only("pk").get(pk=cycle.pk)
    selection = selection_of(cycle, text=text, kind=kind)
    added = [row.item for row in selection.rows if not row.is_selected and row.item.pk in items]
    removed = [
        row.answer
        for row in selection.rows
        if row.is_selected and row.value not in (own if row.is_own else items)
    ]
    kept = [answer for answer in removed if has_content(answer)]
    if kept:
        raise ContentKept(kept)
    Answer.objects.filter(pk__in=[answer.pk for answer in removed]).delete()
    if added:
        bulk_create_with_history(
            [Answer(cycle=cycle, item=item, domain=item.domain, updated_by=by) for item in added],
            Answer,
            default_user=by,
        )
    return len(added), len(removed)


@transaction.atomic
def add_own_item(
    cycle: Cycle, *, domain: Domain, kind: str, text: str, unit: str, by: User | None
) -> Answer:
    answer = Answer(
        cycle=cycle,
        domain=domain,
        own_kind=kind,
        own_text=text,
        own_unit=unit if kind == Item.Kind.INDICATOR else "",
        updated_by=by,
    )
    answer._history_user = by
    answer.save()
    return answer


def retained_domains(cycle: Cycle) -> QuerySet:
    """The action domains the structure's own items can go in: those of retained themes."""
    retained = cycle.theme_choices.filter(is_retained=True).values("theme")
    return (
        Domain.objects.current()
        .filter(guide=cycle.guide, theme__in=retained, theme__is_archived=False)
        .select_related("theme")
        .order_by("theme__position", "theme__code", "position", "code")
    )
