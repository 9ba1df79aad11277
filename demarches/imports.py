"""The steering table read back from an .xlsx workbook (the format of exports.py), previewed,
then applied.

`parse()` turns the file into a Plan: every change as old → new (answers, actions, theme
choices), or else the problems found, each with its sheet, row and column. Rows are matched
by their "Réf." only: a reference that matches nothing in the cycle is reported, never
guessed, and the import never adds an item to the selection (the selection screen does).
Nothing is written before `apply()`, which saves the whole plan in one transaction through
the services (so that the history says who changed what), and refuses all of it when
something changed since the preview.
"""

import datetime
import re
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from demarches import exports, services
from demarches.exports import ACTION_HEADERS, ANSWER_HEADERS, THEME_HEADERS
from demarches.models import Action, Answer, Cycle, ThemeChoice
from guide.models import Item, Theme
from members.models import Role, User
from progress.lib import xlsx

# Far above any real table (the national guide has about 200 items); beyond, a file is a mistake.
MAX_ROWS = 2000
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"]
CENT = Decimal("0.01")


class Stale(Exception):
    """Something the import would change was saved by someone else since the preview."""

    def __init__(self, label: str):
        super().__init__(label)
        self.label = Truncator(label).chars(80)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # as Excel numbers it; None for the sheet as a whole
    column: str
    message: str  # ends a sentence: it starts with a lowercase letter

    def __str__(self):
        if self.row is None:
            return capfirst(self.message)
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One row of the file that changes something: an answer, an action (new or not), or
    the choice about a theme."""

    key: str  # "answer:12", "action:4", "theme:7"; "" for a new action
    row: int
    ref: str
    label: str
    target: Answer | Action | ThemeChoice | Theme | None  # a Theme: its choice is new
    values: dict = field(default_factory=dict)  # model field → new value
    fields: list[FieldChange] = field(default_factory=list)
    answers: list[Answer] | None = None  # an action's linked items, when they change

    @property
    def is_new(self) -> bool:
        return not self.key

    @property
    def count(self) -> int:
        return 1 if self.is_new else len(self.fields)


@dataclass
class Plan:
    cycle: Cycle
    problems: list[Problem] = field(default_factory=list)
    answers: list[Change] = field(default_factory=list)
    actions: list[Change] = field(default_factory=list)
    themes: list[Change] = field(default_factory=list)
    # What each row of the file was matched with looked like when the plan was made (its
    # version): `apply` compares them with those the person saw in the preview.
    stamps: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> list[Change]:
        return [*self.answers, *self.actions, *self.themes]

    @property
    def change_count(self) -> int:
        return sum(change.count for change in self.changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def groups(self) -> list[tuple[str, list[Change]]]:
        """The changes by kind, for the preview; only kinds with changes."""
        groups = [
            (_("Questions and indicators"), self.answers),
            (_("Action plan"), self.actions),
            (_("Themes"), self.themes),
        ]
        return [(label, changes) for label, changes in groups if changes]

    @property
    def problems_by_sheet(self) -> list[tuple[str, list[Problem]]]:
        grouped = {}
        for problem in self.problems:
            grouped.setdefault(problem.sheet, []).append(problem)
        return list(grouped.items())


# --- Reading the file ------------------------------------------------------------------------


def _spellings(*labels, year=None) -> set[str]:
    """How a label may be written in the file: in any language of the site, in any case."""
    spellings = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for label in labels:
                text = str(label)
                if "%(year)s" in text:
                    text %= {"year": year}
                spellings.add(text.strip().casefold())
    return spellings


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return exports.yes_no(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as 2 comes back as 2.0
    if isinstance(value, datetime.datetime | datetime.date):
        value = formats.date_format(value, "SHORT_DATE_FORMAT")
    return xlsx.unneutralise(str(value).replace("\r\n", "\n").strip())


def read_file(upload: File, cycle: Cycle) -> dict[str, list[tuple] | None]:
    """The rows of each sheet of the steering table `upload` (None for a missing sheet).

    Raises SpreadsheetError when the file cannot be read, or is not this cycle's table.
    """
    workbook = xlsx.open_workbook(upload)
    try:
        sheets = {sheet.title.strip().casefold(): sheet for sheet in workbook.worksheets}
        _check_identity(sheets.get(exports.IDENTITY_SHEET.casefold()), cycle)
        tables = {}
        for key, name in exports.SHEETS.items():
            found = next((sheets[s] for s in _spellings(name) if s in sheets), None)
            tables[key] = xlsx.read_rows(found) if found is not None else None
        return tables
    finally:
        workbook.close()


def _check_identity(sheet, cycle: Cycle) -> None:
    values = {}
    if sheet is not None:
        for row in xlsx.read_rows(sheet):
            if len(row) >= 2 and row[0] is not None:
                values[_text(row[0])] = _text(row[1])
    if values.get("format") != exports.FORMAT:
        raise xlsx.SpreadsheetError(
            _(
                "This workbook is not a steering table exported from the platform: export the "
                "table of this démarche, edit it, then import it."
            )
        )
    if values.get("structure_id") != str(cycle.structure_id) or values.get("year") != str(
        cycle.year
    ):
        raise xlsx.SpreadsheetError(
            _(
                "This file is the table of %(structure)s for %(year)s: import it into its own "
                "démarche."
            )
            % {"structure": values.get("structure", "?"), "year": values.get("year", "?")}
        )


def parse(upload: File, cycle: Cycle) -> Plan:
    """What importing `upload` into `cycle` would do.

    Raises SpreadsheetError when the file cannot be read at all, or belongs to another
    démarche; problems in its rows are in `plan.problems`.
    """
    return make_plan(read_file(upload, cycle), cycle)


class _Sheet:
    """The rows of one sheet, their columns located by header, and the problems found."""

    def __init__(self, key: str, rows, headers: dict, required, problems: list, year=None):
        self.name = str(exports.SHEETS[key])
        self.headers = headers
        self.year = year
        self.problems = problems
        self.columns = {}
        self.rows = []
        if rows is None:
            self._problem(
                None,
                "",
                _(
                    "the sheet “%(sheet)s” is missing: import the workbook as it was exported, "
                    "without renaming its sheets."
                )
                % {"sheet": self.name},
            )
            return
        found = {}
        for index, value in enumerate(rows[0] if rows else ()):
            found.setdefault(_text(value).casefold(), index)
        for key in headers:
            spellings = _spellings(headers[key], year=self.year_of(key))
            index = next((found[s] for s in spellings if s in found), None)
            if index is not None:
                self.columns[key] = index
            elif key in required:
                self._problem(
                    1,
                    self.header(key),
                    _("this column is missing: keep the columns of the exported table."),
                )
        if self.problems:
            return
        for number, row in enumerate(rows[1:], start=2):
            cells = {key: row[i] if i < len(row) else None for key, i in self.columns.items()}
            if all(_text(value) == "" for value in cells.values()):
                continue
            if len(self.rows) == MAX_ROWS:
                self._problem(
                    None, "", _("this sheet has more than %(max)s rows.") % {"max": MAX_ROWS}
                )
                self.rows = []
                return
            self.rows.append(_Row(self, number, cells))

    def year_of(self, key: str):
        return self.year[key] if isinstance(self.year, dict) else self.year

    def header(self, key: str) -> str:
        return exports.header(self.headers, key, self.year_of(key))

    def _problem(self, row, column, message) -> None:
        self.problems.append(Problem(self.name, row, column, message))


class _Row:
    """One row of a sheet: its cells read as text, numbers, dates or choices, each problem
    recorded with its row and column."""

    def __init__(self, sheet: _Sheet, number: int, cells: dict):
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.has_problem = False

    def problem(self, key: str, message: str) -> None:
        self.has_problem = True
        self.sheet._problem(self.number, self.sheet.header(key) if key else "", message)

    def raw(self, key: str):
        return self.cells.get(key)

    def text(self, key: str, max_length: int | None = None) -> str:
        value = _text(self.cells.get(key))
        if max_length and len(value) > max_length:
            self.problem(
                key, _("this text is too long: %(max)s characters at most.") % {"max": max_length}
            )
        return value

    def decimal(self, key: str, model_field) -> Decimal | None:
        value = self.cells.get(key)
        if _text(value) == "":
            return None
        try:
            number = _decimal(value)
        except (ValueError, InvalidOperation):
            self.problem(key, _("a number is expected."))
            return None
        if abs(number) >= 10 ** (model_field.max_digits - model_field.decimal_places):
            self.problem(key, _("this number is too large."))
            return None
        return number

    def date(self, key: str) -> datetime.date | None:
        value = self.cells.get(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            return None
        for pattern in DATE_INPUTS:
            try:
                return datetime.date(*time.strptime(text, pattern)[:3])
            except ValueError:
                continue
        self.problem(key, _("“%(value)s” is not a date: write it as 31/03/2027.") % {"value": text})
        return None

    def choice(self, key: str, choices) -> str | None:
        """The value of `choices` (a TextChoices) whose label or value the cell holds; ""
        for an empty cell, None (and a problem) for anything else."""
        text = self.text(key)
        if not text:
            return ""
        for choice in choices:
            if text.casefold() in _spellings(choice.label) | {choice.value}:
                return choice.value
        self.problem(
            key,
            _("unknown value “%(value)s”: write one of %(values)s.")
            % {"value": text, "values": ", ".join(str(label) for label in choices.labels)},
        )
        return None

    def boolean(self, key: str) -> bool:
        value = self.cells.get(key)
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if text in ("", "0") or text in _spellings(gettext_lazy("No")):
            return False
        if text == "1" or text in _spellings(gettext_lazy("Yes")):
            return True
        self.problem(
            key,
            _("write %(yes)s or %(no)s.")
            % {"yes": exports.yes_no(True), "no": exports.yes_no(False)},
        )
        return False


def _decimal(value) -> Decimal:
    """A number from a cell, rounded to the cent: 12.5, "12,5", "1 200", "1 200,50 €"."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = re.sub(r"[\s€]", "", str(value)).replace(",", ".")  # \s: no-break spaces too
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(value)
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Comparing with the cycle ----------------------------------------------------------------


