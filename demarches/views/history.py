"""Placeholder: replaced by the real views."""

from django.http import Http404


def answer_history(request, pk):
    raise Http404


def answer_restore(request, pk, history_pk):
    raise Http404


def action_history(request, pk):
    raise Http404


def action_restore(request, pk, history_pk):
    raise Http404
