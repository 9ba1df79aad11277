"""Placeholder: replaced by the real views."""

from django.http import Http404


def session_ics(request, *args, **kwargs):
    raise Http404


def feed_settings(request, *args, **kwargs):
    raise Http404


def feed(request, *args, **kwargs):
    raise Http404
