"""Forms of a session: adding or changing one, and cancelling it."""

from django import forms
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from members.models import Structure
from parcours.models import Parcours, Session


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For a session held online, such as a video call link."),
    )
    places = forms.CharField(
        label=_("Places"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One place per line, such as Lille and Amiens: the meeting is held in all "
            "of them at once, and attendance is taken per place."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "kind",
            "structure",
            "number",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "agenda",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "starts_at": _datetime_input(),
            "ends_at": _datetime_input(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "structure": _("For an individual meeting: the structure met."),
        }

    def __init__(self, *args, parcours: Parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.parcours = parcours
        enrolled = parcours.enrolments.active().values("structure")
        current = Q(pk=self.instance.structure_id) if self.instance.structure_id else Q()
        self.fields["structure"].queryset = Structure.objects.filter(
            Q(pk__in=enrolled) | current
        ).order_by("name")
        self.fields["structure"].empty_label = _("None (a collective session)")
        self.fields["kind"].choices = Session.Kind.choices  # no empty choice
        if parcours.is_community:
            self.fields["places"].initial = "\n".join(
                self.instance.places.values_list("name", flat=True) if self.instance.pk else ()
            )
        else:
            del self.fields["places"]
        if not self.instance.pk:
            last = parcours.sessions.collective().aggregate(last=Max("number"))["last"]
            self.fields["number"].initial = (last or 0) + 1

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session ends after it starts."))
        if data.get("kind") == Session.Kind.INDIVIDUAL:
            if not data.get("structure") and "structure" not in self.errors:
                self.add_error(
                    "structure", _("An individual meeting is with one structure: choose it.")
                )
        else:
            data["structure"] = None
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def place_names(self) -> list[str] | None:
        if "places" not in self.fields:
            return None
        return self.cleaned_data["places"].splitlines()


class CancelSessionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional: sent with the cancellation, such as why, or when it will be held instead."
        ),
    )
