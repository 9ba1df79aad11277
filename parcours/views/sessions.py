"""Placeholder: replaced by the real views."""

from django.http import Http404


def create(request, *args, **kwargs):
    raise Http404


def edit(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404
