"""Form fields two apps share."""

import re
from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's own date picker: it sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def plain_number(value: Decimal, *, grouping: bool = False) -> str:
    """A stored decimal as people write it: 12.50 reads 12,5 in French, 100 stays 100 (not
    1E+2); with `grouping`, thousands apart (1 500) for reading rather than editing."""
    exact = value == value.to_integral()
    return formats.number_format(
        value.quantize(Decimal(1)) if exact else value.normalize(), force_grouping=grouping
    )


class NumberField(forms.DecimalField):
    """A number as people type it: "12,5", "1 250", "1 200,50 €", or "12.5". In French a comma
    marks the decimals (a dot then only groups thousands); in English, the dot does."""

    default_error_messages = {"invalid": _("Enter a number, for example 12.5.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s€]", "", value)  # \s also matches the (narrow) no-break spaces
            if formats.get_format("DECIMAL_SEPARATOR") == ",":
                if "," in value:
                    value = value.replace(".", "").replace(",", ".")
            else:
                value = value.replace(",", "")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            return plain_number(value)
        return value


def parse_id(value) -> int | None:
    """An id typed in a URL or posted by a form, or None. Only ASCII digits count: "²" is a
    digit to str.isdigit() but not to int()."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


class LinkOrFileMixin:
    """For a model form with `url` and `file` fields: a resource is a link or a file, exactly
    one. The error goes on a field, which also spares the same rule's model constraint."""

    def clean(self):
        data = super().clean()
        if "url" in self.errors or "file" in self.errors:
            return data
        has_url, has_file = bool(data.get("url")), bool(data.get("file"))
        if has_url and has_file:
            self.add_error("url", _("Give either a link or a file, not both."))
        elif not (has_url or has_file):
            self.add_error("url", _("Give a link or a file."))
        return data
