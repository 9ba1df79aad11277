"""Forms of the état des lieux: the list's filters, the form of one answer (steps 5–7), and
the upload of a piece of evidence."""

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from demarches.models import FILLED, NOT_TREATED, Answer
from members.models import Role, User
from progress.lib import uploads
from progress.lib.forms import NumberField

# --- Where an answer stands ------------------------------------------------------------------


class State(models.TextChoices):
    TO_FILL = "to_fill", _("To fill in")
    FILLED = "filled", _("Filled in")
    NOT_TREATED = "not_treated", _("Not treated")


STATE_FILTERS = {
    State.TO_FILL: ~FILLED,
    State.FILLED: FILLED & ~NOT_TREATED,
    State.NOT_TREATED: NOT_TREATED,
}


def state_of(answer: Answer) -> State:
    if answer.assessment == Answer.Assessment.NOT_TREATED:
        return State.NOT_TREATED
    return State.FILLED if answer.is_filled else State.TO_FILL


class AssessmentFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Only the items assigned to me"), required=False)
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [
            ("", _("All themes")),
            *((theme.pk, str(theme)) for theme in themes),
        ]

    @property
    def is_filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def filter(self, answers, *, user):
        if not self.is_valid():
            return answers
        data = self.cleaned_data
        if data["mine"]:
            answers = answers.assigned_to(user)
        if data["theme"]:
            answers = answers.filter(domain__theme=data["theme"])
        if data["state"]:
            answers = answers.filter(STATE_FILTERS[data["state"]])
        return answers


# --- One answer ------------------------------------------------------------------------------


# Where each field of the form goes on the page.
SECTIONS = [
    (_("État des lieux"), ["situation", "value"]),
    (
        _("Assessment and axes de progrès"),
        ["assessment", "not_treated_reason", "good_practices", "improvements"],
    ),
    (_("Objectives"), ["objective_1y", "target_1y", "objective_3y", "target_3y"]),
    (_("Progress on last year's objective"), ["progress"]),
    (_("Who fills it in"), ["assignee"]),
]
FIGURES = ["value", "target_1y", "target_3y"]  # an indicator's only
MAKES_NO_SENSE_FOR_A_QUESTION = {
    "value": _("A figure only applies to an indicator."),
    "target_1y": _("A numerical target only applies to an indicator."),
    "target_3y": _("A numerical target only applies to an indicator."),
}
OUT_OF_DATE = _("This page is incomplete or out of date: copy your text, then reload the page.")


