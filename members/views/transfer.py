# Member import and directory export: being written (see the members issue).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


directory_export = import_upload = import_preview = _todo
