from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from demarches import imports
from demarches.models import Cycle
from progress.lib import xlsx


class ImportForm(forms.Form):
    """The steering table edited offline, checked as a readable table of this cycle before
    it is stored for the preview."""

    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["file"].help_text = _(
            "The table exported from this page, edited: an .xlsx workbook of %(limit)s at most."
        ) % {"limit": filesizeformat(xlsx.MAX_UPLOAD_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            imports.read_file(upload, self.cycle)
        except xlsx.SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from error
        return upload
