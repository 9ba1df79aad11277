"""Le chemin parcouru: each item beside last year's value and objective, its progress (computed
for indicators, whichever way the target goes; said by hand for questions), per theme, and
for a structure in its third year the value of each indicator year after year."""

import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demarches import progression
from demarches.models import Answer
from guide.models import Item
from members.models import Membership, Role
from tests.demarches.factories import AnswerFactory, CycleFactory, ThemeChoiceFactory
from tests.guide.factories import GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def progress_url(cycle):
    return reverse("demarches:progress", args=[cycle.pk])


def years(*years, structure=None, guide=None):
    """Consecutive cycles of one structure, each continuing the one before."""
    structure = structure or StructureFactory()
    guide = guide or GuideFactory()
    cycles, previous = [], None
    for year in years:
        previous = CycleFactory(structure=structure, guide=guide, year=year, previous=previous)
        cycles.append(previous)
    return cycles


def follow(cycles, item, *rows):
    """The same item answered each year: rows of (value, target at 1 year) or, for a
    question, of (situation, objective at 1 year, progress set by hand)."""
    previous = None
    for cycle, row in zip(cycles, rows, strict=True):
        if item.is_indicator:
            value, target = row
            fields = {"value": value, "target_1y": target}
        else:
            situation, objective, progress = row
            fields = {"situation": situation, "objective_1y": objective, "progress": progress}
        previous = AnswerFactory(cycle=cycle, item=item, previous=previous, **fields)
    return previous


def indicator(guide, theme=None, unit=Item.Unit.PERCENT, **kwargs):
    domain_kwargs = {"domain__theme": theme} if theme else {"domain__theme__guide": guide}
    return ItemFactory(indicator=True, unit=unit, **domain_kwargs, **kwargs)


@pytest.mark.parametrize(
    ("now", "progress"),
    [(55, "reached"), (50, "reached"), (45, "partly"), (40, "not_reached"), (38, "not_reached")],
)
def test_a_rising_target_is_reached_partly_reached_or_not(now, progress):
    cycles = years(2025, 2026)
    answer = follow(cycles, indicator(cycles[0].guide), (40, 50), (now, None))
    assert answer.computed_progress == progress


@pytest.mark.parametrize(
    ("now", "progress"),
    [(Decimal("43.5"), "reached"), (46, "partly"), (48, "not_reached"), (49, "not_reached")],
)
def test_a_falling_target_such_as_tonnes_of_co2_counts_the_other_way(now, progress):
    cycles = years(2025, 2026)
    item = indicator(cycles[0].guide, unit=Item.Unit.TCO2E)
    answer = follow(cycles, item, (48, 44), (now, None))
    assert answer.computed_progress == progress


def test_an_indicator_without_last_years_target_or_this_years_value_is_not_assessed():
    cycles = years(2025, 2026)
    guide = cycles[0].guide
    without_target = follow(cycles, indicator(guide), (40, None), (45, None))
    without_value = follow(cycles, indicator(guide), (40, 50), (None, None))
    path = progression.path(cycles[1])
    assert {row.answer.pk: row.progress for row in path.rows} == {
        without_target.pk: progression.NOT_ASSESSED,
        without_value.pk: progression.NOT_ASSESSED,
    }


def test_the_progress_of_a_question_is_the_one_said_by_hand(client):
    cycles = years(2025, 2026)
    question = ItemFactory(
        domain__theme__guide=cycles[0].guide, text="Les usagers sont-ils associés ?"
    )
    follow(
        cycles,
        question,
        ("Deux usagers invités au CA", "Ouvrir un collège des usagers", ""),
        ("Un collège des usagers en projet", "", Answer.Progress.PARTLY),
    )
    client.force_login(
        RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=cycles[0].structure).person
    )
    content = text(client.get(progress_url(cycles[1])))
    assert "Les usagers sont-ils associés ?" in content
    assert "Deux usagers invités au CA" in content
    assert "Ouvrir un collège des usagers" in content
    assert "Un collège des usagers en projet" in content
    assert "Partiellement atteint" in content


def test_each_theme_counts_what_is_reached_partly_not_reached_and_not_assessed(client):
    cycles = years(2025, 2026)
    guide = cycles[0].guide
    theme = ThemeFactory(guide=guide, title="Gouvernance")
    ThemeChoiceFactory(cycle=cycles[1], theme=theme)
    follow(cycles, indicator(guide, theme), (40, 50), (52, None))
    follow(cycles, indicator(guide, theme), (40, 50), (45, None))
    follow(cycles, indicator(guide, theme), (40, 50), (30, None))
    follow(cycles, indicator(guide, theme), (40, None), (30, None))
    theme_path = progression.path(cycles[1]).themes[0]
    assert (theme_path.reached, theme_path.partly, theme_path.not_reached) == (1, 1, 1)
    assert theme_path.not_assessed == 1

    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=cycles[0].structure).person)
    content = text(client.get(progress_url(cycles[1])))
    assert "Gouvernance" in content
    for count in ["1 atteint", "1 partiellement atteint", "1 non atteint", "1 non évalué"]:
        assert count in content
    assert "Objectif à 1 an fixé en 2025" in content


