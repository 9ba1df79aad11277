"""The démarche's own pages pass axe-core, and a step is ticked by hand with the keyboard's
controls as a pilot would."""

import datetime

import pytest
from django.urls import reverse

from demarches.models import StepMark
from members.models import Role
from tests.browser import assert_accessible, log_in
from tests.demarches.factories import (
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    ThemeChoiceFactory,
)
from tests.members.factories import RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demarche_pages_are_accessible(live_server, page):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    before = CycleFactory(structure=pilot.structure, year=2025)
    cycle = CycleFactory(structure=pilot.structure, year=2026, guide=before.guide, previous=before)
    theme = ThemeChoiceFactory(cycle=cycle).theme
    old = AnswerFactory(
        cycle=before, item__domain__theme=theme, item__indicator=True, value=40, target_1y=50
    )
    AnswerFactory(cycle=cycle, item=old.item, previous=old, value=45)
    MilestoneFactory(cycle=cycle, due_on=datetime.date(2026, 1, 15))
    log_in(page, live_server, pilot.person.email)
    for name in ("cycle", "cycle_edit", "next_year", "progress"):
        page.goto(f"{live_server.url}{reverse(f'demarches:{name}', args=[cycle.pk])}")
        assert_accessible(page)
    page.goto(f"{live_server.url}{cycle.get_absolute_url()}")
    step_12 = page.locator("li.step").nth(11)
    step_12.get_by_text("Cocher à la main").click()
    step_12.get_by_label("Fait le").fill("2026-01-10")
    step_12.get_by_role("button", name="Cocher · étape 12").click()
    assert page.get_by_text("Étape 12 cochée.").is_visible()
    assert StepMark.objects.get(cycle=cycle, step=12).done_on == datetime.date(2026, 1, 10)
    assert_accessible(page)
    other = RoleFactory(kind=Role.Kind.PILOT)
    page.goto(f"{live_server.url}{reverse('home')}")
    assert_accessible(page)
    page.context.clear_cookies()
    log_in(page, live_server, other.person.email)
    for url in (
        reverse("demarches:structure_home", args=[other.structure.pk]),
        reverse("demarches:start", args=[other.structure.pk]),
    ):
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
