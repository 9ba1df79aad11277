"""A structure's démarche year by year: starting a year, its home on the 12 steps, who sees
what of it, and where it shows on the home and structure pages."""

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demarches.models import Cycle, Milestone
from guide.models import Guide
from members.models import Membership, Role
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    ThemeChoiceFactory,
)
from tests.guide.factories import GuideFactory
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))


def text(response) -> str:
    """The page as a person reads it (apostrophes and all, unescaped)."""
    return html.unescape(response.content.decode())


def role(kind, structure=None, **kwargs):
    return RoleFactory(kind=kind, structure=structure or StructureFactory(), **kwargs).person


def facilitator_of(structure, sharing=Membership.Sharing.SUMMARY):
    network_role = RoleFactory(facilitator=True)
    MembershipFactory(network=network_role.network, structure=structure, sharing=sharing)
    return network_role.person


# --- The structure's démarche: its latest year, or how to start one ---------------------------


def test_the_structure_home_sends_to_the_latest_year(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    CycleFactory(structure=pilot.structure, year=2025)
    latest = CycleFactory(structure=pilot.structure, year=2026)
    client.force_login(pilot.person)
    response = client.get(reverse("demarches:structure_home", args=[pilot.structure.pk]))
    assert response.status_code == 302
    assert response.url == reverse("demarches:cycle", args=[latest.pk])


def test_the_pilot_of_a_structure_without_demarche_is_offered_to_start_one(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")
    client.force_login(pilot.person)
    response = client.get(reverse("demarches:structure_home", args=[pilot.structure.pk]))
    content = text(response)
    assert "Les Jardins du Val n'a pas encore de démarche." in content
    assert reverse("demarches:start", args=[pilot.structure.pk]) in content


def test_a_contributor_is_told_that_the_pilot_pair_starts_the_demarche(client):
    structure = StructureFactory()
    client.force_login(role(Role.Kind.CONTRIBUTOR, structure))
    content = client.get(reverse("demarches:structure_home", args=[structure.pk])).content
    assert "Le binôme de pilotage de la structure la lance." in content.decode()
    assert reverse("demarches:start", args=[structure.pk]) not in content.decode()


def test_a_facilitator_whose_structure_shares_nothing_is_told_so_and_sees_no_year(client):
    cycle = CycleFactory()
    client.force_login(facilitator_of(cycle.structure, sharing=Membership.Sharing.NOTHING))
    response = client.get(reverse("demarches:structure_home", args=[cycle.structure.pk]))
    assert response.status_code == 200
    assert "ne partage rien de sa démarche avec votre réseau" in response.content.decode()
    assert client.get(reverse("demarches:cycle", args=[cycle.pk])).status_code == 404


def test_a_facilitator_of_another_network_gets_404(client):
    cycle = CycleFactory()
    facilitator_of(cycle.structure, sharing=Membership.Sharing.FULL)
    client.force_login(RoleFactory(facilitator=True).person)
    assert (
        client.get(reverse("demarches:structure_home", args=[cycle.structure.pk])).status_code
        == 404
    )
    assert client.get(reverse("demarches:cycle", args=[cycle.pk])).status_code == 404


# --- Starting a year --------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=PARIS))
def test_the_start_form_proposes_this_year_and_the_newest_national_guide(
    client,
    national_guide,
):
    shipped = list(Guide.objects.national().order_by("-edition"))  # 2017, then 2016
    newer = Guide.objects.create(
        title=national_guide.title, edition="2030", status=Guide.Status.PUBLISHED
    )
    Guide.objects.create(title=national_guide.title, edition="2035")  # a draft: not offered
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    form = client.get(reverse("demarches:start", args=[pilot.structure.pk])).context["form"]
    assert form["year"].value() == 2026
    assert form["guide"].value() == newer.pk
    assert list(form.fields["guide"].queryset) == [newer, *shipped]


def test_the_start_form_proposes_the_year_after_the_latest(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    CycleFactory(structure=pilot.structure, year=2031, guide=national_guide)
    client.force_login(pilot.person)
    form = client.get(reverse("demarches:start", args=[pilot.structure.pk])).context["form"]
    assert form["year"].value() == 2032


def test_the_guides_of_the_structures_networks_are_offered_too(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    membership = MembershipFactory(structure=pilot.structure)
    own = GuideFactory(network=membership.network, title="Implication des usagers")
    GuideFactory(network=membership.network, status=Guide.Status.DRAFT)
    GuideFactory()  # another network's
    ended = MembershipFactory(structure=pilot.structure, status=Membership.Status.ENDED)
    GuideFactory(network=ended.network)
    client.force_login(pilot.person)
    form = client.get(reverse("demarches:start", args=[pilot.structure.pk])).context["form"]
    national = list(Guide.objects.national().order_by("-edition"))
    assert list(form.fields["guide"].queryset) == [*national, own]


def test_the_pilot_starts_a_year_with_the_national_guide(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:start", args=[pilot.structure.pk]),
        {"year": "2026", "guide": national_guide.pk, "ag_on": "2027-06-12"},
        follow=True,
    )
    cycle = Cycle.objects.get(structure=pilot.structure)
    assert (cycle.year, cycle.guide, cycle.ag_on) == (
        2026,
        national_guide,
        datetime.date(2027, 6, 12),
    )
    assert cycle.created_by == pilot.person
    assert response.redirect_chain[-1][0] == reverse("demarches:cycle", args=[cycle.pk])
    assert "Démarche 2026 lancée." in response.content.decode()


def test_a_year_that_already_has_a_demarche_is_refused_in_french(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    CycleFactory(structure=pilot.structure, year=2026, guide=national_guide)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:start", args=[pilot.structure.pk]),
        {"year": "2026", "guide": national_guide.pk},
    )
    assert response.status_code == 200
    assert "Cette structure a déjà une démarche pour cette année." in response.content.decode()
    assert Cycle.objects.filter(structure=pilot.structure).count() == 1


def test_an_ag_before_the_year_is_refused_and_the_form_keeps_what_was_typed(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:start", args=[pilot.structure.pk]),
        {"year": "2026", "guide": national_guide.pk, "ag_on": "2025-06-12"},
    )
    content = text(response)
    assert "L'AG ne peut pas précéder l'année de la démarche." in content
    assert 'value="2025-06-12"' in content
    assert not Cycle.objects.exists()


def test_a_guide_of_another_network_cannot_be_chosen(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:start", args=[pilot.structure.pk]),
        {"year": "2026", "guide": GuideFactory().pk},
    )
    assert response.status_code == 200
    assert not Cycle.objects.exists()


def test_a_year_starts_from_the_year_before_when_there_is_one(
    client,
    national_guide,
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    before = CycleFactory(structure=pilot.structure, year=2025, guide=national_guide)
    ThemeChoiceFactory(cycle=before, theme=national_guide.themes.get(code="1"))
    client.force_login(pilot.person)
    client.post(
        reverse("demarches:start", args=[pilot.structure.pk]),
        {"year": "2026", "guide": national_guide.pk},
    )
    cycle = Cycle.objects.get(structure=pilot.structure, year=2026)
    assert cycle.previous == before
    assert cycle.theme_choices.get().theme.code == "1"


@pytest.mark.parametrize("kind", [Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER])
def test_only_the_pilot_pair_starts_a_year(client, kind):
    structure = StructureFactory()
    client.force_login(role(kind, structure))
    assert client.get(reverse("demarches:start", args=[structure.pk])).status_code == 404


# --- The cycle home: where the structure stands -----------------------------------------------


def test_the_cycle_home_lists_the_12_steps_and_where_the_structure_stands(client):
    cycle = CycleFactory()
    client.force_login(role(Role.Kind.BOARD_MEMBER, cycle.structure))
    content = text(client.get(cycle.get_absolute_url()))
    assert content.count('<li class="step') == 12
    assert "Étape 1 sur 12 : Définir un pilote et un processus de travail jusqu'à l'AG" in content
    assert 'aria-current="step"' in content
    assert reverse("demarches:themes", args=[cycle.pk]) in content


@time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=PARIS))
def test_the_cycle_home_shows_the_pair_the_ag_and_late_milestones(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, person__full_name="Alice Martin")
    RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure, person__full_name="Bob Durand")
    cycle = CycleFactory(structure=pilot.structure, ag_on=datetime.date(2027, 3, 11))
    MilestoneFactory(
        cycle=cycle, kind=Milestone.Kind.THEMES_CHOSEN, due_on=datetime.date(2027, 2, 1)
    )
    MilestoneFactory(
        cycle=cycle, kind=Milestone.Kind.STAFF_MEETING, due_on=datetime.date(2027, 3, 5)
    )
    client.force_login(pilot.person)
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert "Alice Martin</strong>, pilote" in content
    assert "Bob Durand</strong>, copilote" in content
    assert "dans 10 jours" in content
    assert content.count("en retard") == 1
    assert "Prévu le 5 mars 2027" in content


def test_the_cycle_home_links_the_other_years_of_the_structure(client):
    cycle = CycleFactory(year=2026)
    other = CycleFactory(structure=cycle.structure, year=2025)
    client.force_login(role(Role.Kind.CONTRIBUTOR, cycle.structure))
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert f'href="{other.get_absolute_url()}">2025</a>' in content


def test_the_pilot_pair_is_offered_to_start_next_year_until_it_exists(client):
    cycle = CycleFactory(year=2026)
    pilot = role(Role.Kind.COPILOT, cycle.structure)
    client.force_login(pilot)
    next_year = reverse("demarches:next_year", args=[cycle.pk])
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert "Commencer l'année 2027" in content
    assert next_year in content
    assert reverse("demarches:cycle_edit", args=[cycle.pk]) in content
    CycleFactory(structure=cycle.structure, year=2027)
    assert next_year not in client.get(cycle.get_absolute_url()).content.decode()


def test_a_board_member_reads_the_steps_but_cannot_tick_or_edit(client):
    cycle = CycleFactory()
    client.force_login(role(Role.Kind.BOARD_MEMBER, cycle.structure))
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert reverse("demarches:mark_step", args=[cycle.pk, 1]) not in content
    assert reverse("demarches:cycle_edit", args=[cycle.pk]) not in content
    assert reverse("demarches:next_year", args=[cycle.pk]) not in content


def test_a_facilitator_shown_a_summary_sees_the_steps_but_no_screen_of_the_demarche(client):
    cycle = CycleFactory()
    client.force_login(facilitator_of(cycle.structure, sharing=Membership.Sharing.SUMMARY))
    response = client.get(cycle.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Étape 1 sur 12" in content
    assert reverse("demarches:themes", args=[cycle.pk]) not in content
    assert reverse("demarches:plan", args=[cycle.pk]) not in content
    for screen in ["plan", "themes", "progress"]:
        assert client.get(reverse(f"demarches:{screen}", args=[cycle.pk])).status_code == 404


def test_a_facilitator_shown_everything_follows_the_links_to_each_screen(client):
    cycle = CycleFactory()
    client.force_login(facilitator_of(cycle.structure, sharing=Membership.Sharing.FULL))
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert reverse("demarches:themes", args=[cycle.pk]) in content
    assert reverse("demarches:mark_step", args=[cycle.pk, 1]) not in content


def _cycle_with(answers: int, actions: int):
    cycle = CycleFactory()
    pilot = role(Role.Kind.PILOT, cycle.structure)
    RoleFactory(kind=Role.Kind.COPILOT, structure=cycle.structure)
    theme = ThemeChoiceFactory(cycle=cycle).theme
    for n in range(answers):
        AnswerFactory(
            cycle=cycle,
            item__domain__theme=theme,
            item__indicator=n % 2 == 0,
            situation="Un état des lieux" if n % 3 else "",
        )
    for _n in range(actions):
        ActionFactory(cycle=cycle)
    MilestoneFactory.create_batch(3, cycle=cycle)
    return cycle, pilot


def test_the_cycle_home_runs_the_same_queries_for_5_or_100_items(client):
    counts = []
    for answers in (5, 100):
        cycle, pilot = _cycle_with(answers, actions=40)
        client.force_login(pilot)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(cycle.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- Editing a year ---------------------------------------------------------------------------


def test_the_pilot_changes_the_ag_date_and_the_guide_while_nothing_is_selected(client):
    cycle = CycleFactory()
    other = GuideFactory(network=None, title="Guide national bis")
    client.force_login(role(Role.Kind.PILOT, cycle.structure))
    response = client.post(
        reverse("demarches:cycle_edit", args=[cycle.pk]),
        {"ag_on": "2027-06-20", "guide": other.pk},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.ag_on, cycle.guide) == (datetime.date(2027, 6, 20), other)


def test_the_guide_cannot_change_once_items_are_selected(client):
    answer = AnswerFactory()
    cycle = answer.cycle
    guide = cycle.guide
    other = GuideFactory(network=None, title="Guide national bis")
    client.force_login(role(Role.Kind.PILOT, cycle.structure))
    page = client.get(reverse("demarches:cycle_edit", args=[cycle.pk])).content.decode()
    assert "Le guide ne peut plus changer" in page
    client.post(
        reverse("demarches:cycle_edit", args=[cycle.pk]),
        {"ag_on": "2027-06-20", "guide": other.pk},
    )
    cycle.refresh_from_db()
    assert (cycle.ag_on, cycle.guide) == (datetime.date(2027, 6, 20), guide)


def test_a_contributor_cannot_edit_the_year(client):
    cycle = CycleFactory()
    client.force_login(role(Role.Kind.CONTRIBUTOR, cycle.structure))
    assert client.get(reverse("demarches:cycle_edit", args=[cycle.pk])).status_code == 404


# --- The home page and the structure page -----------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=PARIS))
def test_the_home_page_shows_where_my_demarche_stands(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    cycle = CycleFactory(structure=pilot.structure, year=2026)
    MilestoneFactory(
        cycle=cycle, kind=Milestone.Kind.STAFF_MEETING, due_on=datetime.date(2027, 1, 20)
    )
    MilestoneFactory(cycle=cycle, due_on=datetime.date(2026, 12, 15))
    client.force_login(pilot.person)
    content = text(client.get(reverse("home")))
    assert "Ma démarche" in content
    assert f"Démarche 2026 · {pilot.structure.name}" in content
    assert "Étape 2 sur 12 : Prioriser les thèmes de l'année" in content
    assert "Prochain jalon : Thèmes choisis, le 15 décembre 2026" in content
    assert cycle.get_absolute_url() in content


def test_the_home_page_says_when_my_structure_has_no_demarche_yet(client):
    pilot = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure__name="Atelier Bois")
    client.force_login(pilot.person)
    content = text(client.get(reverse("home")))
    assert "Ma démarche" in content
    assert "Atelier Bois n'a pas encore de démarche." in content


def test_a_facilitator_has_no_demarche_card_on_the_home_page(client):
    client.force_login(RoleFactory(facilitator=True).person)
    assert "Ma démarche" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("items", [2, 40])
def test_the_home_page_runs_the_same_queries_whatever_the_demarche_size(
    client, django_assert_num_queries, items
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    cycle = CycleFactory(structure=pilot.structure)
    AnswerFactory.create_batch(items, cycle=cycle)
    ActionFactory.create_batch(items, cycle=cycle)
    MilestoneFactory.create_batch(items, cycle=cycle)
    client.force_login(pilot.person)
    # savepoint, session, user, roles, pilot pairs, latest démarche of each structure, the 7
    # of the step overview, next milestone, release savepoint
    with django_assert_num_queries(17):
        client.get(reverse("home"))


def test_the_structure_page_links_to_its_latest_year(client):
    cycle = CycleFactory(year=2026)
    CycleFactory(structure=cycle.structure, year=2025)
    client.force_login(role(Role.Kind.BOARD_MEMBER, cycle.structure))
    content = client.get(cycle.structure.get_absolute_url()).content.decode()
    assert "Dernière année : 2026" in content
    assert reverse("demarches:structure_home", args=[cycle.structure.pk]) in content


def test_the_structure_page_shows_no_year_to_a_facilitator_it_shares_nothing_with(client):
    cycle = CycleFactory(year=2026)
    client.force_login(facilitator_of(cycle.structure, sharing=Membership.Sharing.NOTHING))
    content = text(client.get(cycle.structure.get_absolute_url()))
    assert "Dernière année" not in content
    assert "Aucune démarche à afficher pour l'instant." in content
