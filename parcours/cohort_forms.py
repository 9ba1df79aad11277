"""Forms of a parcours: creating it from a session plan, editing it, enrolling a structure with
its pilot pair, and a structure's withdrawal."""

import datetime
from decimal import Decimal

from django import forms
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from guide.models import Guide, Theme
from members.models import Network, Role, Structure, User
from parcours import plans, services
from parcours.models import Parcours
from progress.lib.forms import DateInput, NumberField, parse_id

DEFAULT_COMMITMENT = _(
    "7 half-day collective sessions and 2 individual meetings over 8 to 10 months; the "
    "pilot–co-pilot pair takes part together in the collective sessions, leads times of "
    "sharing inside the structure between sessions, and gets the structure moving."
)


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, theme):
        # The national guide's themes go without saying; a network guide's are named by it.
        return f"{theme.guide.title} · {theme}" if theme.guide.network_id else str(theme)


def themes_for(networks):
    """The themes a parcours may be linked to: those of the newest published national guide
    and of the published guides of `networks`."""
    national = Guide.objects.national().published().order_by("-edition", "-pk").first()
    guides = Q(guide__network__in=networks, guide__status=Guide.Status.PUBLISHED)
    if national:
        guides |= Q(guide=national)
    return (
        Theme.objects.current()
        .filter(guides)
        .select_related("guide")
        .order_by(F("guide__network").asc(nulls_first=True), "guide__title", "position", "code")
    )


