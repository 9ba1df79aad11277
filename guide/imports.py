"""A guide read from an .xlsx workbook (the format of exports.py), previewed, then applied.

`parse()` turns the file into a Plan: what would be created, changed, left alone and archived,
or else the problems found, each with its row and column. Nothing is written before
`apply(plan)`, which saves the whole plan in one transaction. Themes, domains and items are
matched by code; those missing from the file are archived, never deleted, because answers
and later editions may point to them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide.exports import CODES, HEADERS, header, yes_no
from guide.models import Domain, Guide, Item, Theme, validate_code
from members.models import Network
from progress.lib import xlsx

# Far above any real guide (the national one has about 200 items); beyond, a file is a mistake.
MAX_ROWS = 5000

THEME_KEYS = ["theme_title", "theme_short_title", "theme_stakes"]
ITEM_KEYS = ["code", "kind", "text", "unit", "help_text", "example"]
MAX_LENGTHS = {
    "theme_code": Theme._meta.get_field("code").max_length,
    "theme_title": Theme._meta.get_field("title").max_length,
    "theme_short_title": Theme._meta.get_field("short_title").max_length,
    "domain_code": Domain._meta.get_field("code").max_length,
    "domain_title": Domain._meta.get_field("title").max_length,
    "code": Item._meta.get_field("code").max_length,
}
# What the import may change on each level; `position` follows the order of the rows.
FIELDS = {
    Theme: ["title", "short_title", "stakes", "position", "is_archived"],
    Domain: ["theme", "title", "position", "is_archived"],
    Item: [
        "domain",
        "kind",
        "text",
        "unit",
        "help_text",
        "example",
        "is_official",
        "position",
        "is_archived",
    ],
}


class Status(models.TextChoices):
    CREATED = "created", gettext_lazy("Addition")
    CHANGED = "changed", gettext_lazy("Modification")
    UNCHANGED = "unchanged", gettext_lazy("No change")
    ARCHIVED = "archived", gettext_lazy("Archiving")


@dataclass(frozen=True)
class Problem:
    row: int | None  # as Excel numbers it; None for the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    node: Theme | Domain | Item
    status: Status
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def level(self) -> str:
        return capfirst(self.node._meta.verbose_name)

    @property
    def label(self) -> str:
        return self.node.text if isinstance(self.node, Item) else self.node.title


@dataclass
class Plan:
    guide: Guide | None  # None: the import creates a new guide
    problems: list[Problem] = field(default_factory=list)
    # One change per theme, domain and item of the file, then one per element it archives.
    changes: list[Change] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return any(change.status != Status.UNCHANGED for change in self.changes)

    @property
    def visible_changes(self) -> list[Change]:
        return [change for change in self.changes if change.status != Status.UNCHANGED]

    def count(self, status: Status, model: type | None = None) -> int:
        return sum(
            1
            for change in self.changes
            if change.status == status and (model is None or isinstance(change.node, model))
        )

    @property
    def summary(self) -> list[dict]:
        """Counts by level, for the preview's table."""
        return [
            {
                "level": capfirst(model._meta.verbose_name_plural),
                "counts": [self.count(status, model) for status in Status],
            }
            for model in FIELDS
        ]


@dataclass
class Line:
    """A row of the sheet, read and checked."""

    number: int
    values: dict[str, str]
    kind: str = ""
    unit: str = ""
    is_official: bool = False

    @property
    def has_item(self) -> bool:
        return any(self.values[key] for key in ITEM_KEYS)

    @property
    def has_domain(self) -> bool:
        return self.has_item or bool(self.values["domain_code"] or self.values["domain_title"])


def parse(upload: File, guide: Guide | None = None) -> Plan:
    """What importing `upload` into `guide` (or into a new guide) would do.

    Raises SpreadsheetError when the file cannot be read at all; problems in its rows are in
    `plan.problems`.
    """
    workbook = xlsx.open_workbook(upload)
    try:
        rows = xlsx.read_rows(_guide_sheet(workbook))
    finally:
        workbook.close()
    lines, problems = read_lines(rows)
    return make_plan(lines, guide, problems)


def _spellings(*labels) -> set[str]:
    """How a label may be written in the file: in any language of the site, in any case."""
    spellings = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            spellings.update(str(label).strip().casefold() for label in labels)
    return spellings


