"""A pilot's side of a parcours in a browser: "Mes parcours" with the next session, feedback on
the last session held, the thank-you, and the next session's .ics; axe-core on every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from members.models import Role
from parcours.models import Feedback, Resource
from tests.browser import assert_accessible, log_in
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(days: int, hour: int) -> datetime.datetime:
    # The live server runs on the real clock: sessions are placed around today.
    today = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour)))


def visit(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page)


def test_a_pilot_gives_feedback_and_adds_the_next_session_to_their_calendar(
    live_server, page, tmp_path
):
    facilitator = RoleFactory(facilitator=True, network__name="Cress Hauts-de-France")
    parcours = ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")
    pilot = RoleFactory(kind=Role.Kind.PILOT, person__full_name="Aïcha Benali")
    EnrolmentFactory(parcours=parcours, structure=pilot.structure, pilot=pilot.person)
    held = SessionFactory(
        parcours=parcours,
        number=2,
        title="Écouter les usagers",
        starts_at=at(-2, 9),
        ends_at=at(-2, 12),
    )
    coming = SessionFactory(
        parcours=parcours,
        number=3,
        title="Passer à l'action",
        starts_at=at(5, 9),
        ends_at=at(5, 12),
        place="Maison des associations, Arras",
        agenda="Tour de table, puis plan d'action en binômes.",
    )
    Resource.objects.create(
        parcours=parcours, session=held, title="Grille d'écoute", url="https://example.org/g"
    )
    log_in(page, live_server, pilot.person.email)

    # Mes parcours: the next session first, and the feedback to give.
    visit(page, live_server, reverse("parcours:mine"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes parcours")
    next_session = page.locator(".next-session")
    expect(next_session).to_contain_text("Passer à l'action")
    expect(next_session).to_contain_text("Maison des associations, Arras")
    expect(next_session.get_by_role("link", name="Ajouter à mon agenda")).to_be_visible()
    page.get_by_role("link", name="Donner mon avis sur « Écouter les usagers »").click()

    # The form: a rating is required; what was typed stays on screen.
    expect(page.get_by_role("heading", name="Mon avis sur cette session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Qu'est-ce qui vous a été utile ?").fill("Les exemples des autres.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez une note de 1 à 5.")
    expect(page.get_by_label("Qu'est-ce qui vous a été utile ?")).to_have_value(
        "Les exemples des autres."
    )
    assert_accessible(page)
    rating = page.get_by_role("group", name="Cette session vous a-t-elle été utile ?")
    rating.get_by_label("4 – utile").check()
    page.get_by_label("Que faudrait-il améliorer ?").fill("Plus de temps pour échanger.")
    page.get_by_role("button", name="Envoyer mon avis").click()

    # Back on the session, thanked.
    expect(page.get_by_text("Merci pour votre avis !")).to_be_visible()
    expect(page.get_by_text("Avis donné, merci !")).to_be_visible()
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert (feedback.session, feedback.person, feedback.rating) == (held, pilot.person, 4)
    assert feedback.useful == "Les exemples des autres."

    # Nothing left to give; the next session goes into the calendar.
    visit(page, live_server, reverse("parcours:mine"))
    expect(page.get_by_text("Avis à donner")).to_have_count(0)
    with page.expect_download() as download:
        page.locator(".next-session").get_by_role("link", name="Ajouter à mon agenda").click()
    path = tmp_path / "session.ics"
    download.value.save_as(path)
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [event["SUMMARY"] for event in events] == ["Impliquer les usagers · Passer à l'action"]
    assert events[0].decoded("DTSTART") == coming.starts_at

    # The participant's other pages pass axe-core too.
    visit(page, live_server, coming.get_absolute_url())
    visit(page, live_server, reverse("parcours:resources", args=[parcours.pk]))
    visit(page, live_server, reverse("parcours:testimonials", args=[parcours.pk]))
    visit(page, live_server, reverse("parcours:feedback", args=[coming.pk]))


def test_the_facilitators_side_of_these_pages_is_accessible(live_server, page):
    facilitator = RoleFactory(facilitator=True)
    parcours = ParcoursFactory(network=facilitator.network)
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=pilot.structure, pilot=pilot.person)
    held = SessionFactory(parcours=parcours, starts_at=at(-2, 9), ends_at=at(-2, 12))
    Feedback.objects.create(session=held, person=pilot.person, rating=5, useful="Tout")
    parcours.testimonials.create(person=pilot.person, text="Je me sens nourrie.")
    log_in(page, live_server, facilitator.person.email)
    visit(page, live_server, held.get_absolute_url())
    visit(page, live_server, reverse("parcours:feedback_summary", args=[held.pk]) + "?all=1")
    visit(page, live_server, reverse("parcours:resources", args=[parcours.pk]))
    page.get_by_role("button", name="Ajouter la ressource").click()
    expect(page.get_by_role("alert")).to_contain_text("Indiquez un lien ou un fichier.")
    assert_accessible(page)
    visit(page, live_server, reverse("parcours:testimonials", args=[parcours.pk]))
