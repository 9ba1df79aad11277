from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from guide.models import Domain, Guide, Item, Theme
from members.models import Network
from progress.lib import xlsx


class ItemFilterForm(forms.Form):
    """The search box and filters over a guide's questions and indicators."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Questions and indicators")), *Item.Kind.choices],
    )

    def __init__(self, *args, themes=(), with_theme=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_theme:
            self.fields["theme"].choices = [("", _("All themes"))] + [
                (theme.code, f"{theme.code}. {theme.label}") for theme in themes
            ]
        else:
            del self.fields["theme"]

    @property
    def is_filtering(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return any(self.cleaned_data.values())

    def filter(self, items):
        if not self.is_bound:
            return items
        self.is_valid()  # a bad value drops its own filter, not the others
        data = self.cleaned_data
        if data.get("q"):
            items = items.search(data["q"])
        if data.get("theme"):
            items = items.filter(domain__theme__code=data["theme"])
        if data.get("kind"):
            items = items.filter(kind=data["kind"])
        return items


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["title", "edition", "description", "network"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.managed_by(user)
        self.fields["network"].required = not user.is_staff
        self.fields["network"].empty_label = (
            _("None: the national guide") if user.is_staff else None
        )
        if self.instance.pk:
            del self.fields["network"]  # a guide does not move from one network to another


class EditionForm(forms.Form):
    edition = forms.CharField(
        label=_("Name of the new edition"), max_length=40, help_text=_("For example 2027.")
    )

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.guide = guide

    def clean_edition(self):
        edition = self.cleaned_data["edition"].strip()
        editions = Guide.objects.filter(network=self.guide.network, title=self.guide.title)
        if editions.filter(edition=edition).exists():
            raise forms.ValidationError(_("This guide already has an edition with this name."))
        return edition


class NodeForm(forms.ModelForm):
    """Themes, domains and items: codes are unique within their guide."""

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.guide = guide
        self.instance.guide = guide

    def clean_code(self):
        code = self.cleaned_data["code"]
        model = self._meta.model
        if model.objects.filter(guide=self.guide, code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This code is already used in this guide: choose another one.")
            )
        return code


class ThemeForm(NodeForm):
    class Meta:
        model = Theme
        fields = ["code", "title", "short_title", "stakes", "position"]


class DomainForm(NodeForm):
    class Meta:
        model = Domain
        fields = ["theme", "code", "title", "position"]

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, guide=guide, **kwargs)
        self.fields["theme"].queryset = guide.themes.current()


class ItemForm(NodeForm):
    class Meta:
        model = Item
        fields = ["domain", "code", "kind", "text", "unit", "help_text", "example", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, guide=guide, **kwargs)
        self.fields["domain"].queryset = guide.domains.current()
        self.fields["unit"].help_text = _("Required for an indicator, empty for a question.")

    def clean(self):
        data = super().clean()
        kind, unit = data.get("kind"), data.get("unit")
        if kind == Item.Kind.INDICATOR and not unit:
            self.add_error("unit", _("An indicator needs a unit: choose one."))
        if kind == Item.Kind.QUESTION and unit:
            self.add_error("unit", _("A question has no unit: leave this field empty."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    guide = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=Guide.objects.none(),
        required=False,
        empty_label=_("A new guide (fill in the three fields below)"),
        help_text=_(
            "An existing guide is updated: elements are matched by code, and those missing "
            "from the file are archived."
        ),
    )
    title = forms.CharField(
        label=_("Title of the new guide"),
        max_length=Guide._meta.get_field("title").max_length,
        required=False,
    )
    edition = forms.CharField(
        label=_("Edition of the new guide"),
        max_length=Guide._meta.get_field("edition").max_length,
        required=False,
        help_text=_("For example 2026."),
    )
    network = forms.ModelChoiceField(
        label=_("Network of the new guide"),
        queryset=Network.objects.none(),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["file"].help_text = _("An .xlsx workbook of %(limit)s at most.") % {
            "limit": filesizeformat(xlsx.MAX_UPLOAD_BYTES)
        }
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.fields["guide"].queryset = Guide.objects.editable_by(user).select_related("network")
        self.fields["guide"].label_from_instance = self.guide_label
        self.fields["network"].queryset = Network.objects.managed_by(user)
        self.fields["network"].empty_label = _("None: a national guide") if user.is_staff else None

    @staticmethod
    def guide_label(guide: Guide) -> str:
        return f"{guide} · {guide.network or _('National guide')}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            xlsx.open_workbook(upload).close()
        except xlsx.SpreadsheetError as error:
            raise ValidationError(str(error)) from error
        return upload

    def clean(self):
        data = super().clean()
        if data.get("guide") or "guide" in self.errors:
            return data
        for name in ["title", "edition"] + ([] if self.user.is_staff else ["network"]):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Needed to create a new guide."))
        if data.get("title") and data.get("edition") and "network" not in self.errors:
            guide = Guide(title=data["title"], edition=data["edition"], network=data["network"])
            try:
                guide.validate_constraints()
            except ValidationError as error:
                self.add_error("edition", error.messages)
        return data
