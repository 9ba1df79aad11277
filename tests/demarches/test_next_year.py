"""Starting next year from this one: the selection, the themes, the structure's own items, the
3-year objectives and the plan of the year carry over; each answer points to last year's."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from demarches.models import Answer, Cycle, Milestone
from guide import services as guide_services
from guide.models import Guide
from members.models import Membership, Role
from tests.demarches.factories import (
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    ThemeChoiceFactory,
)
from tests.guide.factories import ItemFactory
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def next_year_url(cycle):
    return reverse("demarches:next_year", args=[cycle.pk])


@pytest.fixture
def cycle():
    """A 2026 démarche with two retained themes, one left aside, a question, an indicator
    with its objectives, one of the structure's own questions, and a plan of the year."""
    cycle = CycleFactory(year=2026, ag_on=datetime.date(2027, 6, 12))
    kept, other = ThemeChoiceFactory(cycle=cycle), ThemeChoiceFactory(cycle=cycle, priority=2)
    ThemeChoiceFactory(cycle=cycle, is_retained=False, reason="Traité par l'accord d'entreprise.")
    AnswerFactory(
        cycle=cycle,
        item__domain__theme=kept.theme,
        situation="Pas de données consolidées",
        objective_1y="Dresser l'état des lieux",
        objective_3y="Avoir atteint l'objectif fixé en année 1",
    )
    AnswerFactory(
        cycle=cycle,
        item__domain__theme=other.theme,
        item__indicator=True,
        value=Decimal(40),
        target_1y=Decimal(50),
        target_3y=Decimal(70),
    )
    AnswerFactory(cycle=cycle, own=True, domain__theme=kept.theme)
    MilestoneFactory(
        cycle=cycle, due_on=datetime.date(2026, 12, 15), done_on=datetime.date(2026, 12, 10)
    )
    MilestoneFactory(cycle=cycle, kind=Milestone.Kind.AG, due_on=datetime.date(2027, 6, 12))
    return cycle


@pytest.fixture
def pilot(cycle):
    return RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person


def test_the_confirmation_says_what_carries_over(client, cycle, pilot):
    client.force_login(pilot)
    content = text(client.get(next_year_url(cycle)))
    assert "La démarche 2027 part de 2026." in content
    assert "2 thèmes retenus, 1 laissé de côté avec sa raison" in content
    assert "3 questions et indicateurs sélectionnés (dont 1 propre à la structure)" in content
    assert "2 objectifs à 3 ans, toujours en cours" in content
    assert "Thèmes choisis, le 15 décembre 2027" in content
    assert "l'AG prévue le 12 juin 2028" in content
    assert not Cycle.objects.filter(year=2027).exists()


def test_next_year_takes_over_the_selection_and_the_3_year_objectives(client, cycle, pilot):
    client.force_login(pilot)
    response = client.post(next_year_url(cycle), follow=True)
    new = Cycle.objects.get(structure=cycle.structure, year=2027)
    assert response.redirect_chain[-1][0] == new.get_absolute_url()
    assert "Démarche 2027 lancée à partir de 2026." in text(response)
    assert (new.previous, new.guide, new.created_by) == (cycle, cycle.guide, pilot)

    def choices(of):
        return sorted(
            (c.theme_id, c.is_retained, c.reason, c.priority) for c in of.theme_choices.all()
        )

    assert choices(new) == choices(cycle)
    for answer in new.answers.select_related("previous"):
        before = answer.previous
        assert before.cycle == cycle
        assert (answer.item_id, answer.domain_id) == (before.item_id, before.domain_id)
        assert (answer.own_kind, answer.own_text) == (before.own_kind, before.own_text)
        assert (answer.objective_3y, answer.target_3y) == (before.objective_3y, before.target_3y)
    assert new.answers.count() == 3


