"""A guide as an .xlsx workbook, and the template to write a new one: the format imports.py reads.

The sheet "Guide" has one row per question or indicator, with its theme and action domain
repeated on each row. A domain without any item gets a row of its own with the item cells left
empty (a theme without any domain likewise), so that an export imports back unchanged.
"""

from typing import NamedTuple

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from guide.models import Domain, Guide, Item, Theme
from progress.lib import xlsx

# Each column's key, as imports.py knows it, and its header.
HEADERS = {
    "theme_code": gettext_lazy("Theme code"),
    "theme_title": gettext_lazy("Theme"),
    "theme_short_title": gettext_lazy("Short title"),
    "theme_stakes": gettext_lazy("Stakes of the theme"),
    "domain_code": gettext_lazy("Domain code"),
    "domain_title": gettext_lazy("Action domain"),
    "code": gettext_lazy("Code"),
    "kind": gettext_lazy("Kind"),
    "text": gettext_lazy("Wording"),
    "unit": gettext_lazy("Unit"),
    "help_text": gettext_lazy("Help"),
    "example": gettext_lazy("Example"),
    "is_official": gettext_lazy("Official guide"),
}
MANDATORY = ["theme_code", "theme_title", "domain_code", "domain_title", "code", "kind", "text"]
CODES = ["theme_code", "domain_code", "code"]


class Row(NamedTuple):
    theme: Theme
    domain: Domain | None = None
    item: Item | None = None


def header(key: str) -> str:
    return str(HEADERS[key])


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _item_value(getter):
    return lambda row: getter(row.item) if row.item else None


def columns() -> dict:
    """The getters of the sheet "Guide", by header, in the order of the columns."""
    getters = {
        "theme_code": lambda row: row.theme.code,
        "theme_title": lambda row: row.theme.title,
        "theme_short_title": lambda row: row.theme.short_title,
        "theme_stakes": lambda row: row.theme.stakes,
        "domain_code": lambda row: row.domain.code if row.domain else None,
        "domain_title": lambda row: row.domain.title if row.domain else None,
        "code": _item_value(lambda item: item.code),
        "kind": _item_value(lambda item: str(item.get_kind_display())),
        "text": _item_value(lambda item: item.text),
        "unit": _item_value(lambda item: str(item.get_unit_display())),
        "help_text": _item_value(lambda item: item.help_text),
        "example": _item_value(lambda item: item.example),
        "is_official": _item_value(lambda item: yes_no(item.is_official)),
    }
    return {header(key): getter for key, getter in getters.items()}


def _write(workbook: Workbook, rows: list[Row]) -> bytes:
    sheet = workbook.active
    sheet.title = _("Guide")
    xlsx.write_table(
        sheet,
        columns(),
        rows,
        choices={
            header("kind"): [str(label) for label in Item.Kind.labels],
            header("unit"): [str(label) for label in Item.Unit.labels],
            header("is_official"): [yes_no(True), yes_no(False)],
        },
        text_columns=[header(key) for key in CODES],
    )
    _write_instructions(workbook.create_sheet(_("Read me")))
    return xlsx.workbook_bytes(workbook)


def _write_instructions(sheet) -> None:
    lines = [
        _("How to fill in this workbook"),
        "",
        _(
            "One row per question or indicator of the guide, in the order in which they "
            "should appear."
        ),
        _(
            "Repeat the theme and its action domain on each row: every row of a theme (or of "
            "a domain) carries the same code and texts."
        ),
        _(
            "Codes are unique in the guide: one code per theme, per action domain, and per "
            "question or indicator. They are made of letters, digits, dots or dashes, such as "
            "1.3 or 1.3.2."
        ),
        _("Mandatory columns: %(columns)s.") % {"columns": ", ".join(map(header, MANDATORY))},
        _(
            "%(kind)s: %(question)s (qualitative, no unit) or %(indicator)s (a number, with "
            "its unit)."
        )
        % {
            "kind": header("kind"),
            "question": Item.Kind.QUESTION.label,
            "indicator": Item.Kind.INDICATOR.label,
        },
        _("%(unit)s, for an indicator only: %(units)s.")
        % {"unit": header("unit"), "units": ", ".join(map(str, Item.Unit.labels))},
        _(
            "%(official)s: %(yes)s when the wording comes from the official guide, otherwise "
            "%(no)s (an empty cell means %(no)s)."
        )
        % {"official": header("is_official"), "yes": yes_no(True), "no": yes_no(False)},
        _(
            "An action domain with no question yet: give it a row with the columns of the "
            "question left empty."
        ),
        _(
            "Updating an existing guide: its elements are found by their code. Those no "
            "longer in the file are archived, never deleted."
        ),
        _("Other columns are ignored: add your own notes in them if you wish."),
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    for (cell,) in sheet.iter_rows(min_row=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def rows_of(guide: Guide) -> list[Row]:
    """The rows of the sheet: current items under their current domain and theme."""
    # One query per level whatever the size of the guide; the tree is put together here.
    themes = list(guide.themes.current())
    domains_by_theme, items_by_domain = {}, {}
    for domain in guide.domains.current():
        domains_by_theme.setdefault(domain.theme_id, []).append(domain)
    for item in guide.items.current():
        items_by_domain.setdefault(item.domain_id, []).append(item)
    rows = []
    for theme in themes:
        domains = domains_by_theme.get(theme.pk, [])
        if not domains:
            rows.append(Row(theme))
        for domain in domains:
            items = items_by_domain.get(domain.pk, [])
            rows.extend(Row(theme, domain, item) for item in items)
            if not items:
                rows.append(Row(theme, domain))
    return rows


def export_guide(guide: Guide) -> bytes:
    return _write(Workbook(), rows_of(guide))


def filename(guide: Guide) -> str:
    return f"guide-{slugify(guide.title)}-{slugify(guide.edition)}.xlsx"


def template_workbook() -> bytes:
    """The workbook to fill in, with three example rows."""
    governance = Theme(
        code="1",
        title=_("Democratic governance"),
        short_title=_("Governance"),
        stakes=_("Everyone who takes part in the project has a say in its decisions."),
    )
    power = Domain(code="1.1", title=_("Sharing power"))
    people = Theme(
        code="2",
        title=_("Working conditions and quality of employment"),
        short_title=_("Employment"),
    )
    training = Domain(code="2.1", title=_("Training"))
    rows = [
        Row(
            governance,
            power,
            Item(
                code="1.1.1",
                kind=Item.Kind.QUESTION,
                text=_("How do employees and volunteers take part in the decisions?"),
                help_text=_("Describe the bodies and moments where decisions are prepared."),
                example=_("A staff representative sits on the board."),
            ),
        ),
        Row(
            governance,
            power,
            Item(
                code="1.1.2",
                kind=Item.Kind.INDICATOR,
                unit=Item.Unit.PERCENT,
                text=_("Share of members who voted at the last general assembly"),
            ),
        ),
        Row(
            people,
            training,
            Item(
                code="2.1.1",
                kind=Item.Kind.INDICATOR,
                unit=Item.Unit.HOURS,
                text=_("Training hours per employee over the year"),
                help_text=_("Count every training, in-house ones included."),
            ),
        ),
    ]
    return _write(Workbook(), rows)
