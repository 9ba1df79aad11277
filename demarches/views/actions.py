"""Placeholder: replaced by the real views."""

from django.http import Http404


def action_list(request, pk, **kwargs):
    raise Http404


def calendar(request, pk, **kwargs):
    raise Http404


def create(request, pk, **kwargs):
    raise Http404


def action(request, pk, **kwargs):
    raise Http404


def check_file(request, pk, **kwargs):
    raise Http404


def history(request, pk, **kwargs):
    raise Http404


def restore(request, pk, **kwargs):
    raise Http404
