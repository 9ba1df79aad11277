from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from progress.lib.forms import DateInput
from reports.models import Report


class CycleRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(k, Report.Kind(k).label) for k in Report.CYCLE_KINDS]
    )


class NetworkRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]


class FreezeForm(forms.Form):
    for_date = forms.DateField(
        label=_("Date of the AG"),
        widget=DateInput,
        help_text=_("This version is kept as the one presented: it will never change."),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        ag_on = report.cycle.ag_on if report.cycle_id else None
        self.fields["for_date"].initial = ag_on or timezone.localdate()
