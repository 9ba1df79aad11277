"""Forms of the action plan (step 8): the list's filters, and an action with its check step."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from demarches.models import Action, Cycle
from guide.models import Theme
from members.models import Role, User
from progress.lib import uploads
from progress.lib.forms import DateInput, NumberField


def structure_people(cycle: Cycle, *, also: Q | None = None):
    """The people who may carry an action: those with an active role in the structure, and
    `also` (such as the current owner, whose mandate may have ended since)."""
    working = Role.objects.active().filter(structure_id=cycle.structure_id).values("person")
    return User.objects.filter(Q(pk__in=working) | (also or Q()))


# --- The list's filters ----------------------------------------------------------------------

NO_OWNER = "none"


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Action.Status.choices],
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    is_quick_win = forms.BooleanField(label=_("Petits pas only"), required=False)
    is_overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("My actions"), required=False)

    def __init__(self, *args, cycle: Cycle, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        owners = structure_people(cycle, also=Q(pk__in=cycle.actions.values("owner")))
        self.fields["owner"].choices = [
            ("", _("Everyone")),
            (NO_OWNER, _("No owner")),
            *((str(person.pk), str(person)) for person in owners.order_by("full_name")),
        ]
        themes = Theme.objects.filter(pk__in=cycle.answers.values("domain__theme"))
        self.fields["theme"].choices = [
            ("", _("All themes")),
            *((str(theme.pk), str(theme)) for theme in themes.order_by("position", "code")),
        ]

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filter(self, actions):
        if not self.is_bound:
            return actions
        self.is_valid()  # a bad value drops its own filter, not the others
        data = self.cleaned_data
        if data.get("status"):
            actions = actions.filter(status=data["status"])
        if data.get("owner") == NO_OWNER:
            actions = actions.filter(owner=None, owner_name="")
        elif data.get("owner"):
            actions = actions.filter(owner_id=data["owner"])
        if data.get("theme"):
            linked = Action.answers.through.objects.filter(answer__domain__theme_id=data["theme"])
            actions = actions.filter(pk__in=linked.values("action_id"))
        if data.get("is_quick_win"):
            actions = actions.filter(is_quick_win=True)
        if data.get("is_overdue"):
            actions = actions.overdue()
        if data.get("mine"):
            actions = actions.owned_by(self.user)
        return actions


# --- An action -------------------------------------------------------------------------------


# The fields a contributor who carries the action may not change: who carries it, and what it
# is for. The pilot pair decides those.
LEAD_FIELDS = ("answers", "owner", "owner_name")
CHECK_FIELDS = ("done_on", "is_effective", "check_note", "check_file", "checked_on")


class ActionForm(forms.ModelForm):
    budget = NumberField(
        label=_("Budget (€)"),
        required=False,
        localize=True,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("In euros, such as 1 200,50."),
    )
    # The version the edit started from: a save from an older one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Sent by the "save my version anyway" button of the conflict screen: the version the
    # person has now seen.
    overwrite = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "answers",
            "owner",
            "owner_name",
            "budget",
            "starts_on",
            "due_on",
            "status",
            "is_quick_win",
            *CHECK_FIELDS,
        ]
        labels = {
            "answers": _("Linked questions and indicators"),
            "is_quick_win": _("Petit pas: a quick win, easy to reach soon"),
            "is_effective": _("Effectiveness checked: the action had the expected effect"),
        }
        help_texts = {"is_quick_win": ""}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "answers": forms.CheckboxSelectMultiple,
            "starts_on": DateInput(),
            "due_on": DateInput(),
            "done_on": DateInput(),
            "checked_on": DateInput(),
            "check_note": forms.Textarea(attrs={"rows": 3}),
            "check_file": forms.FileInput,  # no link to the stored file: it is not public
        }

    def __init__(self, *args, cycle: Cycle, can_lead: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.can_lead = can_lead
        if self.instance.pk is None:
            del self.fields["version"], self.fields["overwrite"]
        else:
            self.initial.setdefault("version", self.instance.version)
        if can_lead:
            self._set_answers()
            owner = self.fields["owner"]
            current = Q(pk=self.instance.owner_id) if self.instance.owner_id else Q()
            owner.queryset = structure_people(cycle, also=current).order_by("full_name")
            owner.empty_label = _("None (or give a name)")
        else:
            for name in LEAD_FIELDS:
                del self.fields[name]
        check_file = self.fields["check_file"]
        check_file.widget.attrs["accept"] = uploads.ACCEPT
        check_file.help_text = uploads.rules_text()
        if self.instance.check_file:
            check_file.help_text = _(
                "Current file: %(name)s. Choose another one to replace it. %(rules)s"
            ) % {
                "name": PurePath(self.instance.check_file.name).name,
                "rules": check_file.help_text,
            }

    def _set_answers(self):
        """The cycle's items only, grouped by theme in the guide's order."""
        field = self.fields["answers"]
        answers = self.cycle.answers.select_related("item", "domain__theme").in_guide_order()
        field.queryset = answers
        groups = {}
        for answer in answers:
            groups.setdefault(answer.domain.theme, []).append((answer.pk, str(answer)))
        self.answer_groups = [(str(theme), options) for theme, options in groups.items()]
        field.choices = self.answer_groups

    def grouped_answer_widgets(self):
        """The checkboxes of the linked items, theme by theme, to render each group under its
        own heading."""
        widgets = iter(self["answers"].subwidgets)
        return [
            (label, [next(widgets) for _option in options]) for label, options in self.answer_groups
        ]

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("A budget cannot be negative."))
        return budget

    def clean_check_file(self):
        upload = self.cleaned_data.get("check_file")
        if isinstance(upload, UploadedFile):
            uploads.validate_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("owner") and data.get("owner_name", "").strip():
            self.add_error(
                "owner_name",
                _("Choose a person of the structure or type a name, not both."),
            )
        starts_on, due_on = data.get("starts_on"), data.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("The due date cannot come before the start."))
        is_done = data.get("status") == Action.Status.DONE
        if is_done and not data.get("done_on") and "done_on" not in self.errors:
            data["done_on"] = timezone.localdate()
        done_on, checked_on = data.get("done_on"), data.get("checked_on")
        if done_on and checked_on and checked_on < done_on:
            self.add_error("checked_on", _("The check cannot come before the action was done."))
        return data

    # --- What the view saves -------------------------------------------------------------

    def changes(self) -> dict:
        """The action's fields as typed; the stored check file stays unless a new one came."""
        changes = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.fields and name != "answers"
        }
        if not isinstance(changes.get("check_file"), UploadedFile):
            changes.pop("check_file", None)
        return changes

    @property
    def linked_answers(self):
        """The linked items to save, or None when this person may not change them."""
        return self.cleaned_data["answers"] if "answers" in self.fields else None

    @property
    def posted_version(self) -> int:
        overwrite = self.cleaned_data.get("overwrite")
        return overwrite if overwrite is not None else self.cleaned_data["version"]

    def differences(self, current: Action) -> list["Difference"]:
        """What this person typed and what was saved meanwhile, field by field, for the
        conflict screen."""
        saved = {name: getattr(current, name) for name in self.changes()}
        typed = self.changes()
        if self.linked_answers is not None:
            saved["answers"] = list(current.answers.select_related("item", "domain"))
            typed["answers"] = list(self.linked_answers)
        differences = []
        for name, mine in typed.items():
            theirs = saved[name]
            if _comparable(mine) != _comparable(theirs):
                differences.append(
                    Difference(self.fields[name].label, _shown(name, mine), _shown(name, theirs))
                )
        return differences


@dataclass
class Difference:
    label: str
    mine: str
    theirs: str


def _comparable(value):
    if isinstance(value, list):
        return sorted(answer.pk for answer in value)
    if isinstance(value, UploadedFile):
        return object()  # a new file always differs
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, str):
        return value.strip()
    return value


def _shown(name: str, value) -> str:
    if name == "status":
        return str(Action.Status(value).label)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{formats.number_format(value, 2, force_grouping=True)}\N{NO-BREAK SPACE}€"
    if isinstance(value, list):
        return ", ".join(answer.code for answer in value)
    if isinstance(value, FieldFile | UploadedFile):
        return PurePath(value.name).name if value.name else "—"
    return str(value)