def _same_text(old: str, new: str) -> bool:
    # Browsers send line breaks as CRLF and the file trims cells: the text is the same.
    return old.replace("\r\n", "\n").strip() == new


def _show_number(value: Decimal | None) -> str:
    return "" if value is None else floatformat(value, -2)


def _show_date(value: datetime.date | None) -> str:
    return "" if value is None else formats.date_format(value, "SHORT_DATE_FORMAT")


def _assessment_label(value: str) -> str:
    return str(Answer.Assessment(value).label) if value else ""


def _status_label(value: str) -> str:
    return str(Action.Status(value).label)


class _Differ:
    """Collects the fields of one row that differ from the stored object."""

    def __init__(self, sheet: _Sheet):
        self.sheet = sheet
        self.values = {}
        self.fields = []

    def compare(self, name: str, old, new, show=str) -> None:
        """Compare the field `name` (and the column of the same key) with its new value."""
        is_same = _same_text(old or "", new) if isinstance(new, str) else old == new
        if not is_same:
            self.values[name] = new
            old_text = show(old) if old is not None else ""
            self.fields.append(FieldChange(self.sheet.header(name), old_text, show(new)))


class _Context:
    """What the rows are matched with: the cycle's answers, actions, themes and people, in a
    fixed number of queries whatever their number."""

    def __init__(self, cycle: Cycle):
        self.cycle = cycle
        answers = exports.cycle_answers(cycle)
        self.answers = {answer.code: answer for answer in answers}
        self.linked = exports.linked_codes(cycle, answers)
        self.order = {answer.code: index for index, answer in enumerate(answers)}
        self.actions = {action.pk: action for action in cycle.actions.select_related("owner")}
        self.themes = {theme.code: (theme, choice) for theme, choice in exports.cycle_themes(cycle)}
        self.people = list(
            User.objects.filter(
                pk__in=Role.objects.active()
                .filter(structure_id=cycle.structure_id)
                .values("person")
            )
        )

    def person_named(self, text: str) -> User | None:
        wanted = text.casefold()
        matches = [
            person
            for person in self.people
            if wanted in (str(person).casefold(), person.email.casefold())
        ]
        return matches[0] if len(matches) == 1 else None


