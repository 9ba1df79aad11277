"""Many cycles' steps at once (a network's report reads every member structure): the same
steps, dates and details as each cycle's own overview, in a fixed number of queries."""

import datetime

import pytest

from demarches import services, steps
from demarches.models import Answer, Presentation, Step
from members.models import Role
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    PresentationFactory,
    ThemeChoiceFactory,
)
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


def as_tuples(states):
    return [
        (s.number, s.is_done, s.is_derived, s.is_marked, s.done_on, s.detail, s.screen)
        for s in states
    ]


def cycles_at_every_stage(national_guide):
    """An empty cycle, and cycles that went further and further along the 12 steps."""
    empty = CycleFactory(guide=national_guide)
    started = CycleFactory(guide=national_guide)
    RoleFactory(kind=Role.Kind.PILOT, structure=started.structure)
    MilestoneFactory(cycle=started)
    ThemeChoiceFactory(cycle=started, theme=national_guide.themes.get(code="1"))
    ThemeChoiceFactory(
        cycle=started,
        theme=national_guide.themes.get(code="4"),
        is_retained=False,
        reason="Traité par l'accord d'entreprise.",
    )
    AnswerFactory(cycle=started, item=national_guide.items.get(code="1.3.1"))

    advanced = CycleFactory(guide=national_guide)
    RoleFactory(kind=Role.Kind.COPILOT, structure=advanced.structure)  # a co-pilot only
    MilestoneFactory(cycle=advanced)
    ThemeChoiceFactory(cycle=advanced, theme=national_guide.themes.get(code="2"))
    for code in ("1.3.1", "1.3.2"):
        AnswerFactory(
            cycle=advanced,
            item=national_guide.items.get(code=code),
            situation="Fait",
            value=12 if code == "1.3.2" else None,
            assessment=Answer.Assessment.GOOD_PRACTICE,
            objective_1y="Continuer",
        )
    ActionFactory(cycle=advanced)
    ActionFactory(cycle=advanced)
    PresentationFactory(cycle=advanced, held_on=datetime.date(2027, 4, 2))
    PresentationFactory(cycle=advanced, held_on=datetime.date(2027, 3, 2))
    PresentationFactory(
        cycle=advanced, kind=Presentation.Kind.AG, held_on=datetime.date(2027, 6, 12)
    )
    services.record_export(advanced)
    services.mark_step(advanced, Step.SYNTHESIS, by=None, on=datetime.date(2027, 6, 20))
    services.mark_step(empty, Step.STAFF, by=None, on=datetime.date(2027, 1, 5))
    return [empty, started, advanced]


def test_it_gives_each_cycle_the_steps_of_its_own_overview(national_guide):
    cycles = cycles_at_every_stage(national_guide)
    for cycle in cycles:
        cycle.refresh_from_db()
    batched = steps.overviews(cycles)
    assert set(batched) == {cycle.pk for cycle in cycles}
    for cycle in cycles:
        assert as_tuples(batched[cycle.pk]) == as_tuples(steps.overview(cycle))
    # Every step but the first, which needs a pilot (not a co-pilot only).
    assert [s.is_done for s in batched[cycles[2].pk]] == [False] + [True] * 11


def test_its_query_count_does_not_grow_with_the_number_of_cycles(
    national_guide, django_assert_num_queries
):
    few = cycles_at_every_stage(national_guide)
    with django_assert_num_queries(8):
        steps.overviews(few[:1])
    many = few + cycles_at_every_stage(national_guide) + cycles_at_every_stage(national_guide)
    with django_assert_num_queries(8):
        steps.overviews(many)


def test_no_cycle_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert steps.overviews([]) == {}