def _guide_sheet(workbook):
    names = _spellings(gettext_lazy("Guide"))
    for sheet in workbook.worksheets:
        if sheet.title.strip().casefold() in names:
            return sheet
    return workbook.worksheets[0]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as 2 comes back as 2.0
    return xlsx.unneutralise(str(value).replace("\r\n", "\n").strip())


def read_lines(rows: list[tuple]) -> tuple[list[Line], list[Problem]]:
    """The non-empty rows under the header row, checked one by one: those without problems,
    and the problems of the others."""
    if not rows:
        return [], [Problem(None, "", _("The sheet has no header row."))]
    columns, problems = _locate_columns(rows[0])
    if problems:
        return [], problems
    reader = _LineReader()
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        if len(lines) == MAX_ROWS:
            return [], [
                Problem(
                    None,
                    "",
                    _("This file has more than %(max)s rows: split it into several guides.")
                    % {"max": MAX_ROWS},
                )
            ]
        lines.append(reader.read(number, cells))
    if not lines:
        return [], [Problem(None, "", _("The sheet has no row under its header row."))]
    faulty = {problem.row for problem in reader.problems}
    return [line for line in lines if line.number not in faulty], reader.problems


def _locate_columns(header_row: tuple) -> tuple[dict[str, int], list[Problem]]:
    found = {}
    for index, value in enumerate(header_row):
        found.setdefault(_text(value).casefold(), index)
    columns, problems = {}, []
    for key, label in HEADERS.items():
        index = next((found[s] for s in _spellings(label) if s in found), None)
        if index is None:
            problems.append(
                Problem(
                    1,
                    header(key),
                    _("The column “%(column)s” is missing: copy the first row of the template.")
                    % {"column": header(key)},
                )
            )
        columns[key] = index
    return columns, problems


class _LineReader:
    def __init__(self):
        self.problems = []
        self.kinds = {}
        for kind in Item.Kind:
            self.kinds.update(dict.fromkeys(_spellings(kind.label, kind.value), kind.value))
        self.units = {}
        for unit in Item.Unit:
            self.units.update(dict.fromkeys(_spellings(unit.label, unit.value), unit.value))
        self.yes, self.no = _spellings(gettext_lazy("Yes")), _spellings(gettext_lazy("No"))

    def problem(self, line: Line, key: str, message: str) -> None:
        self.problems.append(Problem(line.number, header(key), message))

    def read(self, number: int, cells: dict) -> Line:
        line = Line(number, {key: _text(value) for key, value in cells.items()})
        values = line.values
        mandatory = ["theme_code", "theme_title"]
        if line.has_domain:
            mandatory += ["domain_code", "domain_title"]
        if line.has_item:
            mandatory += ["code", "kind", "text"]
        for key in mandatory:
            if not values[key]:
                self.problem(line, key, _("This cell is empty, but it is mandatory."))
        for key in CODES:
            if values[key]:
                try:
                    validate_code(values[key])
                except ValidationError as error:
                    self.problem(line, key, error.messages[0])
        for key, limit in MAX_LENGTHS.items():
            if len(values[key]) > limit:
                self.problem(
                    line,
                    key,
                    _("This text is too long: %(max)s characters at most.") % {"max": limit},
                )
        if line.has_item:
            self._read_item(line, cells["is_official"])
        return line

    def _read_item(self, line: Line, official) -> None:
        values = line.values
        if values["kind"]:
            line.kind = self.kinds.get(values["kind"].casefold(), "")
            if not line.kind:
                self.problem(
                    line,
                    "kind",
                    _("Unknown kind “%(value)s”: write %(question)s or %(indicator)s.")
                    % {
                        "value": values["kind"],
                        "question": Item.Kind.QUESTION.label,
                        "indicator": Item.Kind.INDICATOR.label,
                    },
                )
        if values["unit"]:
            line.unit = self.units.get(values["unit"].casefold(), "")
            if not line.unit:
                self.problem(
                    line,
                    "unit",
                    _("Unknown unit “%(value)s”: choose one of %(units)s.")
                    % {"value": values["unit"], "units": ", ".join(map(str, Item.Unit.labels))},
                )
        if line.kind == Item.Kind.INDICATOR and not values["unit"]:
            self.problem(line, "unit", _("An indicator needs a unit: fill in this cell."))
        if line.kind == Item.Kind.QUESTION and values["unit"]:
            self.problem(line, "unit", _("A question has no unit: leave this cell empty."))

        if isinstance(official, bool):
            line.is_official = official
        elif values["is_official"] in ("", "0", "1"):
            line.is_official = values["is_official"] == "1"
        elif values["is_official"].casefold() in self.yes | self.no:
            line.is_official = values["is_official"].casefold() in self.yes
        else:
            self.problem(
                line,
                "is_official",
                _("Write %(yes)s or %(no)s.") % {"yes": yes_no(True), "no": yes_no(False)},
            )


