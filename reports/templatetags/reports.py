from django import template
from django.utils import formats
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext as _

register = template.Library()

KB = 1024
MB = 1024 * KB


@register.filter
def file_size(size: int | None) -> str:
    """A PDF's size as people read it: "850 Ko", "1,2 Mo" (Django's filter says "Mio")."""
    if size is None:
        return ""
    if size < MB:
        text = _("%(size)s kB") % {"size": formats.number_format(max(1, round(size / KB)))}
    else:
        text = _("%(size)s MB") % {"size": formats.number_format(round(size / MB, 1), 1)}
    return avoid_wrapping(text)  # the number and its unit stay on one line
