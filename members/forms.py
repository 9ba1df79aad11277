from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members import tasks


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
