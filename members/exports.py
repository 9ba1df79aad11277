"""The network's directory as an .xlsx workbook, one row per adhésion.

Its first twelve columns are those the member import reads (imports.py matches headers on
LABELS), so a facilitator can export, correct the workbook and import it back.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from members.models import Membership, Network, Role, Structure
from progress.lib import xlsx

# The structure's fields the import reads too, in the order of the sheet.
LABELS = {
    "name": gettext_lazy("Name"),
    "siret": gettext_lazy("SIRET"),
    "legal_form": gettext_lazy("Legal form"),
    "headcount": gettext_lazy("Headcount"),
    "sector": gettext_lazy("Sector"),
    "address": gettext_lazy("Address"),
    "postcode": gettext_lazy("Postcode"),
    "commune": gettext_lazy("Commune"),
    "departement": gettext_lazy("Département"),
    "region": gettext_lazy("Region"),
    "website": gettext_lazy("Website"),
    "since_on": gettext_lazy("Member since"),
}
DATE_FORMAT = "DD/MM/YYYY"


def _person(structure: Structure, kind: Role.Kind) -> str:
    role = next((role for role in structure.pair if role.kind == kind), None)
    return f"{role.person.full_name} <{role.person.email}>" if role else ""


def columns() -> dict[str, Callable[[Membership], Any]]:
    return {
        str(LABELS["name"]): lambda m: m.structure.name,
        str(LABELS["siret"]): lambda m: m.structure.siret,
        str(LABELS["legal_form"]): lambda m: m.structure.get_legal_form_display(),
        str(LABELS["headcount"]): lambda m: m.structure.headcount,
        str(LABELS["sector"]): lambda m: m.structure.sector,
        str(LABELS["address"]): lambda m: m.structure.address,
        str(LABELS["postcode"]): lambda m: m.structure.postcode,
        str(LABELS["commune"]): lambda m: m.structure.commune,
        str(LABELS["departement"]): lambda m: m.structure.departement,
        str(LABELS["region"]): lambda m: m.structure.region,
        str(LABELS["website"]): lambda m: m.structure.website,
        str(LABELS["since_on"]): lambda m: m.since_on,
        _("Adhésion status"): lambda m: m.get_status_display(),
        _("Pilot"): lambda m: _person(m.structure, Role.Kind.PILOT),
        _("Co-pilot"): lambda m: _person(m.structure, Role.Kind.COPILOT),
    }


def export_directory(network: Network, memberships: QuerySet[Membership]) -> bytes:
    """The workbook of `memberships` (already filtered as the directory shows them), in three
    queries whatever their number: adhésions, structures, their pilot pairs."""
    rows = (
        memberships.filter(network=network)  # whatever the caller passed, never another network
        .prefetch_related(Prefetch("structure", queryset=Structure.objects.with_pair()))
        .order_by("structure__name", "pk")
    )
    book = Workbook()
    sheet = book.active
    sheet.title = _("Structures")
    headers = columns()
    text_columns = [str(LABELS["siret"]), str(LABELS["postcode"])]  # keep their leading zeros
    xlsx.write_table(sheet, headers, rows, text_columns=text_columns)
    since_column = list(headers).index(str(LABELS["since_on"])) + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=since_column, max_col=since_column):
        cell.number_format = DATE_FORMAT
    return xlsx.workbook_bytes(book)


def filename(network: Network) -> str:
    return f"structures-{slugify(network.name)}.xlsx"
