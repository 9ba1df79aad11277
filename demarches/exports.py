"""A cycle's steering table as an .xlsx workbook (step 9): the format imports.py reads back.

Three sheets people work in: "Tableau de pilotage" (one row per selected item, like the
seed's table), "Plan d'action" and "Thèmes"; a read-me; and a hidden sheet that says which
structure and year the file belongs to, so that it only imports back into its own démarche.
Rows are identified by their "Réf." column: the item's code, "A<id>" for an action, the
theme's code. Read-only columns (the wording of an item, last year's figures) are greyed.
"""

import datetime
from collections.abc import Callable

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from demarches.models import Action, Answer, Cycle, ThemeChoice
from guide.models import Item, Theme
from progress.lib import xlsx

# Each column's key, as imports.py knows it, and its header ("%(year)s": the cycle's year, or
# the previous cycle's for the reminders).
ANSWER_HEADERS = {
    "ref": gettext_lazy("Ref."),
    "theme": gettext_lazy("Theme"),
    "domain": gettext_lazy("Action domain"),
    "text": gettext_lazy("Question or indicator"),
    "kind": gettext_lazy("Kind"),
    "unit": gettext_lazy("Unit"),
    "situation": gettext_lazy("État des lieux %(year)s"),
    "value": gettext_lazy("Value %(year)s"),
    "assessment": gettext_lazy("Assessment"),
    "not_treated_reason": gettext_lazy("Reason if not treated"),
    "good_practices": gettext_lazy("Good practices"),
    "improvements": gettext_lazy("Improvements and axes de progrès"),
    "objective_1y": gettext_lazy("Objective at 1 year"),
    "target_1y": gettext_lazy("Target at 1 year"),
    "objective_3y": gettext_lazy("Objective at 3 years"),
    "target_3y": gettext_lazy("Target at 3 years"),
    "previous_value": gettext_lazy("Value %(year)s (reminder, not imported)"),
    "previous_objective": gettext_lazy("Objective %(year)s (reminder, not imported)"),
}
# What an import may change on an answer: the keys above that are fields of Answer.
ANSWER_FIELDS = [
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
]
ANSWER_CONTEXT = ["theme", "domain", "text", "kind", "unit"]
PREVIOUS_YEAR = ["previous_value", "previous_objective"]

ACTION_HEADERS = {
    "ref": gettext_lazy("Ref."),
    "title": gettext_lazy("Action"),
    "description": gettext_lazy("Description"),
    "answers": gettext_lazy("Linked items"),
    "owner": gettext_lazy("Owner"),
    "budget": gettext_lazy("Budget (€)"),
    "starts_on": gettext_lazy("Start"),
    "due_on": gettext_lazy("Due date"),
    "status": gettext_lazy("Status"),
    "is_quick_win": gettext_lazy("Petit pas"),
    "is_effective": gettext_lazy("Effectiveness checked"),
    "check_note": gettext_lazy("Check note"),
}

THEME_HEADERS = {
    "ref": gettext_lazy("Ref."),
    "theme": gettext_lazy("Theme"),
    "is_retained": gettext_lazy("Retained"),
    "priority": gettext_lazy("Priority"),
    "reason": gettext_lazy("Reason if left aside"),
}

SHEETS = {
    "answers": gettext_lazy("Steering table"),
    "actions": gettext_lazy("Action plan"),
    "themes": gettext_lazy("Themes"),
}
# The hidden sheet: one key and its value per row. Its name and keys are never translated.
IDENTITY_SHEET = "Identification"
FORMAT = "progress-steering-table-1"

LONG_TEXT = {
    "text",
    "situation",
    "not_treated_reason",
    "good_practices",
    "improvements",
    "objective_1y",
    "objective_3y",
    "previous_objective",
    "description",
    "check_note",
    "reason",
}
DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00 "€"'
READ_ONLY_FILL = PatternFill("solid", start_color="EDEDED")
READ_ONLY_FONT = Font(italic=True, color="595959")
READ_ONLY_HEADER_FONT = Font(bold=True, italic=True, color="595959")


def header(headers: dict, key: str, year: int | None = None) -> str:
    label = str(headers[key])
    return label % {"year": year} if "%(year)s" in label else label


def answer_header(key: str, cycle: Cycle) -> str:
    year = cycle.previous.year if key in PREVIOUS_YEAR and cycle.previous_id else cycle.year
    return header(ANSWER_HEADERS, key, year)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def action_ref(action: Action) -> str:
    return f"A{action.pk}"


def assessment_labels() -> list[str]:
    return [str(label) for label in Answer.Assessment.labels]


def status_labels() -> list[str]:
    return [str(label) for label in Action.Status.labels]


def filename(cycle: Cycle) -> str:
    return f"{slugify(_('Steering table'))}-{slugify(cycle.structure.name)}-{cycle.year}.xlsx"


# --- Rows ----------------------------------------------------------------------------------


