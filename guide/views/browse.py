from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


guide_list = guide_detail = guide_print = theme_detail = domain_detail = _todo