def make_plan(tables: dict, cycle: Cycle) -> Plan:
    """Match the rows of `tables` (from read_file) with what `cycle` holds."""
    problems = []
    previous_year = cycle.previous.year if cycle.previous_id else cycle.year - 1
    years = {
        key: previous_year if key in exports.PREVIOUS_YEAR else cycle.year for key in ANSWER_HEADERS
    }
    sheets = {
        "answers": _Sheet(
            "answers",
            tables["answers"],
            ANSWER_HEADERS,
            ["ref", *exports.ANSWER_FIELDS],
            problems,
            years,
        ),
        "actions": _Sheet(
            "actions",
            tables["actions"],
            ACTION_HEADERS,
            list(ACTION_HEADERS),
            problems,
        ),
        "themes": _Sheet(
            "themes",
            tables["themes"],
            THEME_HEADERS,
            ["ref", "is_retained", "priority", "reason"],
            problems,
        ),
    }
    if problems:
        return Plan(cycle, problems=problems)
    context = _Context(cycle)
    plan = Plan(cycle)
    _plan_answers(sheets["answers"], context, plan)
    _plan_actions(sheets["actions"], context, plan)
    _plan_themes(sheets["themes"], context, plan)
    if problems:
        order = list(exports.SHEETS.values())
        names = {str(name): index for index, name in enumerate(order)}
        problems.sort(key=lambda p: (names.get(p.sheet, 0), p.row or 0))
        return Plan(cycle, problems=problems)
    return plan


