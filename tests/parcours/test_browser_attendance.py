"""Attendance on a phone, in a browser: the facilitator taps once per person, the taps are
kept, and the matrix then shows the structure that is dropping out."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Role
from parcours.models import Attendance, Enrolment
from tests.browser import assert_accessible, log_in
from tests.members.factories import PASSWORD, RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NAMES = ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta", "Êta", "Thêta"]
DROPPING_OUT = "Thêta"


@pytest.fixture
def cohort():
    """A running parcours of 8 structures: two sessions held (Thêta missed the second), the
    third under way now."""
    facilitator = RoleFactory(facilitator=True)
    parcours = ParcoursFactory(network=facilitator.network, title="Impliquer les usagers")
    now = timezone.now()
    held = [
        SessionFactory(
            parcours=parcours,
            number=number,
            title=f"Session {number}",
            starts_at=now - datetime.timedelta(weeks=weeks),
            ends_at=now - datetime.timedelta(weeks=weeks, hours=-3),
        )
        for number, weeks in [(1, 8), (2, 4)]
    ]
    today = SessionFactory(
        parcours=parcours,
        number=3,
        title="Écouter les usagers",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
    )
    enrolments = []
    for name in NAMES:
        pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=name)
        copilot = RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
        enrolments.append(
            EnrolmentFactory(
                parcours=parcours,
                structure=pilot.structure,
                pilot=pilot.person,
                copilot=copilot.person,
            )
        )
    Enrolment.objects.filter(parcours=parcours).update(
        created_at=now - datetime.timedelta(weeks=12)
    )
    for session in held:
        for enrolment in enrolments:
            missed = enrolment.structure.name == DROPPING_OUT and session.number == 2
            for person in enrolment.people:
                Attendance.objects.create(
                    session=session, person=person, status="absent" if missed else "present"
                )
    return facilitator.person, parcours, today, enrolments


def test_a_facilitator_takes_attendance_on_a_phone_and_sees_who_drops_out(
    live_server, page, cohort
):
    facilitator, parcours, session, enrolments = cohort
    page.set_viewport_size(PHONE)
    log_in(page, live_server, facilitator.email)

    page.goto(f"{live_server.url}/sessions/{session.pk}/presences/")
    expect(page.locator("#attendance-count")).to_have_text("0 présent sur 16")
    assert_accessible(page)

    # One tap per person: everyone came, except Thêta's pair.
    for enrolment in enrolments:
        status = "Absent" if enrolment.structure.name == DROPPING_OUT else "Présent"
        for person in enrolment.people:
            button = page.locator(f"#attendance-{person.pk}").get_by_role(
                "button", name=status, exact=True
            )
            button.click()
            expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#attendance-count")).to_have_text("14 présents sur 16")
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Attendance.objects.filter(session=session, status="present").count() == 14
    assert Attendance.objects.filter(session=session, status="absent").count() == 2

    # Reloaded, every tap is still there.
    page.reload()
    expect(page.locator("#attendance-count")).to_have_text("14 présents sur 16")
    expect(page.locator('button[aria-pressed="true"]')).to_have_count(16)
    theta = next(e for e in enrolments if e.structure.name == DROPPING_OUT)
    expect(
        page.locator(f"#attendance-{theta.pilot.pk}").get_by_role("button", name="Absent")
    ).to_have_attribute("aria-pressed", "true")
    assert_accessible(page)

    # The QR code for the room's screen.
    page.get_by_role("link", name="QR code de pointage").click()
    expect(page.get_by_role("img", name="QR code de l'adresse de pointage")).to_be_visible()
    expect(page.get_by_text("14 présents sur 16")).to_be_visible()
    assert_accessible(page)

    # The matrix: Thêta missed the last two sessions.
    page.goto(f"{live_server.url}/parcours/{parcours.pk}/matrice/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=DROPPING_OUT))
    expect(row).to_contain_text("décroche")
    expect(page.get_by_text("1 structure décroche")).to_be_visible()
    alpha = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Alpha"))
    expect(alpha).not_to_contain_text("décroche")
    assert_accessible(page)


def test_a_pilot_checks_in_by_phone_and_the_facilitator_follows_up_the_absentees(
    live_server, page, cohort
):
    facilitator, parcours, session, enrolments = cohort
    pilot = enrolments[0].pilot
    page.set_viewport_size(PHONE)

    # The pilot scanned the QR code: asked to log in, then straight back to "Je suis là".
    page.goto(f"{live_server.url}/pointage/{session.checkin_token}/")
    page.get_by_label("Adresse e-mail").fill(pilot.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert_accessible(page)
    page.get_by_role("button", name="Je suis là").click()
    expect(page.get_by_text("Merci, vous êtes pointé·e présent·e.")).to_be_visible()
    assert Attendance.objects.get(session=session, person=pilot).checked_in_at is not None
    assert_accessible(page)

    # The second session is over: its absentees, with a ready-to-send message.
    page.context.clear_cookies()
    log_in(page, live_server, facilitator.email)
    second = parcours.sessions.get(number=2)
    page.goto(f"{live_server.url}/sessions/{second.pk}/absents/")
    theta = next(e for e in enrolments if e.structure.name == DROPPING_OUT)
    expect(page.get_by_role("link", name=f"Écrire à {theta.pilot.full_name}")).to_have_attribute(
        "href", re.compile(rf"^mailto:{re.escape(theta.pilot.email)}\?subject=")
    )
    message = page.get_by_label("Message", exact=True)
    expect(message).to_have_value(re.compile("Vous nous avez manqué à la session 2"))
    expect(page.get_by_role("button", name="Copier le message")).to_be_visible()
    message.fill("Bonjour, on vous attend à la session 3.")
    expect(page.get_by_role("link", name=f"Écrire à {theta.pilot.full_name}")).to_have_attribute(
        "href", re.compile("on%20vous%20attend")
    )
    assert_accessible(page)
