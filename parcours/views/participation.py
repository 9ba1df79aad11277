"""Placeholder: replaced by the real views."""

from django.http import Http404


def mine(request, *args, **kwargs):
    raise Http404


def session(request, *args, **kwargs):
    raise Http404


def resources(request, *args, **kwargs):
    raise Http404


def resource(request, *args, **kwargs):
    raise Http404


def feedback(request, *args, **kwargs):
    raise Http404


def feedback_summary(request, *args, **kwargs):
    raise Http404


def testimonials(request, *args, **kwargs):
    raise Http404


def testimonial_publish(request, *args, **kwargs):
    raise Http404