def test_themes_come_in_order_of_priority_and_a_theme_left_aside_is_not_shown(client):
    cycles = years(2025, 2026)
    guide = cycles[0].guide
    first, second, aside = (ThemeFactory(guide=guide, title=t) for t in ("Eau", "Air", "Feu"))
    ThemeChoiceFactory(cycle=cycles[1], theme=second, priority=2)
    ThemeChoiceFactory(cycle=cycles[1], theme=first, priority=1)
    ThemeChoiceFactory(cycle=cycles[1], theme=aside, is_retained=False, reason="Plus tard.")
    for theme in (second, first, aside):
        follow(cycles, indicator(guide, theme), (40, 50), (52, None))
    path = progression.path(cycles[1])
    assert [theme_path.theme for theme_path in path.themes] == [first, second]


def test_an_item_new_this_year_has_no_path_yet():
    cycles = years(2025, 2026)
    AnswerFactory(cycle=cycles[1], item__domain__theme__guide=cycles[0].guide)
    assert progression.path(cycles[1]).themes == []


def test_over_three_years_each_indicator_shows_its_value_year_after_year(client):
    cycles = years(2024, 2025, 2026)
    guide = cycles[0].guide
    item = indicator(guide, text="Taux de participation à l'AG")
    follow(cycles, item, (10, 25), (20, 35), (40, 50))
    late = indicator(guide, text="Heures de bénévolat", unit=Item.Unit.HOURS)
    follow(cycles[1:], late, (2300, 2600), (Decimal("2650.5"), None))

    path = progression.path(cycles[2])
    assert path.years == [2024, 2025, 2026]
    assert {row.answer.item.text: row.series for row in path.rows} == {
        "Taux de participation à l'AG": [(2024, 10), (2025, 20), (2026, 40)],
        "Heures de bénévolat": [(2024, None), (2025, 2300), (2026, Decimal("2650.5"))],
    }

    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=cycles[0].structure).person)
    content = text(client.get(progress_url(cycles[2])))
    assert "Les indicateurs année après année" in content
    assert '<th scope="col" class="text-end">2024</th>' in content
    assert "2\xa0650,50" in content  # French digit grouping


def test_over_two_years_there_is_no_series_to_show(client):
    cycles = years(2025, 2026)
    follow(cycles, indicator(cycles[0].guide), (10, 25), (20, None))
    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=cycles[0].structure).person)
    assert "année après année" not in text(client.get(progress_url(cycles[1])))


def test_a_first_year_says_the_path_starts_next_year(client):
    cycle = CycleFactory(year=2026)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person)
    response = client.get(progress_url(cycle))
    assert response.status_code == 200
    assert "La démarche 2026 est la première de la structure" in text(response)


@pytest.mark.parametrize(
    ("sharing", "status"),
    [
        (Membership.Sharing.NOTHING, 404),
        (Membership.Sharing.SUMMARY, 404),
        (Membership.Sharing.FULL, 200),
    ],
)
def test_a_facilitator_sees_the_path_only_when_the_structure_shares_everything(
    client, sharing, status
):
    cycles = years(2025, 2026)
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(network=facilitator.network, structure=cycles[0].structure, sharing=sharing)
    client.force_login(facilitator.person)
    assert client.get(progress_url(cycles[1])).status_code == status


def test_a_facilitator_of_another_network_gets_404(client):
    cycles = years(2025, 2026)
    MembershipFactory(structure=cycles[0].structure, sharing=Membership.Sharing.FULL)
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(progress_url(cycles[1])).status_code == 404


def test_the_page_runs_the_same_queries_for_5_or_60_items_over_three_years(client):
    counts = []
    for items in (5, 60):
        cycles = years(2024, 2025, 2026)
        guide = cycles[0].guide
        theme = ThemeFactory(guide=guide)
        ThemeChoiceFactory(cycle=cycles[2], theme=theme)
        for n in range(items):
            if n % 3:
                follow(cycles, indicator(guide, theme), (10, 20), (15, 25), (30, None))
            else:
                question = ItemFactory(domain__theme=theme)
                follow(
                    cycles,
                    question,
                    ("Avant", "Mieux", ""),
                    ("Un peu", "Bien", ""),
                    ("Bien", "", Answer.Progress.REACHED),
                )
        client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=cycles[0].structure).person)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(progress_url(cycles[2]))
        assert response.status_code == 200
        assert text(response).count("Atteint") == items
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
