"""Member structures from a facilitator's CRM export (.csv or .xlsx): mapped, previewed, applied.

`read_table()` reads the file into its header row and numbered rows; `propose_mapping()`
guesses which column holds which field; `parse()` checks every row and matches it with the
structures Progress knows, giving a Plan that says row by row what would be created, updated
or left alone, and which rows have errors. Nothing is written before `apply(plan)`, which
saves every valid row in one transaction; rows with errors are skipped.

An import never removes anything: an empty cell (or an ignored column) leaves the stored
value alone, and structures missing from the file keep their adhésion.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from members.exports import LABELS
from members.models import Membership, Network, Structure
from members.validators import normalise_siret, validate_siret
from progress.lib import xlsx
from progress.lib.xlsx import SpreadsheetError

# Far above the largest network's membership; beyond, a file is a mistake (or a whole SIRENE).
MAX_ROWS = 5000

# How CRMs and people title the columns, besides our own labels (as normalise() writes them).
HEADER_VARIANTS = {
    "name": [
        "nom",
        "raison sociale",
        "nom de la structure",
        "nom structure",
        "structure",
        "denomination",
        "denomination sociale",
        "organisme",
        "nom de l organisme",
        "organisation",
    ],
    "siret": ["n siret", "no siret", "numero siret", "numero de siret", "siret du siege"],
    "legal_form": ["forme juridique", "statut juridique", "categorie juridique", "forme"],
    "headcount": [
        "effectif",
        "effectifs",
        "effectif salarie",
        "salaries",
        "nombre de salaries",
        "nb salaries",
        "nb de salaries",
    ],
    "sector": ["secteur", "secteur d activite", "activite", "domaine d activite", "filiere"],
    "address": ["adresse", "adresse postale", "adresse 1", "adresse ligne 1", "rue", "voie"],
    "postcode": ["code postal", "cp", "c p", "codepostal"],
    "commune": ["commune", "ville", "localite"],
    "departement": ["departement", "dept", "dep"],
    "region": ["region"],
    "website": ["site web", "site internet", "site", "url", "web"],
    "since_on": [
        "adherente depuis",
        "adherent depuis",
        "date d adhesion",
        "date adhesion",
        "adhesion depuis",
        "membre depuis",
        "date de premiere adhesion",
    ],
}

# How legal forms are written in CRMs, besides the labels of Structure.LegalForm.
LEGAL_FORM_VARIANTS = {
    Structure.LegalForm.ASSOCIATION: [
        "asso",
        "assoc",
        "association loi 1901",
        "association loi de 1901",
        "association 1901",
        "loi 1901",
    ],
    Structure.LegalForm.SCOP: [
        "scop sa",
        "scop sarl",
        "scop sas",
        "societe cooperative et participative",
    ],
    Structure.LegalForm.SCIC: [
        "scic sa",
        "scic sas",
        "scic sarl",
        "societe cooperative d interet collectif",
    ],
    Structure.LegalForm.COOPERATIVE: [
        "cooperative",
        "coop",
        "societe cooperative",
        "cae",
        "cooperative d activite et d emploi",
        "cooperative agricole",
    ],
    Structure.LegalForm.MUTUELLE: [
        "mutuelle",
        "mutuelles",
        "societe mutuelle",
        "mutuelle de sante",
    ],
    Structure.LegalForm.FONDATION: ["fondation", "fondation reconnue d utilite publique", "frup"],
    Structure.LegalForm.ESS_COMPANY: [
        "sas esus",
        "sarl esus",
        "sa esus",
        "esus",
        "entreprise de l ess",
        "entreprise ess",
        "societe commerciale de l ess",
        "entreprise solidaire d utilite sociale",
    ],
    Structure.LegalForm.OTHER: ["autre", "autres"],
}

TEXT_FIELDS = ["name", "sector", "address", "commune", "departement", "region"]
MAX_LENGTHS = {key: Structure._meta.get_field(key).max_length for key in TEXT_FIELDS}
STRUCTURE_FIELDS = [key for key in LABELS if key != "since_on"]
MAX_HEADCOUNT = 2_147_483_647  # PositiveIntegerField's bound on every database

# Excel in France saves "CSV (séparateur : point-virgule)" in Windows-1252, "CSV UTF-8" with a
# byte-order mark, "Texte Unicode" in UTF-16; LibreOffice and CRMs write UTF-8 without a BOM.
# Windows-1252 reads every printable character of latin-1 the same, so it stands for both.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
CSV_DELIMITERS = (";", ",", "\t")  # on a tie, the first wins: Excel in France writes ";"
# Characters no text file holds: a binary file, or text decoded with the wrong encoding.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]")
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def normalise(text) -> str:
    """Text as compared loosely: without accents, case, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _spellings(label) -> set[str]:
    """A label as normalise() writes it, in every language of the site."""
    spellings = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            spellings.add(normalise(label))
    return spellings


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a SIRET or postcode typed in a number cell comes back as 80000.0
    return xlsx.unneutralise(str(value).strip())


