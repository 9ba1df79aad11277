"""Placeholder: replaced by the real views."""

from django.http import Http404


def transfer(request, pk, **kwargs):
    raise Http404


def export(request, pk, **kwargs):
    raise Http404


def import_upload(request, pk, **kwargs):
    raise Http404


def import_preview(request, pk, **kwargs):
    raise Http404
