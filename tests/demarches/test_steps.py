"""Where a structure stands on the 12 steps: each step the data can tell about is done when the
data says so; the pilot pair ticks the others by hand, with the day they were done."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from demarches import services, steps
from demarches.models import Answer, Presentation, Step, StepMark
from members.models import Role
from reports import services as reports_services
from reports.models import Report
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    PresentationFactory,
    ThemeChoiceFactory,
)
from tests.members.factories import RoleFactory
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def text(response) -> str:
    return html.unescape(response.content.decode())


def done(cycle) -> set[int]:
    return {state.number for state in steps.overview(cycle) if state.is_done}


@pytest.fixture
def cycle(
    national_guide,
):
    return CycleFactory(guide=national_guide)


def select(cycle, *codes, **fields):
    return [
        AnswerFactory(cycle=cycle, item=cycle.guide.items.get(code=code), **fields)
        for code in codes
    ]


# --- Steps derived from the data --------------------------------------------------------------


def test_an_empty_cycle_has_no_step_done_and_stands_at_step_1(cycle):
    states = steps.overview(cycle)
    assert done(cycle) == set()
    assert steps.current_step(states).step == Step.PILOT


def test_step_1_needs_a_pilot_and_a_plan_of_the_year(cycle):
    MilestoneFactory(cycle=cycle)
    assert Step.PILOT not in done(cycle)
    RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure)
    assert Step.PILOT in done(cycle)


def test_step_2_is_done_once_a_theme_is_retained(cycle):
    ThemeChoiceFactory(
        cycle=cycle,
        theme=cycle.guide.themes.get(code="4"),
        is_retained=False,
        reason="Traité par l'accord d'entreprise.",
    )
    assert Step.THEMES not in done(cycle)
    ThemeChoiceFactory(cycle=cycle, theme=cycle.guide.themes.get(code="1"))
    assert Step.THEMES in done(cycle)


def test_steps_3_and_4_need_items_of_both_kinds(cycle):
    select(cycle, "1.3.1")  # a question
    assert {Step.SELECTION, Step.BALANCE} & done(cycle) == {Step.SELECTION}
    select(cycle, "1.3.2")  # an indicator
    assert {Step.SELECTION, Step.BALANCE} <= done(cycle)


def test_steps_5_to_7_are_done_when_every_item_is(cycle):
    question, indicator = select(cycle, "1.3.1", "1.3.2")
    question.situation = "Pas de données consolidées"
    question.assessment = Answer.Assessment.TO_IMPROVE
    question.objective_1y = "Dresser l'état des lieux"
    question.save()
    assert {Step.ASSESSMENT, Step.PRACTICES, Step.OBJECTIVES} & done(cycle) == set()

    indicator.value = 40
    indicator.assessment = Answer.Assessment.GOOD_PRACTICE
    indicator.target_1y = 50
    indicator.save()
    assert {Step.ASSESSMENT, Step.PRACTICES, Step.OBJECTIVES} <= done(cycle)


def test_an_item_not_treated_counts_as_assessed_with_its_reason(cycle):
    select(
        cycle,
        "1.3.5",
        assessment=Answer.Assessment.NOT_TREATED,
        not_treated_reason="Nos administrateurs ont été choisis pour leur expertise.",
    )
    assert {Step.ASSESSMENT, Step.PRACTICES, Step.OBJECTIVES} <= done(cycle)


def test_step_8_is_done_once_the_action_plan_has_an_action(cycle):
    assert Step.ACTION_PLAN not in done(cycle)
    ActionFactory(cycle=cycle)
    assert Step.ACTION_PLAN in done(cycle)


def test_step_9_is_done_once_the_table_is_exported(cycle):
    services.record_export(cycle)
    cycle.refresh_from_db()
    assert Step.TABLE in done(cycle)


@pytest.mark.parametrize(
    ("kind", "step"),
    [(Presentation.Kind.STAFF_MEETING, Step.STAFF), (Presentation.Kind.AG, Step.AG)],
)
def test_steps_10_and_11_are_done_once_the_presentation_is_held(cycle, kind, step):
    PresentationFactory(cycle=cycle, kind=kind, held_on=datetime.date(2027, 5, 2))
    state = steps.overview(cycle)[step - 1]
    assert (state.is_done, state.done_on) == (True, datetime.date(2027, 5, 2))


def test_step_12_is_done_once_a_synthesis_is_frozen_for_publication(cycle):
    PresentationFactory(cycle=cycle, kind=Presentation.Kind.AG)
    ReportFactory(
        cycle=cycle,
        kind=Report.Kind.FULL,
        status=Report.Status.READY,
        number=1,
        frozen_for=datetime.date(2027, 6, 12),
        frozen_at=timezone.now(),
    )
    synthesis = ReportFactory(
        cycle=cycle, kind=Report.Kind.SYNTHESIS, status=Report.Status.READY, number=1
    )
    assert Step.SYNTHESIS not in done(cycle)  # a full report or an unfrozen synthesis: not yet
    with time_machine.travel(datetime.datetime(2027, 6, 20, 10, tzinfo=PARIS)):
        reports_services.freeze(synthesis, for_date=datetime.date(2027, 6, 12), by=None)
    state = steps.overview(cycle)[Step.SYNTHESIS - 1]
    assert (state.is_derived, state.done_on) == (True, datetime.date(2027, 6, 20))
    assert steps.overviews([cycle])[cycle.pk][Step.SYNTHESIS - 1] == state


def test_step_12_can_still_be_ticked_by_hand(cycle):
    assert Step.SYNTHESIS not in done(cycle)
    services.mark_step(cycle, Step.SYNTHESIS, by=None, on=datetime.date(2027, 6, 20))
    assert Step.SYNTHESIS in done(cycle)


def test_the_page_shows_how_far_a_step_went(client, cycle):
    answers = select(cycle, "1.3.1", "1.3.2", "1.3.3")
    answers[0].situation = "Pas de données consolidées"
    answers[0].save()
    client.force_login(RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=cycle.structure).person)
    content = text(client.get(cycle.get_absolute_url()))
    assert "3 items" in content
    assert "2 indicateurs, 1 questions" in content
    assert "1 / 3" in content


def test_the_page_shows_the_day_a_derived_step_was_done(client, cycle):
    PresentationFactory(
        cycle=cycle, kind=Presentation.Kind.STAFF_MEETING, held_on=datetime.date(2027, 3, 12)
    )
    client.force_login(RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=cycle.structure).person)
    assert "Fait le 12 mars 2027" in text(client.get(cycle.get_absolute_url()))


# --- Ticked by hand ---------------------------------------------------------------------------


@pytest.fixture
def pilot(cycle):
    return RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person


def mark_url(cycle, step):
    return reverse("demarches:mark_step", args=[cycle.pk, step])


def test_the_pilot_ticks_a_step_by_hand_with_its_date(client, cycle, pilot):
    client.force_login(pilot)
    response = client.post(mark_url(cycle, 12), {"done": "1", "done_on": "2025-03-12"}, follow=True)
    mark = StepMark.objects.get(cycle=cycle, step=12)
    assert (mark.done_on, mark.marked_by) == (datetime.date(2025, 3, 12), pilot)
    content = text(response)
    assert "Étape 12 cochée." in content
    assert "Fait le 12 mars 2025" in content
    assert "cochée à la main" in content


@time_machine.travel(datetime.datetime(2027, 4, 2, 10, tzinfo=PARIS))
def test_a_step_ticked_without_a_date_is_done_today(client, cycle, pilot):
    client.force_login(pilot)
    client.post(mark_url(cycle, 10), {"done": "1"})
    assert StepMark.objects.get(cycle=cycle, step=10).done_on == datetime.date(2027, 4, 2)


def test_ticking_again_changes_the_date(client, cycle, pilot):
    client.force_login(pilot)
    client.post(mark_url(cycle, 12), {"done": "1", "done_on": "2025-03-12"})
    client.post(mark_url(cycle, 12), {"done": "1", "done_on": "2025-03-15"})
    assert StepMark.objects.get(cycle=cycle, step=12).done_on == datetime.date(2025, 3, 15)


def test_the_pilot_unticks_a_step(client, cycle, pilot):
    services.mark_step(cycle, 12, by=pilot, on=datetime.date(2027, 3, 12))
    client.force_login(pilot)
    response = client.post(mark_url(cycle, 12), {"done": "0"}, follow=True)
    assert not StepMark.objects.exists()
    assert "Étape 12 décochée." in text(response)


def test_a_date_in_the_future_is_refused_in_french(client, cycle, pilot):
    client.force_login(pilot)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(mark_url(cycle, 12), {"done": "1", "done_on": tomorrow.isoformat()})
    assert response.status_code == 302
    assert not StepMark.objects.exists()
    content = text(client.get(response.url))
    assert "Cette date est dans le futur : cochez une étape une fois qu'elle est faite." in content


@pytest.mark.parametrize("data", [{}, {"done": "oui"}, {"done": "1", "done_on": "le 12 mars"}])
def test_bad_input_is_explained_in_french_and_changes_nothing(client, cycle, pilot, data):
    client.force_login(pilot)
    response = client.post(mark_url(cycle, 12), data)
    assert response.status_code == 302
    assert response.url == cycle.get_absolute_url()
    assert not StepMark.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and messages[0] in {
        "Dites si l'étape est faite ou non.",
        "Saisissez une date valide.",
    }


@pytest.mark.parametrize("step", [0, 13])
def test_a_step_outside_the_12_is_not_found(client, cycle, pilot, step):
    client.force_login(pilot)
    assert client.post(mark_url(cycle, step), {"done": "1"}).status_code == 404


def test_ticking_needs_a_post(client, cycle, pilot):
    client.force_login(pilot)
    assert client.get(mark_url(cycle, 12)).status_code == 405


@pytest.mark.parametrize("kind", [Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER])
def test_only_the_pilot_pair_ticks_steps(client, cycle, kind):
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    assert client.post(mark_url(cycle, 12), {"done": "1"}).status_code == 404
    assert not StepMark.objects.exists()


def test_the_pilot_pair_sees_a_tick_form_for_each_step(client, cycle, pilot):
    services.mark_step(cycle, 12, by=pilot)
    client.force_login(pilot)
    content = text(client.get(cycle.get_absolute_url()))
    assert content.count('name="done" value="1"') == 11
    assert content.count('name="done" value="0"') == 1
    assert '<label class="form-label small mb-0" for="done-on-3">Fait le</label>' in content
