"""Forms of the practice library: the list's filters, a practice, and its resources."""

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guide import practices
from guide.models import Domain, Guide, Practice, PracticeResource, Theme
from members.models import Membership
from progress.lib import uploads
from progress.lib.forms import LinkOrFileMixin

# --- The list's filters ----------------------------------------------------------------------


def national_theme_choices() -> list[tuple[str, str]]:
    """One choice per theme code of the published national guide(s), worded as in the newest
    edition: the editions share their codes, and a filter on "3" means theme 3 in any of them."""
    national = Theme.objects.filter(guide__in=Guide.objects.national().published())
    themes = {}
    for theme in national.order_by("-guide__edition"):
        themes.setdefault(theme.code, theme)
    ordered = sorted(themes.values(), key=lambda theme: (theme.position, theme.code))
    return [(theme.code, f"{theme.code}. {theme.label}") for theme in ordered]


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme of the national guide"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Tested or to be tested")), *Practice.Status.choices],
    )
    mine = forms.BooleanField(label=_("Only my network's practices"), required=False)

    def __init__(self, *args, facilitated_networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes")), *national_theme_choices()]
        self.facilitated_networks = facilitated_networks
        if not facilitated_networks:
            del self.fields["mine"]

    @property
    def is_filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def filter(self, practices_qs):
        if not self.is_valid():
            return practices_qs
        data = self.cleaned_data
        if data["q"]:
            practices_qs = practices_qs.filter(
                Q(title__icontains=data["q"]) | Q(description__icontains=data["q"])
            )
        if data["theme"]:
            themes = Theme.objects.filter(
                guide__in=Guide.objects.national().published(), code=data["theme"]
            )
            # A practice linked to one of the theme's domains belongs to the theme too.
            linked = Practice.objects.filter(Q(themes__in=themes) | Q(domains__theme__in=themes))
            practices_qs = practices_qs.filter(pk__in=linked.values("pk"))
        if data["status"]:
            practices_qs = practices_qs.filter(status=data["status"])
        if data.get("mine"):
            practices_qs = practices_qs.filter(network__in=self.facilitated_networks)
        return practices_qs


# --- A practice ------------------------------------------------------------------------------


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "title",
            "description",
            "status",
            "network",
            "structure",
            "visibility",
            "themes",
            "domains",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "status": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "themes": forms.CheckboxSelectMultiple,
            "domains": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        networks = list(practices.curated_networks(user))
        network = self.fields["network"]
        network.queryset = practices.curated_networks(user)
        network.empty_label = None
        if len(networks) == 1:
            network.widget = forms.HiddenInput()
            if self.instance.pk is None:
                self.initial["network"] = networks[0].pk
        self._set_structures(networks)
        guides = practices.linkable_guides(networks)
        self._set_nodes("themes", Theme, guides, ["position", "code"])
        self._set_nodes("domains", Domain, guides, ["theme__position", "position", "code"])

    def _set_structures(self, networks):
        field = self.fields["structure"]
        memberships = (
            Membership.objects.filter(network__in=networks)
            .select_related("network", "structure")
            .order_by("network__name", "structure__name")
        )
        field.queryset = field.queryset.filter(memberships__network__in=networks).distinct()
        by_network = {}
        for membership in memberships:
            by_network.setdefault(membership.network, []).append(
                (membership.structure.pk, membership.structure.name)
            )
        if len(networks) == 1:
            choices = next(iter(by_network.values()), [])
        else:
            choices = [(network.name, options) for network, options in by_network.items()]
        field.choices = [("", _("None: the network contributes it")), *choices]

    def _set_nodes(self, name, model, guides, ordering):
        """Checkboxes grouped by guide; archived elements, and those of older editions, are
        offered only if already linked."""
        field = self.fields[name]
        linked = Q(pk__in=getattr(self.instance, name).values("pk")) if self.instance.pk else Q()
        nodes = (
            model.objects.filter(Q(guide__in=guides, is_archived=False) | linked)
            .select_related("guide__network")
            .order_by(
                F("guide__network__name").asc(nulls_first=True),
                "guide__title",
                "guide__edition",
                *ordering,
            )
        )
        field.queryset = nodes
        groups = {}
        for node in nodes:
            groups.setdefault(node.guide, []).append((node.pk, str(node)))
        field.choices = [(_guide_label(guide), options) for guide, options in groups.items()]

    def clean(self):
        data = super().clean()
        network = data.get("network")
        if network is None:
            return data
        structure = data.get("structure")
        if structure and not structure.memberships.filter(network=network).exists():
            self.add_error("structure", _("This structure is not a member of the chosen network."))
        for name in ("themes", "domains"):
            if any(node.guide.network_id not in (None, network.pk) for node in data.get(name, [])):
                self.add_error(
                    name, _("Choose among the national guide and the chosen network's guides.")
                )
        return data


def _guide_label(guide: Guide) -> str:
    return str(guide) if guide.is_national else f"{guide} · {guide.network}"


# --- Its resources ---------------------------------------------------------------------------

# Read at validation time, so that a test can lower the limit here.
MAX_UPLOAD_SIZE = uploads.MAX_UPLOAD_SIZE


class ResourceForm(LinkOrFileMixin, forms.ModelForm):
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("The address of a web page, such as https://…"),
    )

    class Meta:
        model = PracticeResource
        fields = ["title", "url", "file"]
        widgets = {"file": forms.FileInput}  # no link to the stored file: it is not public

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file = self.fields["file"]
        file.widget.attrs["accept"] = uploads.ACCEPT
        file.help_text = uploads.rules_text(MAX_UPLOAD_SIZE)
        if self.instance.file:
            file.help_text = _(
                "Current file: %(name)s. Choose another one to replace it. %(rules)s"
            ) % {"name": PurePath(self.instance.file.name).name, "rules": file.help_text}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # not when no file, or the one already stored
            uploads.validate_upload(upload, max_size=MAX_UPLOAD_SIZE)
        return upload


ResourceFormSet = forms.inlineformset_factory(
    Practice,
    PracticeResource,
    form=ResourceForm,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
)