def _previous_objective(answer: Answer) -> str | None:
    before = answer.previous
    if before is None:
        return None
    if before.target_1y is None:
        return before.objective_1y
    target = _("target: %(value)s") % {
        "value": f"{floatformat(before.target_1y, -2)} {answer.unit_suffix}".strip()
    }
    return f"{before.objective_1y} ({target})" if before.objective_1y else target


def answer_columns(cycle: Cycle) -> dict[str, Callable]:
    """The getters of the sheet "Tableau de pilotage", by header, in column order."""
    getters = {
        "ref": lambda a: a.code,
        "theme": lambda a: str(a.domain.theme),
        "domain": lambda a: str(a.domain),
        "text": lambda a: a.text,
        "kind": lambda a: str(Item.Kind(a.kind).label),
        "unit": lambda a: str(a.unit_label),
        "situation": lambda a: a.situation,
        "value": lambda a: a.value,
        "assessment": lambda a: str(a.get_assessment_display()),
        "not_treated_reason": lambda a: a.not_treated_reason,
        "good_practices": lambda a: a.good_practices,
        "improvements": lambda a: a.improvements,
        "objective_1y": lambda a: a.objective_1y,
        "target_1y": lambda a: a.target_1y,
        "objective_3y": lambda a: a.objective_3y,
        "target_3y": lambda a: a.target_3y,
    }
    if cycle.previous_id:
        getters["previous_value"] = lambda a: a.previous.value if a.previous else None
        getters["previous_objective"] = _previous_objective
    return {answer_header(key, cycle): getter for key, getter in getters.items()}


def action_columns(codes: dict[int, list[str]]) -> dict[str, Callable]:
    """The getters of the sheet "Plan d'action"; `codes` are the linked items by action."""
    getters = {
        "ref": action_ref,
        "title": lambda a: a.title,
        "description": lambda a: a.description,
        "answers": lambda a: ", ".join(codes.get(a.pk, [])),
        "owner": lambda a: a.owner_label,
        "budget": lambda a: a.budget,
        "starts_on": lambda a: a.starts_on,
        "due_on": lambda a: a.due_on,
        "status": lambda a: str(a.get_status_display()),
        "is_quick_win": lambda a: yes_no(a.is_quick_win),
        "is_effective": lambda a: yes_no(a.is_effective),
        "check_note": lambda a: a.check_note,
    }
    return {header(ACTION_HEADERS, key): getter for key, getter in getters.items()}


def theme_columns() -> dict[str, Callable]:
    """The getters of the sheet "Thèmes", whose rows are (theme, choice or None)."""
    getters = {
        "ref": lambda row: row[0].code,
        "theme": lambda row: row[0].title,
        "is_retained": lambda row: yes_no(row[1].is_retained) if row[1] else None,
        "priority": lambda row: row[1].priority if row[1] else None,
        "reason": lambda row: row[1].reason if row[1] else None,
    }
    return {header(THEME_HEADERS, key): getter for key, getter in getters.items()}


def cycle_answers(cycle: Cycle) -> list[Answer]:
    return list(cycle.answers.select_related("item", "domain__theme", "previous").in_guide_order())


def linked_codes(cycle: Cycle, answers: list[Answer]) -> dict[int, list[str]]:
    """The codes of the items linked to each action, in the guide's order."""
    order = {answer.pk: index for index, answer in enumerate(answers)}
    code = {answer.pk: answer.code for answer in answers}
    links = Action.answers.through.objects.filter(
        action__cycle=cycle, answer__cycle=cycle
    ).values_list("action_id", "answer_id")
    linked = {}
    for action_id, answer_id in sorted(links, key=lambda link: order[link[1]]):
        linked.setdefault(action_id, []).append(code[answer_id])
    return linked


def cycle_themes(cycle: Cycle) -> list[tuple[Theme, ThemeChoice | None]]:
    """The guide's themes, each with the cycle's choice about it (archived themes too, when
    the cycle chose them)."""
    choices = {choice.theme_id: choice for choice in cycle.theme_choices.all()}
    themes = Theme.objects.filter(guide_id=cycle.guide_id).order_by("position", "code")
    return [
        (theme, choices.get(theme.pk))
        for theme in themes
        if not theme.is_archived or theme.pk in choices
    ]


# --- The workbook --------------------------------------------------------------------------


