"""E-mails from templates: templates/emails/<name>_subject.txt, _body.txt and _body.html."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send(name: str, context: dict, *, to: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = "".join(render_to_string(f"emails/{name}_subject.txt", context).splitlines())
        text = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(subject.strip(), text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