def _duplicate(row: _Row, ref: str, seen: dict) -> bool:
    if ref in seen:
        row.problem(
            "ref",
            _("the reference %(ref)s is already on row %(row)s.") % {"ref": ref, "row": seen[ref]},
        )
        return True
    seen[ref] = row.number
    return False


def _plan_answers(sheet: _Sheet, context: _Context, plan: Plan) -> None:
    unknown = {_text(row.raw("ref")) for row in sheet.rows} - set(context.answers)
    in_guide = set(
        Item.objects.filter(guide_id=context.cycle.guide_id, code__in=unknown - {""}).values_list(
            "code", flat=True
        )
    )
    seen = {}
    for row in sheet.rows:
        ref = row.text("ref")
        answer = context.answers.get(ref)
        if not ref:
            row.problem(
                "",
                _(
                    "this row has no reference: an item is added to the selection on the "
                    "platform only, from the screen “Selection”."
                ),
            )
            continue
        if answer is None:
            if ref in in_guide:
                message = _(
                    "the item %(ref)s is not in the selection of this démarche: add it from "
                    "the screen “Selection”, the import does not add items."
                )
            else:
                message = _("the reference %(ref)s matches no item of this démarche.")
            row.problem("", message % {"ref": ref})
            continue
        if _duplicate(row, ref, seen):
            continue
        plan.stamps[f"answer:{answer.pk}"] = str(answer.version)
        _plan_answer(row, answer, plan)


def _plan_answer(row: _Row, answer: Answer, plan: Plan) -> None:
    differ = _Differ(row.sheet)
    for key in ["situation", "good_practices", "improvements", "objective_1y", "objective_3y"]:
        differ.compare(key, getattr(answer, key), row.text(key))
    assessment = row.choice("assessment", Answer.Assessment)
    reason = row.text("not_treated_reason")
    if assessment == Answer.Assessment.NOT_TREATED and not reason:
        row.problem("not_treated_reason", _("say why this item is not treated."))
    if assessment is not None:
        differ.compare(
            "assessment",
            answer.assessment,
            assessment,
            show=_assessment_label,
        )
    differ.compare("not_treated_reason", answer.not_treated_reason, reason)
    for key in ["value", "target_1y", "target_3y"]:
        old, number = getattr(answer, key), row.decimal(key, Answer._meta.get_field(key))
        if number is not None and number != old and not answer.is_indicator:
            row.problem(
                key,
                _("a question has no figures: write its état des lieux and objectives as text."),
            )
            continue
        differ.compare(key, old, number, show=_show_number)
    if differ.fields and not row.has_problem:
        plan.answers.append(
            Change(
                f"answer:{answer.pk}",
                row.number,
                answer.code,
                answer.text,
                answer,
                differ.values,
                differ.fields,
            )
        )


