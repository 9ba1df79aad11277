from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


guide_create = guide_edit = guide_publish = new_edition = theme_create = theme_edit = _todo
domain_create = domain_edit = item_create = item_edit = node_archive = node_delete = _todo
