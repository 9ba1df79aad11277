"""Placeholder: replaced by the real views."""

from django.http import Http404


def presentations(request, pk, **kwargs):
    raise Http404


def edit(request, pk, **kwargs):
    raise Http404


def delete(request, pk, **kwargs):
    raise Http404
