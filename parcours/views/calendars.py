"""Calendars: the .ics of one session, and a person's private feed that calendar apps
subscribe to with a secret URL."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from members.rules import works_in_structure
from parcours import access, calendars
from parcours.models import CalendarFeed, new_token

# Calendar apps fetch a feed every few minutes to every few hours: ask them for hourly.
FEED_REFRESH = datetime.timedelta(hours=1)


def _ics_response(content: bytes, headers: dict) -> HttpResponse:
    return HttpResponse(content, content_type="text/calendar; charset=utf-8", headers=headers)


def _event(request, session):
    return calendars.session_event(
        session, url=request.build_absolute_uri(session.get_absolute_url())
    )


@login_required
@require_safe
def session_ics(request, pk):
    session = access.session(request, pk)
    # An individual meeting concerns one structure: its people and the facilitators only.
    if session.is_individual and not (
        request.user.has_perm("parcours.manage_parcours", session.parcours)
        or works_in_structure(request.user, session.structure)
    ):
        raise Http404
    content = calendars.calendar([_event(request, session)], name=session.parcours.title)
    filename = f"session-{session.number}-{slugify(session.parcours.title)[:60]}.ics"
    return _ics_response(
        content, {"Content-Disposition": content_disposition_header(True, filename)}
    )


def _feed_urls(request, feed: CalendarFeed) -> dict:
    url = request.build_absolute_uri(reverse("parcours:feed", args=[feed.token]))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            CalendarFeed.objects.get_or_create(person=request.user)
            messages.success(
                request, _("Your calendar link is ready: add it to your calendar app.")
            )
        elif action == "renew":
            # A new token is the revocation: the old URL answers 404 from now on.
            CalendarFeed.objects.update_or_create(
                person=request.user, defaults={"token": new_token()}
            )
            messages.success(
                request,
                _(
                    "Here is a new link; the old one no longer works. "
                    "Subscribe to the new one in your calendar app."
                ),
            )
        elif action == "delete":
            CalendarFeed.objects.filter(person=request.user).delete()
            messages.success(request, _("Your calendar link is deleted: it no longer works."))
        return redirect("parcours:feed_settings")
    feed = CalendarFeed.objects.filter(person=request.user).first()
    context = {"feed": feed, **(_feed_urls(request, feed) if feed else {})}
    return render(request, "parcours/feed_settings.html", context)


@require_safe
def feed(request, token):
    # No login: calendar apps cannot log in. The secret token is the key.
    found = get_object_or_404(
        CalendarFeed.objects.select_related("person"), token=token, person__is_active=True
    )
    events = [_event(request, session) for session in calendars.feed_sessions(found.person)]
    content = calendars.calendar(events, name=_("Progress · my sessions"), refresh=FEED_REFRESH)
    # Personal data behind a secret URL: no shared cache may keep it.
    return _ics_response(content, {"Cache-Control": "private, max-age=300"})