class AnswerForm(forms.ModelForm):
    # The version the edit started from: saving over a newer one is a conflict.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )
    # Sent by "Keep my version" on the conflict screen: the version this person has now seen.
    keep_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={"invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    class Meta:
        model = Answer
        fields = [name for _title, names in SECTIONS for name in names]
        field_classes = dict.fromkeys(FIGURES, NumberField)
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 4}),
            "not_treated_reason": forms.Textarea(attrs={"rows": 2}),
            "good_practices": forms.Textarea(attrs={"rows": 3}),
            "improvements": forms.Textarea(attrs={"rows": 3}),
            "objective_1y": forms.Textarea(attrs={"rows": 2}),
            "objective_3y": forms.Textarea(attrs={"rows": 2}),
            "assessment": forms.RadioSelect,
            "progress": forms.RadioSelect,
        }
        help_texts = {
            "not_treated_reason": _("Required when the item is not treated."),
            "improvements": _("What should change, and where the structure wants to progress."),
            "progress": _("How far last year's objective at 1 year was reached."),
        }

    def __init__(self, *args, answer: Answer, can_assign: bool, **kwargs):
        super().__init__(*args, instance=answer, **kwargs)
        self.answer = answer
        self.initial.setdefault("version", answer.version)
        for name in ("assessment", "progress"):  # a radio per choice, none for "nothing yet"
            self.fields[name].choices = Answer._meta.get_field(name).choices
        if answer.is_indicator:
            for name in FIGURES:
                self.fields[name].label = f"{self.fields[name].label} ({answer.unit_label})"
        if not (answer.previous_id and not answer.is_indicator):
            del self.fields["progress"]  # computed for an indicator, nothing to say in year 1
        if can_assign:
            self._set_assignees()
        else:
            del self.fields["assignee"]
        for field in self.shown_fields():
            self._describe(field)

    def _set_assignees(self):
        """The pilot pair and the contributors of the structure (and whoever has it now)."""
        field = self.fields["assignee"]
        works_here = Q(
            roles__structure=self.answer.cycle.structure_id,
            roles__ended_on=None,
            roles__kind__in=[Role.Kind.PILOT, Role.Kind.COPILOT, Role.Kind.CONTRIBUTOR],
        )
        field.queryset = (
            User.objects.filter(works_here | Q(pk=self.answer.assignee_id))
            .distinct()
            .order_by("full_name", "pk")
        )
        field.empty_label = _("Nobody in particular")

    def _describe(self, bound):
        widget = bound.field.widget
        if isinstance(widget, forms.RadioSelect):
            widget.attrs["class"] = "form-check-input"
            return  # the fieldset carries the description
        is_select = isinstance(widget, forms.Select)
        widget.attrs["class"] = "form-select" if is_select else "form-control"
        described_by = [f"{bound.auto_id}_errors"]
        if bound.help_text:
            described_by.append(f"{bound.auto_id}_helptext")
        widget.attrs["aria-describedby"] = " ".join(described_by)

    # What the page shows and what a save changes.

    def is_shown(self, name: str) -> bool:
        return name in self.fields and (name not in FIGURES or self.answer.is_indicator)

    def shown_fields(self) -> list[forms.BoundField]:
        names = [name for name in self.Meta.fields if self.is_shown(name)]
        return [self[name] for name in names]

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        shown = [
            (title, [self[name] for name in names if self.is_shown(name)])
            for title, names in SECTIONS
        ]
        return [(title, fields) for title, fields in shown if fields]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(id to link to or "", label, message) of every error, in the page's order."""
        summary = [("", "", error) for error in self.non_field_errors()]
        for name in self.fields:
            if name not in self.errors:
                continue
            bound = self[name]
            anchor, label = "", ""
            if self.is_shown(name):  # a radio group is reached through its first radio
                anchor, label = bound.id_for_label or f"{bound.auto_id}_0", bound.label
            summary.extend((anchor, label, error) for error in bound.errors)
        return summary

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if self.is_shown(name)}

    def changes_anything(self) -> bool:
        """Whether saving would change the answer as it was when the form was built."""
        if self.based_on_version != self.answer.version:
            return True  # the saved answer moved on: let the save say whether it conflicts
        return any(name in self.changed_data for name in self.changes())

    @property
    def based_on_version(self) -> int:
        return self.cleaned_data["keep_version"] or self.cleaned_data["version"]

    # Validation

    def _figure_only_for_indicators(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not self.answer.is_indicator:
            raise forms.ValidationError(MAKES_NO_SENSE_FOR_A_QUESTION[name])
        return value

    def clean_value(self):
        return self._figure_only_for_indicators("value")

    def clean_target_1y(self):
        return self._figure_only_for_indicators("target_1y")

    def clean_target_3y(self):
        return self._figure_only_for_indicators("target_3y")

    def clean(self):
        data = super().clean()
        if data.get("assessment") == Answer.Assessment.NOT_TREATED and not data.get(
            "not_treated_reason"
        ):
            self.add_error("not_treated_reason", _("Say why this item is not treated."))
        return data


# --- Evidence --------------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Add a document"),
        widget=forms.FileInput,
        error_messages={
            "required": _("Choose a file to add."),
            "empty": _("This file is empty."),
            "invalid": _("Choose a file to add."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file = self.fields["file"]
        file.help_text = uploads.rules_text()
        file.widget.attrs.update(
            accept=uploads.ACCEPT, **{"class": "form-control", "aria-describedby": "evidence-rules"}
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.validate_upload(upload)
        return upload
