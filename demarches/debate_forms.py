"""Step 11: the questions put to the AG, then what it said and the adjustments decided."""

import re

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from demarches.debate import MAX_QUESTIONS, version_of
from demarches.models import AgDebate
from progress.lib.forms import DateInput

# A question is one line of the sheet, with room to answer under it.
QUESTION_LENGTH = 250
# "1. ", "2) ", "- ", "• ": numbering or bullets typed (or pasted) before a question; the
# sheet numbers the questions itself.
BULLET = re.compile(r"^(?:\d{1,2}[.)]|[-–•*])\s+")


class AgDebateForm(forms.ModelForm):
    # The version the edit started from: a save from an older one is a conflict, not a
    # silent overwrite of what the other member of the pair wrote.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = AgDebate
        fields = ["questions", "held_on", "remarks", "adjustments"]
        widgets = {
            "questions": forms.Textarea(attrs={"rows": 8}),
            "held_on": DateInput(),
            "remarks": forms.Textarea(attrs={"rows": 5}),
            "adjustments": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "questions": _("Questions put to the assembly"),
            "held_on": _("Date of the AG"),
            "remarks": _("The AG's remarks"),
            "adjustments": _("Adjustments decided"),
        }
        help_texts = {
            "remarks": _("What the members said: agreements, doubts, suggestions."),
            "adjustments": _(
                "What changes in the objectives or the action plan after the exchange."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", version_of(self.instance))
        self.fields["questions"].help_text = _(
            "One question per line, at most %(count)s: they are printed on the debate sheet "
            "with room to write the answers."
        ) % {"count": MAX_QUESTIONS}
        ag_on = self.instance.cycle.ag_on
        if ag_on:
            self.fields["held_on"].help_text = _("The AG was planned on %(date)s.") % {
                "date": date_format(ag_on)
            }

    def clean_questions(self):
        questions = []
        for line in self.cleaned_data["questions"].splitlines():
            question = BULLET.sub("", line.strip()).strip()
            if not question:
                continue
            if len(question) > QUESTION_LENGTH:
                raise forms.ValidationError(
                    _(
                        "Question %(number)s is %(length)s characters long: shorten it to "
                        "%(limit)s at most, so that it fits on the sheet."
                    )
                    % {
                        "number": len(questions) + 1,
                        "length": len(question),
                        "limit": QUESTION_LENGTH,
                    }
                )
            questions.append(question)
        if len(questions) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _(
                    "%(count)s questions: the sheet holds %(limit)s at most. Keep the ones that "
                    "matter most to the assembly."
                )
                % {"count": len(questions), "limit": MAX_QUESTIONS}
            )
        return "\n".join(questions)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future: record the AG once it has taken place.")
            )
        return held_on

    def clean_version(self) -> int | None:
        value = self.cleaned_data["version"]
        # Anything but a plain number was tampered with: a conflict, never a silent save.
        return int(value) if value.isascii() and value.isdigit() else None

    def clean(self):
        cleaned = super().clean()
        for name in ("remarks", "adjustments"):
            cleaned[name] = cleaned.get(name, "").strip()
        has_record = cleaned["remarks"] or cleaned["adjustments"]
        if has_record and not cleaned.get("held_on") and "held_on" not in self.errors:
            self.add_error("held_on", _("Give the date the AG was held."))
        return cleaned

    @property
    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def start_again_from(self, current: AgDebate) -> None:
        """After a conflict: keep what was typed, but as an edit of the version saved since,
        so that saving again (once both texts are merged) goes through."""
        data = self.data.copy()
        data[self.add_prefix("version")] = version_of(current)
        self.data = data
        self.full_clean()  # (on the form's own instance: `current` stays as saved)
