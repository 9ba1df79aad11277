"""Excel (.xlsx) files in and out: one writer for every export, one gate for every upload.

Two dangers shape this module. A text cell that starts with "=" (or "+", "-", "@") may run as
a formula when someone opens an export: `neutralise` writes such texts with a leading quote,
and `unneutralise` takes it off again on import, so an export imports back exactly. And an
upload is untrusted: `open_workbook` refuses anything that is not a plain .xlsx of a
reasonable size before openpyxl parses it.
"""

import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from io import BytesIO
from typing import Any

from django.core.files import File
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A small zip can inflate to gigabytes (a "zip bomb"); no honest 5 MB workbook unpacks to this.
MAX_UNPACKED_BYTES = 20 * MAX_UPLOAD_BYTES

# What makes Excel or LibreOffice read a text as a formula (OWASP's "CSV injection" list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
MIN_WIDTH, MAX_WIDTH = 8, 60


class SpreadsheetError(Exception):
    """The upload cannot be read as a workbook; the message tells the person why, in French."""


def _looks_like_a_formula(text: str) -> bool:
    # Quotes are skipped so that a text which already starts with quotes before a formula sign
    # gets one more: unneutralise() then removes exactly the one we added.
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """The value to write in a cell so that Excel never runs it as a formula."""
    if isinstance(value, str) and _looks_like_a_formula(value):
        return QUOTE + value
    return value


def unneutralise(value: Any) -> Any:
    """The value `neutralise` was given, from what a cell holds."""
    if isinstance(value, str) and value.startswith(QUOTE) and _looks_like_a_formula(value):
        return value[1:]
    return value


def write_table(
    sheet: Worksheet,
    columns: Mapping[str, Callable[[Any], Any]],
    rows: Iterable[Any],
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
    text_columns: Iterable[str] = (),
) -> None:
    """Write a header row, then one line per row with each column's getter.

    `choices` offers a drop-down list of fixed values in the named columns; `text_columns` are
    kept as text when someone types in them (so that a code such as 1.10 stays 1.10).
    """
    headers = list(columns)
    getters = list(columns.values())
    sheet.append(headers)
    widths = [len(header) for header in headers]
    for row in rows:
        values = [_cell_value(getter(row)) for getter in getters]
        sheet.append(values)
        for index, value in enumerate(values):
            if value is not None:
                longest_line = max(len(line) for line in str(value).splitlines() or [""])
                widths[index] = max(widths[index], longest_line)

    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    text_columns = set(text_columns)
    for index, header in enumerate(headers, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = min(max(widths[index - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        if header in text_columns:
            dimension.number_format = "@"
    for header, values in (choices or {}).items():
        add_drop_down(sheet, headers.index(header) + 1, values)


def add_drop_down(sheet: Worksheet, column: int, values: Sequence[str]) -> None:
    """Offer `values` in a list on every cell of a column below its header."""
    # An inline list is a comma-separated formula of at most 255 characters.
    assert all("," not in value and '"' not in value for value in values), values
    validation = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(values)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Value not allowed"),
        error=_("Choose a value from the list."),
    )
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}1048576")
    sheet.add_data_validation(validation)


def _cell_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # openpyxl refuses control characters that XML cannot carry.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    """A download of the workbook `content` under `filename`."""
    return HttpResponse(
        content,
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def open_workbook(upload: File) -> Workbook:
    """The workbook of an uploaded .xlsx, read-only with cached values instead of formulas.

    Raises SpreadsheetError when the file is not a plain .xlsx, has macros, is too large or
    is empty.
    """
    name = (upload.name or "").lower()
    if name.endswith(".xlsm"):
        raise SpreadsheetError(_macros_refused())
    if not name.endswith(".xlsx"):
        raise SpreadsheetError(_not_xlsx())
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_too_large())
    upload.seek(0)
    content = upload.read(MAX_UPLOAD_BYTES + 1)  # the announced size may lie
    if len(content) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_too_large())

    try:
        archive = zipfile.ZipFile(BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(_not_xlsx()) from error
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        raise SpreadsheetError(_macros_refused())  # an .xlsm renamed to .xlsx
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_too_large())

    # openpyxl fails in many ways on a damaged or foreign file (KeyError, ValueError, XML
    # errors…), and warns about features it drops; to the person, all of it means the same.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
            is_empty = not any(
                value is not None
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
            )
    except Exception as error:
        raise SpreadsheetError(_not_xlsx()) from error
    if is_empty:
        raise SpreadsheetError(_("This workbook is empty: fill in the template, then try again."))
    return workbook


def read_rows(sheet: Worksheet) -> list[tuple]:
    """Every row of a sheet from `open_workbook`, as tuples of values (row 1 first)."""
    # A read-only workbook parses lazily: a damaged sheet only fails here.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(sheet.iter_rows(values_only=True))
    except Exception as error:
        raise SpreadsheetError(_not_xlsx()) from error


def _not_xlsx() -> str:
    return _("This file is not an Excel workbook (.xlsx), or it is damaged.")


def _macros_refused() -> str:
    return _(
        "Workbooks with macros (.xlsm) are refused: save the file as an Excel workbook (.xlsx)."
    )


def _too_large() -> str:
    return _("This file is too large: the limit is %(limit)s.") % {
        "limit": filesizeformat(MAX_UPLOAD_BYTES)
    }
