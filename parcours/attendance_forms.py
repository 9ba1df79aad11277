"""Attendance forms: the facilitator's tap, the participant's check-in and apologies, the
note for the board."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.attendance import Expected
from parcours.models import Attendance, MeetingNote, SessionPlace


def _place_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Place"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the places of this meeting.")},
    )


class AttendanceForm(forms.Form):
    """One tap: a person expected at the session, and what the facilitator saw."""

    person = forms.TypedChoiceField(coerce=int)
    status = forms.ChoiceField(
        choices=Attendance.Status.choices,
        error_messages={"invalid_choice": _("Choose present, excused or absent.")},
    )
    place = _place_field()

    def __init__(self, *args, rows: list[Expected], places: list[SessionPlace], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = {row.person.pk: row for row in rows}
        self.places = {place.pk: place for place in places}
        self.fields["person"].choices = [(pk, str(row.person)) for pk, row in self.rows.items()]
        self.fields["place"].choices = [("", "")] + [(pk, p.name) for pk, p in self.places.items()]

    @property
    def is_about_someone_not_expected(self) -> bool:
        return "person" in self.errors

    @property
    def row(self) -> Expected:
        return self.rows[self.cleaned_data["person"]]

    @property
    def chosen_place(self) -> SessionPlace | None:
        return self.places.get(self.cleaned_data["place"])


class CheckinForm(forms.Form):
    """'Je suis là': with the place, when a meeting is held in several places at once."""

    place = _place_field()

    def __init__(self, *args, places: list[SessionPlace], **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {place.pk: place for place in places}
        self.fields["place"].choices = [("", "")] + [(pk, p.name) for pk, p in self.places.items()]
        self.fields["place"].required = len(places) > 1

    @property
    def chosen_place(self) -> SessionPlace | None:
        if len(self.places) == 1:
            return next(iter(self.places.values()))
        return self.places.get(self.cleaned_data["place"])


class ApologiesForm(forms.Form):
    """Apologies sent before a session (posted from the session page), or withdrawn with
    cancel=1."""

    note = forms.CharField(
        label=_("A word for the facilitators (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
    )
    cancel = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MeetingNoteForm(forms.ModelForm):
    class Meta:
        model = MeetingNote
        fields = ["progress", "proposals"]
        labels = {
            "progress": _("Where the group stands"),
            "proposals": _("Actions proposed to the board of directors"),
        }
        help_texts = {
            "progress": _("What the group worked on, what it decided, what is going on."),
            "proposals": _("What the group asks the network's board to carry or decide."),
        }
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 8}),
            "proposals": forms.Textarea(attrs={"rows": 6}),
        }
