"""Placeholder: replaced by the real views."""

from django.http import Http404


def plan(request, pk, **kwargs):
    raise Http404


def milestone_edit(request, pk, **kwargs):
    raise Http404


def milestone_delete(request, pk, **kwargs):
    raise Http404