def export_cycle(cycle: Cycle) -> Workbook:
    """The steering table of `cycle`: five queries whatever its size (and one for the
    previous year's, when there is one)."""
    answers = cycle_answers(cycle)
    codes = linked_codes(cycle, answers)
    actions = list(cycle.actions.select_related("owner"))
    workbook = Workbook()

    sheet = workbook.active
    sheet.title = str(SHEETS["answers"])
    columns = answer_columns(cycle)
    xlsx.write_table(
        sheet,
        columns,
        answers,
        choices={answer_header("assessment", cycle): assessment_labels()},
        text_columns=[answer_header("ref", cycle)],
    )
    keys = [key for key in ANSWER_HEADERS if answer_header(key, cycle) in columns]
    _finish(
        sheet,
        keys,
        numbers=["value", "target_1y", "target_3y", "previous_value"],
        read_only=ANSWER_CONTEXT + PREVIOUS_YEAR,
    )

    sheet = workbook.create_sheet(str(SHEETS["actions"]))
    yes_no_labels = [yes_no(True), yes_no(False)]
    xlsx.write_table(
        sheet,
        action_columns(codes),
        actions,
        choices={
            header(ACTION_HEADERS, "status"): status_labels(),
            header(ACTION_HEADERS, "is_quick_win"): yes_no_labels,
            header(ACTION_HEADERS, "is_effective"): yes_no_labels,
        },
        text_columns=[header(ACTION_HEADERS, "ref")],
    )
    _finish(sheet, list(ACTION_HEADERS), euros=["budget"], dates=["starts_on", "due_on"])

    sheet = workbook.create_sheet(str(SHEETS["themes"]))
    xlsx.write_table(
        sheet,
        theme_columns(),
        cycle_themes(cycle),
        choices={header(THEME_HEADERS, "is_retained"): yes_no_labels},
        text_columns=[header(THEME_HEADERS, "ref")],
    )
    _finish(sheet, list(THEME_HEADERS), read_only=["theme"])

    _write_instructions(workbook.create_sheet(_("Read me")), cycle)
    _write_identity(workbook.create_sheet(IDENTITY_SHEET), cycle)
    return workbook


def _finish(
    sheet: Worksheet,
    keys: list[str],
    *,
    numbers=(),
    euros=(),
    dates=(),
    read_only=(),
) -> None:
    """What `write_table` leaves to each table: number and date formats, wrapped long texts,
    greyed read-only columns, and a filter on every column."""
    last_row = max(sheet.max_row, 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{last_row}"
    for index, key in enumerate(keys, start=1):
        if key in read_only:
            header_cell = sheet.cell(row=1, column=index)
            header_cell.fill = READ_ONLY_FILL
            header_cell.font = READ_ONLY_HEADER_FONT
        number_format = DATE_FORMAT if key in dates else EURO_FORMAT if key in euros else None
        alignment = Alignment(vertical="top", wrap_text=key in LONG_TEXT)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = alignment
            if number_format:
                cell.number_format = number_format
            if key in read_only:
                cell.font = READ_ONLY_FONT
        if key in dates:
            sheet.column_dimensions[get_column_letter(index)].width = 12
        if key in numbers or key in euros:
            sheet.column_dimensions[get_column_letter(index)].width = 14


def _write_instructions(sheet: Worksheet, cycle: Cycle) -> None:
    lines = [
        _("The steering table of %(structure)s for %(year)s")
        % {"structure": cycle.structure.name, "year": cycle.year},
        "",
        _(
            "Edit the table offline, then import it back from the page “Excel table” of the "
            "démarche: a preview shows every change before anything is saved."
        ),
        _(
            "Rows are found by their “%(ref)s” column: leave it as it is. A row whose "
            "reference matches nothing in the démarche is reported, never guessed."
        )
        % {"ref": header(ANSWER_HEADERS, "ref")},
        _(
            "Sheet “%(sheet)s”: the état des lieux, assessment and objectives of each selected "
            "item are imported; greyed columns (the wording, last year's figures) are not. "
            "Items are added to the selection on the platform only."
        )
        % {"sheet": SHEETS["answers"]},
        _("%(assessment)s: %(values)s. An item not treated needs a reason.")
        % {
            "assessment": header(ANSWER_HEADERS, "assessment"),
            "values": ", ".join(assessment_labels()),
        },
        _(
            "Sheet “%(sheet)s”: to add an action, fill in a new row and leave its reference "
            "empty. Actions missing from the file are not deleted."
        )
        % {"sheet": SHEETS["actions"]},
        _(
            "%(items)s: the references of the items, separated by commas. %(status)s: "
            "%(values)s. Dates such as 31/03/2027."
        )
        % {
            "items": header(ACTION_HEADERS, "answers"),
            "status": header(ACTION_HEADERS, "status"),
            "values": ", ".join(status_labels()),
        },
        _("Sheet “%(sheet)s”: a theme left aside needs a reason, for the published synthesis.")
        % {"sheet": SHEETS["themes"]},
        _("Do not rename the sheets. The file can only be imported into this démarche."),
    ]
    for line in lines:
        sheet.append([xlsx.neutralise(line)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    for (cell,) in sheet.iter_rows(min_row=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def identity(cycle: Cycle, exported_at: datetime.datetime | None = None) -> dict[str, object]:
    return {
        "format": FORMAT,
        "structure_id": cycle.structure_id,
        "structure": cycle.structure.name,
        "cycle_id": cycle.pk,
        "year": cycle.year,
        "exported_at": timezone.localtime(exported_at).isoformat(timespec="seconds"),
    }


def _write_identity(sheet: Worksheet, cycle: Cycle) -> None:
    for key, value in identity(cycle).items():
        sheet.append([key, xlsx.neutralise(value)])
    sheet.sheet_state = "hidden"