def _plan_actions(sheet: _Sheet, context: _Context, plan: Plan) -> None:
    seen = {}
    for row in sheet.rows:
        ref = row.text("ref")
        action = None
        if ref:
            match = re.fullmatch(r"[Aa](\d+)", ref)
            action = context.actions.get(int(match[1])) if match else None
            if action is None:
                row.problem(
                    "",
                    _("the reference %(ref)s matches no action of this démarche.") % {"ref": ref},
                )
                continue
            if _duplicate(row, ref.upper(), seen):
                continue
            plan.stamps[f"action:{action.pk}"] = str(action.version)
        _plan_action(row, action, context, plan)


def _plan_action(row: _Row, action: Action | None, context: _Context, plan: Plan) -> None:
    is_new = action is None
    if is_new:
        action = Action(cycle=context.cycle)
    differ = _Differ(row.sheet)
    title = row.text("title", Action._meta.get_field("title").max_length)
    if not title:
        row.problem("title", _("every action needs a title."))
    differ.compare("title", action.title, title)
    differ.compare("description", action.description, row.text("description"))

    owner_text = row.text("owner", Action._meta.get_field("owner_name").max_length)
    if not _same_text(action.owner_label, owner_text):
        person = context.person_named(owner_text) if owner_text else None
        differ.values.update(owner=person, owner_name="" if person else owner_text)
        differ.fields.append(FieldChange(row.sheet.header("owner"), action.owner_label, owner_text))

    budget = row.decimal("budget", Action._meta.get_field("budget"))
    if budget is not None and budget < 0:
        row.problem("budget", _("a budget cannot be negative."))
    differ.compare("budget", action.budget, budget, show=_show_number)
    starts_on, due_on = row.date("starts_on"), row.date("due_on")
    if starts_on and due_on and due_on < starts_on:
        row.problem("due_on", _("the due date cannot come before the start."))
    differ.compare("starts_on", action.starts_on, starts_on, show=_show_date)
    differ.compare("due_on", action.due_on, due_on, show=_show_date)

    status = row.choice("status", Action.Status)
    if status == "":
        if is_new:
            status = Action.Status.TODO
        else:
            row.problem(
                "status",
                _("write one of %(values)s.") % {"values": ", ".join(exports.status_labels())},
            )
    if status:
        differ.compare("status", action.status, status, show=_status_label)
        if status != action.status and status == Action.Status.DONE and not action.done_on:
            # As the action form does: "done" without a date means done today.
            differ.values["done_on"] = timezone.localdate()
    for key in ["is_quick_win", "is_effective"]:
        differ.compare(key, getattr(action, key), row.boolean(key), show=exports.yes_no)
    differ.compare("check_note", action.check_note, row.text("check_note"))

    answers = _linked(row, context)
    old_codes = [] if is_new else context.linked.get(action.pk, [])
    new_codes = [answer.code for answer in answers or []]
    if answers is not None and set(new_codes) != set(old_codes):
        differ.fields.append(
            FieldChange(row.sheet.header("answers"), ", ".join(old_codes), ", ".join(new_codes))
        )
    else:
        answers = None

    if row.has_problem or not (differ.fields or differ.values):
        return
    if is_new:
        differ.values.setdefault("status", Action.Status.TODO)
        differ.fields = [change for change in differ.fields if change.new]
    plan.actions.append(
        Change(
            "" if is_new else f"action:{action.pk}",
            row.number,
            "" if is_new else exports.action_ref(action),
            title,
            None if is_new else action,
            differ.values,
            differ.fields,
            answers,
        )
    )


def _linked(row: _Row, context: _Context) -> list[Answer] | None:
    """The items of the cell "Items liés", in the guide's order; None when one is unknown."""
    codes = [code.strip() for code in re.split(r"[,;\n]", row.text("answers")) if code.strip()]
    unknown = [code for code in codes if code not in context.answers]
    if unknown:
        row.problem(
            "answers",
            _("%(codes)s: no such item in this démarche; write the references of its items.")
            % {"codes": ", ".join(unknown)},
        )
        return None
    ordered = sorted(set(codes), key=lambda code: context.order[code])
    return [context.answers[code] for code in ordered]


