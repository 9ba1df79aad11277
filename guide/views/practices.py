# The practice library: being written (see the guide issue).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


practice_list = practice_create = practice_detail = practice_edit = resource_download = _todo
