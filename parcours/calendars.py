"""iCalendar data for the sessions: the .ics of one session and a person's private feed.

`session_event` and `calendar` are pure (no request, no query beyond the session's
prefetched places); `feed_sessions` is the one query that decides what a feed holds."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from icalendar.enums import STATUS

from parcours.models import Session

PRODID = "-//Progress//FR"
PARIS = ZoneInfo("Europe/Paris")


def event_uid(session: Session) -> str:
    """Stable across edits, so that a moved session updates the event instead of adding one;
    the domain makes it globally unique."""
    domain = getattr(settings, "SITE_DOMAIN", "") or "progress.local"
    return f"session-{session.pk}@{domain}"


def _location(session: Session) -> str:
    places = [
        f"{place.name} ({place.address})" if place.address else place.name
        for place in session.places.all()
    ]
    return " · ".join(places) or session.place or session.online_url


def _summary(session: Session) -> str:
    parts = [session.parcours.title, session.title]
    if session.is_individual:
        # A facilitator's calendar holds the meetings of every structure: say whose it is.
        parts.append(session.structure.name)
    summary = " · ".join(parts)
    if session.is_cancelled:
        # Some calendar apps show a cancelled event like any other: say it in words too.
        return _("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def _description(session: Session, url: str) -> str:
    lines = []
    if session.is_cancelled:
        lines += [_("This session is cancelled."), ""]
    if session.agenda:
        lines += [session.agenda.strip(), ""]
    if session.online_url and _location(session) != session.online_url:
        lines.append(_("Online link: %(url)s") % {"url": session.online_url})
    lines.append(_("The session on Progress: %(url)s") % {"url": url})
    return "\n".join(lines)


def session_event(session: Session, *, url: str) -> icalendar.Event:
    """One VEVENT for a session; `url` is the absolute address of its page."""
    return icalendar.Event.new(
        uid=event_uid(session),
        summary=_summary(session),
        start=session.starts_at.astimezone(PARIS),
        end=session.ends_at.astimezone(PARIS),
        location=_location(session) or None,
        description=_description(session, url),
        url=url,
        sequence=session.sequence,
        status=STATUS.CANCELLED if session.is_cancelled else STATUS.CONFIRMED,
        last_modified=session.updated_at.astimezone(datetime.UTC),
    )


def calendar(
    events: Iterable[icalendar.Event], *, name: str, refresh: datetime.timedelta | None = None
) -> bytes:
    """A VCALENDAR of the events, with the VTIMEZONE their times refer to; `refresh` tells
    subscribed calendar apps how often to fetch it again."""
    events = list(events)
    cal = icalendar.Calendar.new(prodid=PRODID, method="PUBLISH", name=name, subcomponents=events)
    # Calendar.new gives the calendar a random UID: it would change on every download.
    del cal["UID"]
    if refresh:
        cal.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", refresh)  # Outlook's older spelling of the same wish
    if events:
        # The VTIMEZONE covers the whole years of the events: a few lines long rather than
        # the library's 1970–2038, and with the summer-time rules a calendar app may copy.
        cal.add_missing_timezones(
            first_date=datetime.date(min(event.start for event in events).year, 1, 1),
            last_date=datetime.date(max(event.end for event in events).year + 1, 1, 1),
        )
    return cal.to_ical()


def feed_sessions(person) -> QuerySet[Session]:
    return (
        Session.objects.in_feed_of(person)
        .select_related("parcours", "structure")
        .prefetch_related("places")
    )
