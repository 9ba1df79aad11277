"""Steps 2–4: deciding on each theme, narrowing the items shown, adding the structure's own
question or indicator."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from demarches import selection
from demarches.models import Cycle
from guide.forms import ItemFilterForm
from guide.models import Item, Theme

UNDECIDED, RETAINED, LEFT_ASIDE = "", "retained", "left_aside"


class ThemeChoiceForm(forms.Form):
    """One theme's decision: retained with a priority, left aside with a reason, or not
    decided yet (the structure decides theme by theme, at its pace)."""

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (UNDECIDED, _("Not decided yet")),
            (RETAINED, _("Retained")),
            (LEFT_ASIDE, _("Left aside")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("1 for the first theme to work on."),
    )
    reason = forms.CharField(
        label=_("Why it is left aside"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A few lines for the published synthesis."),
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        choice = theme.choice
        if choice is not None:
            kwargs.setdefault(
                "initial",
                {
                    "status": RETAINED if choice.is_retained else LEFT_ASIDE,
                    "priority": choice.priority if choice.is_retained else None,
                    "reason": choice.reason,
                },
            )
        super().__init__(*args, prefix=f"theme-{theme.pk}", **kwargs)
        self.theme = theme

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status != RETAINED and self.theme.selected_count:
            # Leaving it aside (or undecided) would hide answers that may already hold work:
            # the structure takes them out of the selection first, knowingly.
            self.add_error(
                "status",
                ngettext(
                    "%(count)s item of this theme is selected: take it out of the "
                    "selection first, then leave the theme aside.",
                    "%(count)s items of this theme are selected: take them out of the "
                    "selection first, then leave the theme aside.",
                    self.theme.selected_count,
                )
                % {"count": self.theme.selected_count},
            )
        reason = cleaned.get("reason", "").strip()
        if status == LEFT_ASIDE and not reason and "reason" not in self.errors:
            self.add_error(
                "reason",
                _(
                    "Say in a few words why this theme is left aside: the published "
                    "synthesis asks for it."
                ),
            )
        if status == RETAINED and cleaned.get("priority") is None and "priority" not in self.errors:
            self.add_error("priority", _("Give this retained theme a priority."))
        return cleaned

    def decision(self) -> selection.Decision:
        data = self.cleaned_data
        return selection.Decision(
            theme=self.theme,
            is_decided=data["status"] != UNDECIDED,
            is_retained=data["status"] == RETAINED,
            reason=data["reason"].strip(),
            priority=data["priority"] or 0,
        )


class ThemeChoicesForm:
    """Every current theme of the guide, decided on and saved at once."""

    def __init__(self, data=None, *, themes: list[Theme]):
        self.forms = [ThemeChoiceForm(data, theme=theme) for theme in themes]
        self.is_bound = data is not None

    def __iter__(self):
        return iter(self.forms)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])  # every row shows its errors

    def decisions(self) -> list[selection.Decision]:
        return [form.decision() for form in self.forms]

    @property
    def error_count(self) -> int:
        return sum(len(errors) for form in self.forms for errors in form.errors.values())


class SelectionFilterForm(ItemFilterForm):
    """The search box and the kind filter over the items offered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_theme=False, **kwargs)

    @property
    def values(self) -> dict:
        if not self.is_bound:
            return {"text": "", "kind": ""}
        self.is_valid()  # a bad value drops its own filter, not the others
        return {
            "text": self.cleaned_data.get("q", ""),
            "kind": self.cleaned_data.get("kind", ""),
        }


class OwnItemForm(forms.Form):
    domain = forms.ModelChoiceField(
        label=_("Action domain"), queryset=None, empty_label=_("Choose…")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Item.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Wording"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("", "—"), *Item.Unit.choices],
        required=False,
        help_text=_("For an indicator only."),
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = selection.retained_domains(cycle)
        self.fields["domain"].label_from_instance = self.domain_label

    @staticmethod
    def domain_label(domain) -> str:
        return f"{domain} ({domain.theme.code}. {domain.theme.label})"

    def clean(self):
        cleaned = super().clean()
        kind, unit = cleaned.get("kind"), cleaned.get("unit")
        if kind == Item.Kind.INDICATOR and not unit:
            self.add_error("unit", _("An indicator needs a unit."))
        if kind == Item.Kind.QUESTION and unit:
            self.add_error("unit", _("A question has no unit."))
        return cleaned