# --- Reading the file ---------------------------------------------------------------------------


@dataclass
class Table:
    """The file's header row and the non-empty rows under it."""

    headers: list[str]
    rows: list[tuple[int, tuple]]  # (row number as a spreadsheet shows it, cells)

    def cell(self, cells: tuple, index: int | None):
        return cells[index] if index is not None and index < len(cells) else None

    def column_label(self, index: int) -> str:
        return self.headers[index] or _("Column %(letter)s") % {
            "letter": get_column_letter(index + 1)
        }

    def example(self, index: int) -> str:
        """The first value of a column, to recognise it by."""
        return next(
            (text for _n, cells in self.rows if (text := _text(self.cell(cells, index)))), ""
        )


def read_table(upload: File) -> Table:
    """The table of an uploaded .csv or .xlsx; raises SpreadsheetError, with a message for the
    person, when the file cannot be read."""
    name = (upload.name or "").lower()
    if name.endswith(".csv"):
        records = _csv_records(upload)
    elif name.endswith((".xlsx", ".xlsm")):  # open_workbook() explains why .xlsm is refused
        records = _xlsx_records(upload)
    elif name.endswith(".xls"):
        raise SpreadsheetError(
            _(
                "Old Excel files (.xls) cannot be read: save the file as an Excel workbook "
                "(.xlsx) or as CSV."
            )
        )
    else:
        raise SpreadsheetError(_("Choose a CSV file (.csv) or an Excel workbook (.xlsx)."))

    numbered = [
        (number, tuple(cells))
        for number, cells in enumerate(records, start=1)
        if any(_text(value) for value in cells)
    ]
    if not numbered:
        raise SpreadsheetError(_("This file is empty."))
    (_number, header_row), *rows = numbered
    if not rows:
        raise SpreadsheetError(_("The file has no row under its header row."))
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(
            _("This file has more than %(max)s rows: split it into several files.")
            % {"max": MAX_ROWS}
        )
    headers = [_text(value) for value in header_row]
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, rows)


def _too_large() -> str:
    return _("This file is too large: the limit is %(limit)s.") % {
        "limit": filesizeformat(xlsx.MAX_UPLOAD_BYTES)
    }


