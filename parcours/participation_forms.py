"""Forms of the participant's side: a resource, feedback after a session, a testimonial."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from parcours.models import Feedback, Parcours, Resource, Session
from progress.lib import uploads
from progress.lib.forms import LinkOrFileMixin

# --- A resource ------------------------------------------------------------------------------


def session_label(session: Session) -> str:
    return _("Session %(number)s · %(title)s · %(date)s") % {
        "number": session.number,
        "title": session.title,
        "date": date_format(localtime(session.starts_at), "j F Y"),
    }


class ResourceForm(LinkOrFileMixin, forms.ModelForm):
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("The address of a web page, such as https://…"),
    )

    class Meta:
        model = Resource
        fields = ["title", "session", "url", "file"]
        widgets = {"file": forms.FileInput}  # no link to the stored file: it is not public
        labels = {"session": _("For the session")}

    def __init__(self, *args, parcours: Parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.parcours = parcours
        session = self.fields["session"]
        session.queryset = parcours.sessions.all()
        session.label_from_instance = session_label
        session.empty_label = _("The whole parcours")
        session.required = False
        file = self.fields["file"]
        file.widget.attrs["accept"] = uploads.ACCEPT
        file.help_text = uploads.rules_text()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            uploads.validate_upload(upload)
        return upload


# --- Feedback --------------------------------------------------------------------------------

RATINGS = [
    (1, _("1 – not useful")),
    (2, _("2 – a little useful")),
    (3, _("3 – fairly useful")),
    (4, _("4 – useful")),
    (5, _("5 – very useful")),
]


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was this session to you?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )

    class Meta:
        model = Feedback
        fields = ["rating", "useful", "to_improve", "next_step"]
        labels = {
            "useful": _("What was useful to you?"),
            "to_improve": _("What should be improved?"),
            "next_step": _("What will you do before the next session?"),
        }
        widgets = {
            "useful": forms.Textarea(attrs={"rows": 3}),
            "to_improve": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 3}),
        }


# --- A testimonial ---------------------------------------------------------------------------


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label=_("Your testimonial"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        error_messages={"required": _("Write your testimonial.")},
        help_text=_("What the parcours brought you and your structure, in your own words."),
    )
    consent = forms.BooleanField(required=False, initial=False)

    def __init__(self, *args, parcours: Parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I agree that this testimonial be published by %(network)s (website, activity report)"
        ) % {"network": parcours.network}
        self.fields["consent"].help_text = _(
            "Without this, only the facilitators read it. You may withdraw your consent later."
        )
