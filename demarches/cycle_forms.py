"""Opening a year of démarche, changing its AG date or guide, ticking a step by hand; and
which guide a year works with."""

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demarches.models import Cycle, Step
from guide.models import Guide
from members.models import Structure
from progress.lib.forms import DateInput

STEP_NUMBERS = {int(step) for step in Step}


class GuideChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, guide):
        if guide.network_id:
            return f"{guide} · {guide.network}"
        return str(guide)


class StartCycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    guide = GuideChoiceField(
        label=_("Guide"),
        queryset=Guide.objects.none(),
        empty_label=None,
        help_text=_("The national guide, or a thematic guide of one of your networks."),
    )
    ag_on = forms.DateField(
        label=_("Planned AG date"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: you can set it later."),
    )

    def __init__(self, *args, structure: Structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.fields["guide"].queryset = Guide.objects.usable_by(structure)
        latest = structure.cycles.order_by("-year").first()
        self.fields["year"].initial = latest.year + 1 if latest else timezone.localdate().year
        national = self.fields["guide"].queryset.filter(network=None).first()
        self.fields["guide"].initial = national.pk if national else None

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Cycle.objects.filter(structure=self.structure, year=year).exists():
            raise forms.ValidationError(already_started_message())
        return year

    def clean(self):
        cleaned = super().clean()
        year, ag_on = cleaned.get("year"), cleaned.get("ag_on")
        if year and ag_on and ag_on.year < year:
            self.add_error("ag_on", _("The AG cannot come before the year of the démarche."))
        return cleaned


def already_started_message() -> str:
    """The database constraint's own message, so that the form and a lost race say the same."""
    constraint = next(c for c in Cycle._meta.constraints if c.name == "cycle_once_per_year")
    return constraint.violation_error_message


class CycleForm(forms.ModelForm):
    """The AG date, and the guide while nothing of it is selected yet."""

    class Meta:
        model = Cycle
        fields = ["ag_on", "guide"]
        widgets = {"ag_on": DateInput()}
        field_classes = {"guide": GuideChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cycle = self.instance
        guides = Guide.objects.usable_by(cycle.structure)
        self.fields["guide"].queryset = Guide.objects.filter(
            Q(pk__in=guides.values("pk")) | Q(pk=cycle.guide_id)
        ).order_by(F("network").asc(nulls_first=True), "-edition", "title", "-pk")
        self.fields["guide"].empty_label = None
        if cycle.answers.exists() or cycle.theme_choices.exists():
            self.fields["guide"].disabled = True
            self.fields["guide"].help_text = _(
                "The guide cannot change any more: themes or items of it are already selected."
            )

    def clean_ag_on(self):
        ag_on = self.cleaned_data["ag_on"]
        if ag_on and ag_on.year < self.instance.year:
            raise forms.ValidationError(_("The AG cannot come before the year of the démarche."))
        return ag_on


class MarkStepForm(forms.Form):
    """Tick a step by hand ("1", with the day it was done) or untick it ("0")."""

    done = forms.TypedChoiceField(
        label=_("Done"), choices=[("1", _("Done")), ("0", _("Not done"))], coerce=int
    )
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"] or timezone.localdate()
        if done_on > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future: tick a step once it is done.")
            )
        return done_on

    def error_message(self) -> str:
        if "done_on" in self.errors:
            return self.errors["done_on"][0]
        return _("Say whether the step is done or not.")