def _plan_themes(sheet: _Sheet, context: _Context, plan: Plan) -> None:
    seen = {}
    for row in sheet.rows:
        ref = row.text("ref")
        theme, choice = context.themes.get(ref, (None, None))
        if theme is None:
            row.problem(
                "",
                _("the reference %(ref)s matches no theme of this guide.") % {"ref": ref or "∅"},
            )
            continue
        if _duplicate(row, ref, seen):
            continue
        plan.stamps[f"theme:{theme.pk}"] = choice.updated_at.isoformat() if choice else ""
        retained_text = row.text("is_retained")
        if not retained_text:
            if choice is not None:
                row.problem(
                    "is_retained",
                    _("write %(yes)s or %(no)s.")
                    % {"yes": exports.yes_no(True), "no": exports.yes_no(False)},
                )
            continue  # a theme not chosen yet stays so
        is_retained = row.boolean("is_retained")
        priority = _priority(row)
        reason = row.text("reason")
        if not is_retained and not reason:
            row.problem("reason", _("say in a few words why this theme is left aside."))
        if row.has_problem:
            continue
        differ = _Differ(sheet)
        differ.compare(
            "is_retained", choice.is_retained if choice else None, is_retained, exports.yes_no
        )
        differ.compare("priority", choice.priority if choice else None, priority)
        differ.compare("reason", choice.reason if choice else "", reason)
        if differ.fields:
            plan.themes.append(
                Change(
                    f"theme:{theme.pk}",
                    row.number,
                    theme.code,
                    theme.title,
                    choice or theme,
                    differ.values,
                    differ.fields,
                )
            )


def _priority(row: _Row) -> int:
    value = row.raw("priority")
    if _text(value) == "":
        return 0
    try:
        number = _decimal(value)
    except (ValueError, InvalidOperation):
        number = None
    if number is None or number < 0 or number != number.to_integral_value() or number > 32767:
        row.problem("priority", _("a whole number is expected, such as 1 for the first."))
        return 0
    return int(number)


# --- Applying the plan -----------------------------------------------------------------------


@transaction.atomic
def apply(plan: Plan, *, by: User, stamps: dict[str, str]) -> None:
    """Save the plan, as `by`. `stamps` are those of the plan the person saw in the preview:
    when anything the plan changes was saved since, raise Stale and save nothing."""
    if not plan.is_valid:
        raise ValueError("A plan with problems cannot be applied.")
    for change in plan.changes:
        if change.key and stamps.get(change.key) != plan.stamps.get(change.key):
            raise Stale(change.label)
    try:
        for change in plan.answers:
            services.save_answer(
                change.target, change.values, version=int(stamps[change.key]), by=by
            )
        for change in plan.actions:
            if change.is_new:
                _create_action(plan.cycle, change, by=by)
            else:
                services.save_action(
                    change.target,
                    change.values,
                    version=int(stamps[change.key]),
                    by=by,
                    answers=change.answers,
                )
    except services.Conflict as error:
        raise Stale(str(error.current)) from error
    _apply_themes(plan, stamps)


def _create_action(cycle: Cycle, change: Change, *, by: User) -> Action:
    action = Action(cycle=cycle, updated_by=by, **change.values)
    action._history_user = by
    action.save()
    if change.answers:
        action.answers.set(change.answers)
    return action


def _apply_themes(plan: Plan, stamps: dict) -> None:
    if not plan.themes:
        return
    # Locked, so that a choice saved meanwhile on the themes screen is not overwritten.
    current = {
        choice.theme_id: choice
        for choice in ThemeChoice.objects.select_for_update().filter(cycle=plan.cycle)
    }
    for change in plan.themes:
        theme_id = int(change.key.split(":")[1])
        choice = current.get(theme_id)
        if (choice.updated_at.isoformat() if choice else "") != stamps[change.key]:
            raise Stale(change.label)
        if choice is None:
            choice = ThemeChoice(cycle=plan.cycle, theme_id=theme_id)
        for name, value in change.values.items():
            setattr(choice, name, value)
        choice.save()
