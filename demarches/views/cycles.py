"""Placeholder: replaced by the real views."""

from django.http import Http404


def structure_home(request, pk, **kwargs):
    raise Http404


def start(request, pk, **kwargs):
    raise Http404


def cycle(request, pk, **kwargs):
    raise Http404


def edit(request, pk, **kwargs):
    raise Http404


def mark_step(request, pk, **kwargs):
    raise Http404


def next_year(request, pk, **kwargs):
    raise Http404


def progress(request, pk, **kwargs):
    raise Http404
