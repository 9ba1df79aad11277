"""Placeholder: replaced by the real views."""

from django.http import Http404


def take(request, *args, **kwargs):
    raise Http404


def checkin_qr(request, *args, **kwargs):
    raise Http404


def checkin(request, *args, **kwargs):
    raise Http404


def apologies(request, *args, **kwargs):
    raise Http404


def absentees(request, *args, **kwargs):
    raise Http404


def matrix(request, *args, **kwargs):
    raise Http404


def meeting_note(request, *args, **kwargs):
    raise Http404
