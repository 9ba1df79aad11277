"""Placeholder: replaced by the real views."""

from django.http import Http404


def parcours_list(request, *args, **kwargs):
    raise Http404


def create(request, *args, **kwargs):
    raise Http404


def detail(request, *args, **kwargs):
    raise Http404


def edit(request, *args, **kwargs):
    raise Http404


def enrol(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404