def test_this_years_etat_des_lieux_starts_empty_beside_last_years(client, cycle, pilot):
    client.force_login(pilot)
    client.post(next_year_url(cycle))
    answer = Answer.objects.get(cycle__year=2027, previous__value=40)
    assert (answer.value, answer.target_1y, answer.situation, answer.objective_1y) == (
        None,
        None,
        "",
        "",
    )
    assert answer.previous.target_1y == 50


def test_the_plan_of_the_year_moves_one_year_on(client, cycle, pilot):
    client.force_login(pilot)
    client.post(next_year_url(cycle))
    new = Cycle.objects.get(year=2027)
    assert [(m.kind, m.due_on, m.done_on) for m in new.milestones.all()] == [
        (Milestone.Kind.THEMES_CHOSEN, datetime.date(2027, 12, 15), None),
        (Milestone.Kind.AG, datetime.date(2028, 6, 12), None),
    ]
    assert new.ag_on == datetime.date(2028, 6, 12)


def test_a_next_year_that_exists_is_opened_instead_of_started_twice(client, cycle, pilot):
    existing = CycleFactory(structure=cycle.structure, year=2027)
    client.force_login(pilot)
    for response in (client.get(next_year_url(cycle)), client.post(next_year_url(cycle))):
        assert response.url == existing.get_absolute_url()
    assert Cycle.objects.filter(structure=cycle.structure).count() == 2
    content = text(client.get(existing.get_absolute_url()))
    assert "La démarche 2027 a déjà commencé." in content


def test_next_year_works_with_the_newest_published_edition_of_the_guide(client, cycle, pilot):
    edition = guide_services.derive_edition(cycle.guide, edition="2027", by=None)
    guide_services.publish(edition)
    guide_services.derive_edition(edition, edition="2028", by=None)  # a draft: not used yet
    client.force_login(pilot)
    assert "Guide thématique" in text(client.get(next_year_url(cycle)))
    client.post(next_year_url(cycle))
    new = Cycle.objects.get(year=2027)
    assert new.guide == edition
    for answer in new.answers.select_related("item", "domain", "previous__item"):
        assert answer.domain.guide == edition
        if answer.item:
            assert answer.item.guide == edition
            assert answer.item.previous == answer.previous.item
    assert {c.theme.guide for c in new.theme_choices.select_related("theme__guide")} == {edition}


def test_the_national_guide_moves_on_to_its_2017_edition(
    client,
    national_guide,
):
    cycle = CycleFactory(guide=national_guide, year=2026)
    AnswerFactory(cycle=cycle, item=national_guide.items.get(code="1.3.2"), value=20)
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person
    client.force_login(pilot)
    client.post(next_year_url(cycle))
    new = Cycle.objects.get(year=2027)
    assert new.guide == Guide.objects.national().get(edition="2017")
    answer = new.answers.select_related("item__previous").get()
    assert (answer.item.code, answer.item.previous, answer.previous.value) == (
        "1.3.2",
        national_guide.items.get(code="1.3.2"),
        20,
    )


def test_an_item_the_new_edition_dropped_is_not_carried_over(client, cycle, pilot):
    edition = guide_services.derive_edition(cycle.guide, edition="2027", by=None)
    guide_services.publish(edition)
    ItemFactory(domain=edition.domains.first())  # new in this edition: not selected
    gone = Answer.objects.get(cycle=cycle, item__kind="indicator").item
    edition.items.filter(previous=gone).delete()
    client.force_login(pilot)
    client.post(next_year_url(cycle))
    assert Cycle.objects.get(year=2027).answers.count() == 2


@pytest.mark.parametrize("kind", [Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER])
def test_only_the_pilot_pair_starts_next_year(client, cycle, kind):
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    assert client.get(next_year_url(cycle)).status_code == 404
    assert client.post(next_year_url(cycle)).status_code == 404
    assert not Cycle.objects.filter(year=2027).exists()


def test_a_facilitator_shown_everything_cannot_start_next_year(client, cycle):
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(
        network=facilitator.network, structure=cycle.structure, sharing=Membership.Sharing.FULL
    )
    client.force_login(facilitator.person)
    assert client.post(next_year_url(cycle)).status_code == 404
