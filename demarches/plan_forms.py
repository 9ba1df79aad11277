"""The working process: the plan of the year up to the AG (step 1), and the log of
presentations and reviews (steps 10–12)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demarches import services
from demarches.models import Cycle, Milestone, Presentation
from progress.lib.forms import DateInput


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "due_on", "done_on"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}
        help_texts = {
            "title": _("Optional, except for another kind of milestone."),
            "done_on": _("Leave empty until it is done."),
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.instance.cycle = cycle

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future: a milestone is marked done once it is reached.")
            )
        return done_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Milestone.Kind.OTHER and not cleaned.get("title", "").strip():
            self.add_error("title", _("Give this milestone a title."))
        return cleaned

    @property
    def is_after_ag(self) -> bool:
        """Planned after the AG: allowed (some work goes on), but worth a second look."""
        due_on = self.cleaned_data.get("due_on")
        return bool(self.cycle.ag_on and due_on and due_on > self.cycle.ag_on)


class DefaultPlanForm(forms.Form):
    """Propose the default plan, dated backwards from the AG; asks for the AG's date when
    the cycle has none yet."""

    ag_on = forms.DateField(label=_("Planned AG date"), widget=DateInput())

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        if cycle.ag_on:
            del self.fields["ag_on"]

    def clean_ag_on(self):
        ag_on = self.cleaned_data["ag_on"]
        if ag_on < timezone.localdate():
            raise forms.ValidationError(_("This date is past: give the date of the coming AG."))
        return ag_on

    def clean(self):
        cleaned = super().clean()
        if self.cycle.milestones.exists():
            raise forms.ValidationError(
                _("This démarche already has a plan: add or edit its milestones instead.")
            )
        return cleaned

    def save(self) -> list[Milestone]:
        return services.propose_plan(self.cycle, ag_on=self.cleaned_data.get("ag_on"))


class PresentationForm(forms.ModelForm):
    class Meta:
        model = Presentation
        fields = ["kind", "held_on", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"notes": _("Who was there, what was said, what to adjust.")}

    def __init__(self, *args, cycle: Cycle, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        if self.instance.pk is None:
            self.instance.created_by = by
        self.fields["kind"].choices = [("", _("Choose…")), *Presentation.Kind.choices]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future: record a presentation once it has taken place.")
            )
        return held_on
