from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from members.models import User


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    kind = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["kind"].initial = kinds[0]


class AccountForm(auth_forms.BaseUserCreationForm):
    """The account of someone who accepts an invitation: the e-mail is the invitation's."""

    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": _("Full name")}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
