"""What changed from one version of an answer or an action to another, in the person's words:
the history pages list the changes of each version, and the conflict screen compares what
someone typed with what another person saved meanwhile, the same way."""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.paginator import Paginator
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from progress.lib.forms import plain_number

# Bookkeeping, or what only the selection changes: never shown as a change.
HIDDEN_FIELDS = {
    "id",
    "cycle",
    "item",
    "domain",
    "previous",
    "version",
    "updated_by",
    "created_at",
    "updated_at",
}

VERSIONS_PER_PAGE = 20


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Version:
    record: models.Model  # a historical record of django-simple-history
    changes: list[Change]
    is_current: bool


def shown_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name not in HIDDEN_FIELDS]


def _related_rows(fields, rows) -> dict:
    """The rows the foreign keys of `rows` point to, one query per foreign key."""
    related = {}
    for field in fields:
        if field.is_relation:
            ids = {row[field.attname] for row in rows} - {None}
            related[field.attname] = field.related_model._base_manager.in_bulk(ids) if ids else {}
    return related


def display(field: models.Field, value, related: dict | None = None) -> str:
    """A stored value as the person reads it; empty for nothing."""
    if value is None or value == "":
        return ""
    if field.is_relation:
        row = (related or {}).get(field.attname, {}).get(value)
        return str(row) if row is not None else ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DecimalField):
        return plain_number(value, grouping=True)
    if isinstance(field, models.DateField):
        return formats.date_format(value)
    if isinstance(field, models.FileField):
        return PurePath(str(value)).name
    return str(value)


def _changes(fields, before: dict, after: dict, related: dict) -> list[Change]:
    return [
        Change(
            capfirst(field.verbose_name),
            display(field, before.get(field.attname), related),
            display(field, after.get(field.attname), related),
        )
        for field in fields
        if display(field, before.get(field.attname), related)
        != display(field, after.get(field.attname), related)
    ]


def _values(fields, row) -> dict:
    return {field.attname: getattr(row, field.attname) for field in fields}


def differences(model, mine: dict, saved: models.Model) -> list[Change]:
    """The fields where `mine` (field name → value, as a form cleans it) differs from the
    `saved` row: `old` is the saved value, `new` mine."""
    fields = [field for field in shown_fields(model) if field.name in mine]
    ours = {}
    for field in fields:
        value = mine[field.name]
        ours[field.attname] = value.pk if field.is_relation and value is not None else value
    theirs = _values(fields, saved)
    return _changes(fields, theirs, ours, _related_rows(fields, [ours, theirs]))


def versions_page(instance: models.Model, page_number) -> tuple:
    """One page of the versions of `instance`, newest first, each with what it changed from
    the version before it."""
    records = instance.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    page = Paginator(records, VERSIONS_PER_PAGE).get_page(page_number)
    on_page = list(page.object_list)
    # The version before the oldest one of the page tells what that one changed.
    before_page = records[page.end_index() : page.end_index() + 1] if on_page else []
    fields = shown_fields(type(instance))
    rows = [_values(fields, record) for record in [*on_page, *before_page]]
    related = _related_rows(fields, rows)
    empty = {}
    versions = [
        Version(
            record,
            _changes(fields, rows[index + 1] if index + 1 < len(rows) else empty, row, related),
            is_current=page.number == 1 and index == 0,
        )
        for index, (record, row) in enumerate(zip(on_page, rows, strict=False))
    ]
    return page, versions
