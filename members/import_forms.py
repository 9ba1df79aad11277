from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import imports
from members.exports import LABELS
from progress.lib import xlsx

IGNORE = ""


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Member file (.csv or .xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = None
        self.fields["file"].help_text = _(
            "A CSV file (columns separated by semicolons, commas or tabs) or an Excel workbook, "
            "of %(limit)s at most. Its first row names the columns."
        ) % {"limit": filesizeformat(xlsx.MAX_UPLOAD_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.table = imports.read_table(upload)
        except xlsx.SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from error
        return upload

    @property
    def extension(self) -> str:
        return ".csv" if self.cleaned_data["file"].name.lower().endswith(".csv") else ".xlsx"


class MappingForm(forms.Form):
    """Which column of the file holds each field: one list per field, of the file's columns."""

    def __init__(self, *args, table: imports.Table, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        choices = [(IGNORE, _("— ignore —"))] + [
            (str(index), self._column_choice(index)) for index in range(len(table.headers))
        ]
        for key, label in LABELS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=key == "name",
                empty_value=None,
                error_messages={
                    "required": _("Choose the column that holds the structures' names.")
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        keys = list(LABELS)
        self.helper.layout = Layout(
            *(
                Row(*(Column(key, css_class="col-md-6") for key in keys[start : start + 2]))
                for start in range(0, len(keys), 2)
            )
        )

    def _column_choice(self, index: int) -> str:
        label = self.table.column_label(index)
        example = self.table.example(index)
        if not example:
            return label
        return _("%(column)s (e.g. %(example)s)") % {
            "column": label,
            "example": truncatechars(example, 30),
        }

    def clean(self):
        data = super().clean()
        chosen = {}
        for key in LABELS:
            index = data.get(key)
            if index is None:
                continue
            if index in chosen:
                self.add_error(
                    key,
                    _("The column “%(column)s” is already chosen for “%(field)s”.")
                    % {"column": self.table.column_label(index), "field": LABELS[chosen[index]]},
                )
            chosen.setdefault(index, key)
        return data

    @property
    def mapping(self) -> dict[str, int | None]:
        return {key: self.cleaned_data[key] for key in LABELS}

    @staticmethod
    def initial_for(mapping: dict[str, int | None]) -> dict[str, str]:
        return {key: IGNORE if index is None else str(index) for key, index in mapping.items()}