def _csv_records(upload: File) -> list[list[str]]:
    if upload.size is not None and upload.size > xlsx.MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_too_large())
    upload.seek(0)
    content = upload.read(xlsx.MAX_UPLOAD_BYTES + 1)  # the announced size may lie
    if len(content) > xlsx.MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_too_large())
    text = _decode(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    delimiter = max(CSV_DELIMITERS, key=unquoted.count)  # max() keeps the first on a tie
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(_not_csv()) from error


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if NOT_TEXT.search(text):
            break
        return text
    raise SpreadsheetError(_not_csv())


def _not_csv() -> str:
    return _(
        "This file is not a CSV file, or its encoding is not recognised: save it from your "
        "spreadsheet as “CSV UTF-8” or as an Excel workbook (.xlsx)."
    )


def _xlsx_records(upload: File) -> list[tuple]:
    workbook = xlsx.open_workbook(upload)
    try:
        # The first sheet that holds something: a CRM's export may start with a cover sheet.
        for sheet in workbook.worksheets:
            rows = xlsx.read_rows(sheet)
            if any(value is not None for row in rows for value in row):
                return rows
        return []
    finally:
        workbook.close()


# --- The columns --------------------------------------------------------------------------------


def header_spellings() -> dict[str, set[str]]:
    return {
        key: _spellings(label) | set(HEADER_VARIANTS.get(key, ())) for key, label in LABELS.items()
    }


def propose_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the first column not taken yet whose header names it, else None."""
    spellings = header_spellings()
    normalised = [normalise(header) for header in headers]
    mapping, taken = {}, set()
    for key in LABELS:
        mapping[key] = next(
            (
                index
                for index, header in enumerate(normalised)
                if header in spellings[key] and index not in taken
            ),
            None,
        )
        taken.add(mapping[key])
    return mapping


# --- Checking the rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it
    column: str  # the header of the cell in the file
    message: str


@dataclass
class Line:
    """A row of the file whose cells are all valid: the values it gives, by field."""

    number: int
    values: dict = field(default_factory=dict)

    @property
    def name_key(self) -> tuple[str, str]:
        return normalise(self.values["name"]), self.values.get("postcode", "")


class _RowReader:
    def __init__(self, table: Table, mapping: dict[str, int | None]):
        self.table = table
        self.mapping = {key: index for key, index in mapping.items() if index is not None}
        self.legal_forms = {}
        for value, label in Structure.LegalForm.choices:
            self.legal_forms.update(dict.fromkeys(_spellings(label) | {value}, value))
        for value, variants in LEGAL_FORM_VARIANTS.items():
            self.legal_forms.update(dict.fromkeys(variants, value))
        self.url_validator = URLValidator()

    def column(self, key: str) -> str:
        return self.table.column_label(self.mapping[key])

    def read(self, number: int, cells: tuple) -> tuple[Line, list[Problem]]:
        line, problems = Line(number), []
        for key, index in self.mapping.items():
            raw = self.table.cell(cells, index)
            if _text(raw) == "":
                if key == "name":
                    message = _("The name is missing: it is mandatory.")
                    problems.append(Problem(number, self.column(key), message))
                continue
            try:
                line.values[key] = getattr(self, f"_clean_{key}", self._clean_text)(key, raw)
            except ValidationError as error:
                problems.append(Problem(number, self.column(key), error.messages[0]))
        return line, problems

    def _clean_text(self, key, raw) -> str:
        text = _text(raw)
        if len(text) > MAX_LENGTHS[key]:
            raise ValidationError(
                _("This text is too long: %(max)s characters at most.") % {"max": MAX_LENGTHS[key]}
            )
        return text

    def _clean_siret(self, key, raw) -> str:
        siret = normalise_siret(_text(raw))
        validate_siret(siret)
        return siret

    def _clean_legal_form(self, key, raw) -> str:
        text = _text(raw)
        try:
            return self.legal_forms[normalise(text)]
        except KeyError:
            raise ValidationError(
                _("Unknown legal form “%(value)s”: write one of %(forms)s.")
                % {
                    "value": text,
                    "forms": ", ".join(str(label) for label in Structure.LegalForm.labels),
                }
            ) from None

    def _clean_headcount(self, key, raw) -> int:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = "".join(_text(raw).split())  # "1 200", as French write thousands
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_HEADCOUNT:
            raise ValidationError(
                _("The headcount must be a whole number, such as 12 (you wrote “%(value)s”).")
                % {"value": _text(raw)}
            )
        return int(text)

    def _clean_postcode(self, key, raw) -> str:
        text = "".join(_text(raw).split())
        # Opening a CSV in Excel turns 01000 into the number 1000: the zero was there.
        if len(text) == 4 and text.isascii() and text.isdigit():
            text = "0" + text
        if len(text) != 5 or not (text.isascii() and text.isdigit()):
            raise ValidationError(
                _("A postcode has 5 digits, such as 80000 (you wrote “%(value)s”).")
                % {"value": _text(raw)}
            )
        return text

    def _clean_website(self, key, raw) -> str:
        url = _text(raw)
        if "://" not in url:
            url = "https://" + url  # "www.example.org", as people write it
        try:
            self.url_validator(url)
        except ValidationError:
            raise ValidationError(
                _("This web address is not valid: “%(value)s”.") % {"value": _text(raw)}
            ) from None
        if len(url) > Structure._meta.get_field("website").max_length:
            raise ValidationError(_("This web address is too long."))
        return url

    def _clean_since_on(self, key, raw) -> date:
        if isinstance(raw, datetime):  # a date cell of a workbook
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = _text(raw)
        if match := DAY_FIRST.fullmatch(text):
            day, month, year = match.groups()
        elif match := YEAR_FIRST.fullmatch(text):
            year, month, day = match.groups()
        else:
            day = month = year = None
        try:
            return date(int(year), int(month), int(day))
        except (TypeError, ValueError):
            raise ValidationError(
                _("This date is not understood: “%(value)s”. Write it as 31/12/2024 or 2024-12-31.")
                % {"value": text}
            ) from None


# --- The plan -----------------------------------------------------------------------------------


class Status(models.TextChoices):
    CREATED = "created", gettext_lazy("New structure")
    JOINED = "joined", gettext_lazy("Joins the network")
    UPDATED = "updated", gettext_lazy("Update")
    UNCHANGED = "unchanged", gettext_lazy("No change")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    row: int
    status: Status
    structure: Structure  # unsaved when CREATED
    membership: Membership  # unsaved when CREATED or JOINED
    fields: list[FieldChange] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # the structure's fields that change
    membership_changed: bool = False


@dataclass
class Plan:
    network: Network
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # their rows are skipped

    def count(self, status: Status) -> int:
        return sum(1 for change in self.changes if change.status == status)

    @property
    def skipped(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def has_changes(self) -> bool:
        return any(change.status != Status.UNCHANGED for change in self.changes)

    @property
    def visible_changes(self) -> list[Change]:
        return [change for change in self.changes if change.status != Status.UNCHANGED]

    @property
    def summary(self) -> list[tuple[str, int]]:
        return [
            (_("New structures"), self.count(Status.CREATED)),
            (_("Existing structures joining the network"), self.count(Status.JOINED)),
            (_("Structures updated"), self.count(Status.UPDATED)),
            (_("Structures unchanged"), self.count(Status.UNCHANGED)),
            (_("Rows with errors, skipped"), self.skipped),
        ]


class _Known:
    """The structures a file's rows may designate, fetched in two queries whatever their
    number: those with one of its SIRETs or postcodes, and this network's members."""

    def __init__(self, network: Network, lines: list[Line]):
        sirets = {line.values["siret"] for line in lines if "siret" in line.values}
        postcodes = {line.values["postcode"] for line in lines if "postcode" in line.values}
        self.memberships = {
            membership.structure_id: membership
            for membership in Membership.objects.filter(network=network)
        }
        members = Membership.objects.filter(network=network).values("structure")
        candidates = Structure.objects.filter(
            Q(siret__in=sirets) | Q(postcode__in=postcodes) | Q(pk__in=members)
        ).order_by("pk")
        self.by_siret, self.by_name_and_postcode, self.members_by_name = {}, {}, {}
        for structure in candidates:
            name = normalise(structure.name)
            if structure.siret:
                self.by_siret[structure.siret] = structure
            self.by_name_and_postcode.setdefault((name, structure.postcode), []).append(structure)
            if structure.pk in self.memberships:
                self.members_by_name.setdefault(name, []).append(structure)

    def match(self, line: Line) -> Structure | None:
        """The structure with the row's SIRET, else one with its name and postcode (when the
        row has no postcode, a member of this network with its name)."""
        siret = line.values.get("siret", "")
        if siret in self.by_siret:
            return self.by_siret[siret]
        name, postcode = line.name_key
        if postcode:
            candidates = self.by_name_and_postcode.get((name, postcode), [])
        else:
            candidates = self.members_by_name.get(name, [])
        # A structure with another SIRET is another establishment, whatever its name.
        candidates = [s for s in candidates if not (siret and s.siret)]
        return min(candidates, key=lambda s: (s.pk not in self.memberships, s.pk), default=None)


def parse(table: Table, mapping: dict[str, int | None], network: Network) -> Plan:
    """What importing the rows of `table` into `network` would do (two queries)."""
    if mapping.get("name") is None:
        raise ValueError("The name column is mandatory.")
    reader = _RowReader(table, mapping)
    plan, lines = Plan(network), []
    for number, cells in table.rows:
        line, problems = reader.read(number, cells)
        if problems:
            plan.problems.extend(problems)
        else:
            lines.append(line)
    known = _Known(network, lines)
    today = timezone.localdate()
    rows_by_siret, rows_by_name, rows_by_structure = {}, {}, {}

    def duplicate(line: Line, key: str, message: str, first: int) -> None:
        plan.problems.append(Problem(line.number, reader.column(key), message % {"row": first}))

    for line in lines:
        siret = line.values.get("siret", "")
        if siret and siret in rows_by_siret:
            duplicate(
                line,
                "siret",
                _("Same SIRET as row %(row)s: this row is skipped."),
                rows_by_siret[siret],
            )
            continue
        first = rows_by_name.get(line.name_key)
        if first and not (siret and first[1]):
            duplicate(
                line,
                "name",
                _("Same name and postcode as row %(row)s: this row is skipped."),
                first[0],
            )
            continue
        structure = known.match(line)
        if structure and structure.pk in rows_by_structure:
            duplicate(
                line,
                "name",
                _("This row designates the same structure as row %(row)s: it is skipped."),
                rows_by_structure[structure.pk],
            )
            continue
        if siret:
            rows_by_siret[siret] = line.number
        rows_by_name.setdefault(line.name_key, (line.number, siret))
        if structure:
            rows_by_structure[structure.pk] = line.number
        plan.changes.append(_change(line, structure, known.memberships, network, today))

    plan.problems.sort(key=lambda problem: problem.row)  # stable: a row's cells stay in order
    return plan


def _change(line, structure, memberships, network, today) -> Change:
    values = line.values
    since_on = values.get("since_on", today)
    if structure is None:
        structure = Structure(**{key: values[key] for key in STRUCTURE_FIELDS if key in values})
        membership = Membership(network=network, structure=structure, since_on=since_on)
        return Change(line.number, Status.CREATED, structure, membership)

    change = Change(line.number, Status.UNCHANGED, structure, memberships.get(structure.pk))
    if change.membership is None:
        # A structure of other networks only: it joins this one, but what those networks
        # recorded about it is neither shown nor overwritten from this file.
        change.membership = Membership(network=network, structure=structure, since_on=since_on)
        change.status = Status.JOINED
        return change
    for key in STRUCTURE_FIELDS:
        if key in values and getattr(structure, key) != values[key]:
            change.fields.append(_field_change(structure, key, values[key]))
            setattr(structure, key, values[key])
            change.changed.add(key)
    if "since_on" in values and change.membership.since_on != values["since_on"]:
        change.fields.append(_field_change(change.membership, "since_on", values["since_on"]))
        change.membership.since_on = values["since_on"]
        change.membership_changed = True
    if change.fields:
        change.status = Status.UPDATED
    return change


def _field_change(instance, key: str, new) -> FieldChange:
    model_field = instance._meta.get_field(key)
    return FieldChange(
        capfirst(str(LABELS[key])),
        display(model_field, getattr(instance, key)),
        display(model_field, new),
    )


def display(model_field, value) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@transaction.atomic
def apply(plan: Plan) -> None:
    """Save every change of the plan, or nothing: four bulk queries whatever the number of rows
    (each split in batches only where the database limits the parameters of a query)."""
    now = timezone.now()
    created = [c.structure for c in plan.changes if c.status == Status.CREATED]
    Structure.objects.bulk_create(created)  # sets their pk: the new adhésions point to them
    Membership.objects.bulk_create(
        [c.membership for c in plan.changes if c.status in (Status.CREATED, Status.JOINED)]
    )
    changed = [c for c in plan.changes if c.changed]
    for change in changed:
        change.structure.updated_at = now
    fields = sorted({name for change in changed for name in change.changed})
    Structure.objects.bulk_update([c.structure for c in changed], [*fields, "updated_at"])
    # An adhésion changes only its start date: its status is the facilitator's, not the file's.
    memberships = [c.membership for c in plan.changes if c.membership_changed]
    for membership in memberships:
        membership.updated_at = now
    Membership.objects.bulk_update(memberships, ["since_on", "updated_at"])
