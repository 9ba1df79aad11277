# Invitations by e-mail: being written (see the members issue).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


invite = resend = cancel = accept = _todo
