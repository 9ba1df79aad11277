"""Placeholder: replaced by the real views."""

from django.http import Http404


def themes(request, pk, **kwargs):
    raise Http404


def selection(request, pk, **kwargs):
    raise Http404


def own_item(request, pk, **kwargs):
    raise Http404
