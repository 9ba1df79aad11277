"""Placeholder: replaced by the real views."""

from django.http import Http404


def assessment(request, pk, **kwargs):
    raise Http404


def answer(request, pk, **kwargs):
    raise Http404


def save(request, pk, **kwargs):
    raise Http404


def evidence_upload(request, pk, **kwargs):
    raise Http404


def history(request, pk, **kwargs):
    raise Http404


def restore(request, pk, **kwargs):
    raise Http404


def evidence(request, pk, **kwargs):
    raise Http404


def evidence_delete(request, pk, **kwargs):
    raise Http404