def make_plan(lines: list[Line], guide: Guide | None, problems=()) -> Plan:
    """Match the checked rows with what `guide` holds (three queries whatever its size);
    `problems` are those already found in the rows."""
    themes, domains, items, more_problems = _group(lines)
    problems = [*problems, *more_problems]
    if problems:
        order = {header(key): index for index, key in enumerate(HEADERS)}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
        return Plan(guide, problems=problems)
    existing = {model: {} for model in FIELDS}
    if guide is not None:
        for model in FIELDS:
            existing[model] = {node.code: node for node in model.objects.filter(guide=guide)}
    codes_by_pk = {
        model: {node.pk: code for code, node in existing[model].items()} for model in FIELDS
    }
    plan = Plan(guide)

    def node_of(model, code):
        return existing[model].get(code) or model(guide=guide, code=code)

    theme_nodes = {code: node_of(Theme, code) for code in themes}
    positions = _positions(theme_nodes.values())
    for (code, line), node in zip(themes.items(), theme_nodes.values(), strict=True):
        plan.changes.append(
            _change(
                node,
                {
                    "title": line.values["theme_title"],
                    "short_title": line.values["theme_short_title"],
                    "stakes": line.values["theme_stakes"],
                    "position": positions[code],
                    "is_archived": False,
                },
                codes_by_pk,
            )
        )

    domain_nodes = {code: node_of(Domain, code) for code in domains}
    positions = _sibling_positions(domain_nodes, domains, parent_key="theme_code")
    for code, line in domains.items():
        node = domain_nodes[code]
        values = {
            "theme": theme_nodes[line.values["theme_code"]],
            "title": line.values["domain_title"],
            "position": positions[code],
            "is_archived": False,
        }
        plan.changes.append(_change(node, values, codes_by_pk))

    item_nodes = {code: node_of(Item, code) for code in items}
    positions = _sibling_positions(item_nodes, items, parent_key="domain_code")
    for code, line in items.items():
        values = {
            "domain": domain_nodes[line.values["domain_code"]],
            "kind": line.kind,
            "text": line.values["text"],
            "unit": line.unit,
            "help_text": line.values["help_text"],
            "example": line.values["example"],
            "is_official": line.is_official,
            "position": positions[code],
            "is_archived": False,
        }
        plan.changes.append(_change(item_nodes[code], values, codes_by_pk))

    in_file = {Theme: themes, Domain: domains, Item: items}
    for model in FIELDS:
        for code, node in existing[model].items():
            if code not in in_file[model] and not node.is_archived:
                plan.changes.append(Change(node, Status.ARCHIVED))
    return plan


def _group(lines: list[Line]):
    """The first row of each theme, domain and item, by code; rows that contradict it."""
    themes, domains, items, problems = {}, {}, {}, []

    def problem(line, key, message):
        problems.append(Problem(line.number, header(key), message))

    for line in lines:
        values = line.values
        first = themes.setdefault(values["theme_code"], line)
        for key in THEME_KEYS:
            if values[key] and first.values[key] and values[key] != first.values[key]:
                problem(
                    line,
                    key,
                    _(
                        "Theme %(code)s has another text on row %(row)s: give every row of a "
                        "theme the same texts."
                    )
                    % {"code": values["theme_code"], "row": first.number},
                )
            elif values[key] and not first.values[key]:
                first.values[key] = values[key]  # an empty optional cell does not contradict

        if line.has_domain:
            first = domains.setdefault(values["domain_code"], line)
            if values["theme_code"] != first.values["theme_code"]:
                problem(
                    line,
                    "domain_code",
                    _(
                        "Action domain %(code)s is already under theme %(theme)s on row "
                        "%(row)s: a domain belongs to one theme only."
                    )
                    % {
                        "code": values["domain_code"],
                        "theme": first.values["theme_code"],
                        "row": first.number,
                    },
                )
            elif values["domain_title"] != first.values["domain_title"]:
                problem(
                    line,
                    "domain_title",
                    _(
                        "Action domain %(code)s has another title on row %(row)s: give every "
                        "row of a domain the same title."
                    )
                    % {"code": values["domain_code"], "row": first.number},
                )

        if line.has_item:
            first = items.setdefault(values["code"], line)
            if first is not line:
                problem(
                    line,
                    "code",
                    _(
                        "The code %(code)s is used on rows %(first)s and %(row)s: a code is "
                        "unique in the guide."
                    )
                    % {"code": values["code"], "first": first.number, "row": line.number},
                )
    return themes, domains, items, problems


