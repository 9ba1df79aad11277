from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import tasks
from members.models import Membership, Role, Structure, User
from members.validators import normalise_siret
from progress.lib.forms import DateInput


def lockout_username(request, credentials) -> str:
    """The e-mail that django-axes counts failures for, in the case it is stored in."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Incorrect e-mail address or password. Please try again."),
        "inactive": _("This account has been deactivated."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # The e-mail is built and sent by a worker, so the request never waits for SMTP.
        user_id, domain, protocol = context["user"].pk, context["domain"], context["protocol"]
        transaction.on_commit(
            lambda: tasks.send_password_reset.delay(user_id, domain=domain, protocol=protocol)
        )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        required=False,
        choices=[("", _("All legal forms")), *Structure.LegalForm.choices],
    )
    status = forms.ChoiceField(
        label=_("Adhésion"),
        required=False,
        choices=[("", _("All adhésions")), *Membership.Status.choices],
    )

    def __init__(self, *args, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", _("All départements"))] + [
            (d, d) for d in departements
        ]

    def filter(self, memberships):
        if not self.is_bound:
            return memberships
        self.is_valid()  # a bad value drops its own filter, not the others
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"]
            memberships = memberships.filter(
                Q(structure__name__icontains=q)
                | Q(structure__commune__icontains=q)
                | Q(structure__siret=normalise_siret(q))
            )
        if data.get("departement"):
            memberships = memberships.filter(structure__departement=data["departement"])
        if data.get("legal_form"):
            memberships = memberships.filter(structure__legal_form=data["legal_form"])
        if data.get("status"):
            memberships = memberships.filter(status=data["status"])
        return memberships


class StructureForm(forms.ModelForm):
    # Wider than the 14 digits stored: people paste SIRETs with spaces (see clean_siret).
    siret = forms.CharField(
        label=_("SIRET"), required=False, max_length=20, help_text=_("14 digits, optional.")
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Structure
        fields = [
            "name",
            "legal_form",
            "siret",
            "headcount",
            "sector",
            "address",
            "postcode",
            "commune",
            "departement",
            "region",
            "website",
        ]

    def clean_siret(self):
        return normalise_siret(self.cleaned_data["siret"])


class HandOverForm(forms.Form):
    kind = forms.ChoiceField(label=_("Seat"), choices=[(k.value, k.label) for k in Role.PAIR_KINDS])
    person = forms.ModelChoiceField(label=_("Handed over to"), queryset=User.objects.none())
    on = forms.DateField(
        label=_("From"),
        initial=timezone.localdate,
        widget=DateInput(),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        people = Role.objects.active().filter(structure=structure).values("person")
        self.fields["person"].queryset = User.objects.filter(pk__in=people, is_active=True)
        self.fields["person"].help_text = _(
            "Someone who already works with the structure. To hand over to a newcomer, "
            "invite them as pilot or co-pilot instead."
        )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(
                _("A hand-over is recorded on the day it happens, not in advance.")
            )
        return on


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email