class ParcoursForm(forms.ModelForm):
    """The parcours itself; creating one adds the session plan (see CreateParcoursForm)."""

    themes = ThemeChoiceField(
        label=_("Themes of the guide"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Optional: the themes of the national guide or of your network's guides "
            "that the parcours works on."
        ),
    )

    class Meta:
        model = Parcours
        fields = [
            "title",
            "topic",
            "description",
            "themes",
            "starts_on",
            "ends_on",
            "capacity",
            "commitment",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "commitment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "topic": _("Such as user involvement."),
            "ends_on": _("Required for a parcours; a communauté may stay open-ended."),
            "capacity": _("How many structures may enrol; none for a communauté."),
        }

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes_for(networks)

    @property
    def chosen_kind(self) -> str:
        return self.instance.kind

    def clean(self):
        data = super().clean()
        if self.chosen_kind == Parcours.Kind.COMMUNITY:
            data["capacity"] = None
            self.instance.capacity = None
        else:
            if not data.get("ends_on") and "ends_on" not in self.errors:
                self.add_error("ends_on", _("A parcours needs an end date."))
            if not data.get("capacity") and "capacity" not in self.errors:
                self.add_error("capacity", _("A parcours needs a capacity of at least 1."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A parcours cannot end before it starts."))
        network = data.get("network") or getattr(self.instance, "network", None)
        for theme in data.get("themes") or ():
            if theme.guide.network_id and network and theme.guide.network_id != network.pk:
                self.add_error(
                    "themes",
                    _("%(theme)s belongs to a guide of another network.") % {"theme": theme},
                )
        return data


class CreateParcoursForm(ParcoursForm):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Parcours.Kind.choices,
        initial=Parcours.Kind.PARCOURS,
        widget=forms.RadioSelect,
        help_text=_(
            "A parcours runs for a cohort over some months; a communauté is an "
            "open-ended thematic group."
        ),
    )
    # The session plan, from the template
    sessions = forms.IntegerField(
        label=_("Collective sessions"),
        min_value=0,
        max_value=30,
        initial=plans.DEFAULT_PLAN.sessions,
        help_text=_("Numbered from 1 and titled after the template; you can rename them."),
    )
    first_on = forms.DateField(
        label=_("Date of the first session"),
        required=False,
        widget=DateInput(),
        help_text=_("The start of the parcours if left empty."),
    )
    at = forms.TimeField(
        label=_("Time of the sessions"),
        required=False,
        initial=datetime.time(9, 30),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration = NumberField(
        label=_("Duration of a session (hours)"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=12,
        max_digits=4,
        decimal_places=2,
        initial=plans.DEFAULT_PLAN.duration_hours,
    )
    every_weeks = forms.IntegerField(
        label=_("One session every … weeks"),
        required=False,
        min_value=1,
        max_value=26,
        initial=plans.DEFAULT_PLAN.every_weeks,
    )

    PLAN_FIELDS = ("sessions", "first_on", "at", "duration", "every_weeks")

    class Meta(ParcoursForm.Meta):
        fields = ["network", "kind", *ParcoursForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        networks = Network.objects.managed_by(user)
        super().__init__(*args, networks=networks, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["network"].empty_label = None
        self.fields["commitment"].initial = DEFAULT_COMMITMENT
        self.fields["capacity"].initial = 8
        self.order_fields(["network", "kind", *ParcoursForm.Meta.fields])

    @property
    def chosen_kind(self) -> str:
        return self.cleaned_data.get("kind", Parcours.Kind.PARCOURS)

    def clean(self):
        self.instance.kind = self.cleaned_data.get("kind", Parcours.Kind.PARCOURS)
        data = super().clean()
        if self.chosen_kind == Parcours.Kind.COMMUNITY:
            data["sessions"] = 0  # a communauté meets as it decides: no plan
            return data
        if not data.get("sessions") or any(
            name in self.errors for name in ("starts_on", *self.PLAN_FIELDS)
        ):
            return data
        missing = [name for name in ("at", "duration", "every_weeks") if data.get(name) is None]
        for name in missing:
            self.add_error(name, _("Needed to date the sessions."))
        if missing:
            return data
        first_on = data.get("first_on") or data["starts_on"]
        data["first_on"] = first_on
        if first_on < data["starts_on"]:
            self.add_error(
                "first_on", _("The first session takes place once the parcours has started.")
            )
            return data
        last_on = first_on + datetime.timedelta(weeks=data["every_weeks"] * (data["sessions"] - 1))
        if data.get("ends_on") and last_on > data["ends_on"]:
            self.add_error(
                "every_weeks",
                _(
                    "The last session would then be on %(date)s, after the end of the parcours: "
                    "space the sessions less, or end the parcours later."
                )
                % {"date": formats.date_format(last_on, "j F Y")},
            )
        return data

    def plan(self) -> dict:
        data = self.cleaned_data
        return {
            "sessions": data["sessions"],
            "first_on": data.get("first_on"),
            "at": data.get("at"),
            "duration": datetime.timedelta(hours=float(data["duration"]))
            if data.get("duration")
            else None,
            "every_weeks": data.get("every_weeks"),
        }

    def parcours_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ["kind", *ParcoursForm.Meta.fields]
            if name != "themes"
        }


class EditParcoursForm(ParcoursForm):
    class Meta(ParcoursForm.Meta):
        fields = [*ParcoursForm.Meta.fields, "status"]

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        super().__init__(*args, networks=Network.objects.filter(pk=instance.network_id), **kwargs)
        if instance.is_community:
            del self.fields["capacity"]

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        enrolled = self.instance.enrolments.active().count()
        if capacity and capacity < enrolled:
            raise forms.ValidationError(
                _("%(count)s structures are enrolled already: the capacity cannot be lower.")
                % {"count": enrolled}
            )
        return capacity


# --- Enrolment -------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("This person has no role in this structure.")}


class EnrolForm(forms.Form):
    structure = forms.ModelChoiceField(
        label=_("Structure"),
        queryset=Structure.objects.none(),
        error_messages={
            "invalid_choice": _(
                "This structure is already enrolled, or is not an active member of the network."
            )
        },
    )
    pilot = PersonChoiceField(
        label=_("Pilot"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Its current pilot"),
    )
    copilot = PersonChoiceField(
        label=_("Co-pilot"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Its current co-pilot, if any"),
    )
    target = forms.CharField(
        label=_("Target"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional: what the structure aims for, such as the level of user involvement."
        ),
    )
    individual_meetings = forms.IntegerField(
        label=_("Individual meetings"),
        min_value=0,
        max_value=10,
        help_text=_(
            "Created now with provisional dates, a week after collective sessions: "
            "move them once agreed with the structure."
        ),
    )

    def __init__(self, *args, parcours: Parcours, structure: Structure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = services.structures_to_enrol(parcours).order_by("name")
        self.fields["structure"].queryset = candidates
        self.fields["individual_meetings"].initial = services.default_individual_meetings(parcours)
        if parcours.is_community:
            self.fields["individual_meetings"].initial = 0
        if self.is_bound:
            chosen = parse_id(self.data.get(self.add_prefix("structure")))
            structure = candidates.filter(pk=chosen).first() if chosen else None
        self.chosen_structure = structure
        if structure is not None:
            self.fields["structure"].initial = structure.pk
            people = services.people_of(structure).order_by("full_name")
            pair = services.pair_of(structure)
            for field, kind in (("pilot", Role.Kind.PILOT), ("copilot", Role.Kind.COPILOT)):
                self.fields[field].queryset = people
                if kind in pair:
                    self.fields[field].initial = pair[kind].pk

    def clean_individual_meetings(self):
        return self.cleaned_data.get("individual_meetings") or 0


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the structure withdraws"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the structure withdraws.")},
        help_text=_("Kept with the enrolment, for the facilitators and the structure."),
    )