def _positions(nodes) -> dict[str, int]:
    """Positions that follow the order of `nodes`, keeping every position already in order.

    Rows are ordered by (position, code): an element keeps its position while it still sorts
    after the previous one, so importing an export back moves nothing.
    """
    positions, previous = {}, None
    for node in nodes:
        key = (node.position, node.code) if node.pk else None
        if key is None or (previous is not None and key <= previous):
            key = (previous[0] + 1 if previous else 0, node.code)
        positions[node.code] = key[0]
        previous = key
    return positions


def _sibling_positions(nodes: dict, lines: dict, *, parent_key: str) -> dict[str, int]:
    siblings = {}
    for code, line in lines.items():
        siblings.setdefault(line.values[parent_key], []).append(nodes[code])
    positions = {}
    for group in siblings.values():
        positions.update(_positions(group))
    return positions


def _same(old, new) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        # Browsers send line breaks as CRLF and Excel keeps LF: the text is the same.
        return old.replace("\r\n", "\n") == new
    return old == new


def _change(node, values: dict, codes_by_pk: dict) -> Change:
    """Set `values` on `node`, and say what that changes."""
    if node.pk is None:
        for name, value in values.items():
            setattr(node, name, value)
        return Change(node, Status.CREATED)
    fields = []
    for name, value in values.items():
        model_field = node._meta.get_field(name)
        if model_field.is_relation:
            old_pk = getattr(node, model_field.attname)
            if value.pk is not None and value.pk == old_pk:
                continue
            old_text = codes_by_pk[model_field.related_model][old_pk]
            new_text = value.code
            label = model_field.related_model._meta.verbose_name
        else:
            old = getattr(node, name)
            if _same(old, value):
                continue
            old_text, new_text = _display(node, name, old), _display(node, name, value)
            label = model_field.verbose_name
        setattr(node, name, value)
        fields.append(FieldChange(capfirst(label), old_text, new_text))
    return Change(node, Status.CHANGED if fields else Status.UNCHANGED, fields)


def _display(node, name: str, value) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if name == "kind":
        return str(Item.Kind(value).label)
    if name == "unit":
        return str(Item.Unit(value).label) if value else ""
    return str(value)


@transaction.atomic
def apply(
    plan: Plan, *, by, title: str = "", edition: str = "", network: Network | None = None
) -> Guide:
    """Save the plan; `title`, `edition` and `network` name the guide to create when the plan
    has none. Raises ValidationError when such a guide already exists."""
    if not plan.is_valid:
        raise ValueError("A plan with problems cannot be applied.")
    guide = plan.guide
    if guide is None:
        guide = Guide(title=title, edition=edition, network=network, created_by=by)
        guide.full_clean()
        guide.save()
    now = timezone.now()
    for model, fields in FIELDS.items():
        changes = [change for change in plan.changes if isinstance(change.node, model)]
        created = [c.node for c in changes if c.status == Status.CREATED]
        for node in created:
            node.guide = guide
        model.objects.bulk_create(created)
        changed = [c.node for c in changes if c.status == Status.CHANGED]
        for node in changed:
            node.updated_at = now
        model.objects.bulk_update(changed, [*fields, "updated_at"])
        archived = [c.node.pk for c in changes if c.status == Status.ARCHIVED]
        model.objects.filter(pk__in=archived).update(is_archived=True, updated_at=now)
    if plan.guide is not None and plan.has_changes:
        guide.save(update_fields=["updated_at"])
    return guide
