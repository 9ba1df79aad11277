"""Step 1: the pilot pair and the plan of the year up to the AG."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from demarches.models import Milestone
from members.models import Membership, Role
from tests.demarches.factories import CycleFactory, MilestoneFactory
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db

# The factories' cycle: year 2026, AG on 12 June 2027.
TODAY = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def pilot():
    return RoleFactory(kind=Role.Kind.PILOT, person__full_name="Nadia Benali")


@pytest.fixture
def cycle(pilot):
    return CycleFactory(structure=pilot.structure)


def plan_url(cycle):
    return reverse("demarches:plan", args=[cycle.pk])


def test_the_plan_shows_the_pilot_pair_with_the_start_of_their_mandate(client, cycle, pilot):
    pilot.started_on = datetime.date(2025, 3, 3)
    pilot.save()
    RoleFactory(
        kind=Role.Kind.COPILOT,
        structure=cycle.structure,
        person__full_name="Tom Leroy",
        started_on=datetime.date(2026, 1, 5),
    )
    client.force_login(pilot.person)
    content = client.get(plan_url(cycle)).content.decode()
    assert "Nadia Benali" in content and "depuis le 3 mars 2025" in content
    assert "Tom Leroy" in content and "depuis le 5 janvier 2026" in content
    assert reverse("members:hand_over", args=[cycle.structure.pk]) in content


def test_it_proposes_a_default_plan_dated_backwards_from_the_ag(client, cycle, pilot):
    client.force_login(pilot.person)
    response = client.post(plan_url(cycle), {"propose": "1"})
    assert response.status_code == 302
    planned = list(cycle.milestones.values_list("kind", "due_on"))
    assert planned == [
        (Milestone.Kind.THEMES_CHOSEN, datetime.date(2027, 1, 23)),
        (Milestone.Kind.ASSESSMENT_DONE, datetime.date(2027, 3, 20)),
        (Milestone.Kind.OBJECTIVES_SET, datetime.date(2027, 4, 17)),
        (Milestone.Kind.STAFF_MEETING, datetime.date(2027, 5, 1)),
        (Milestone.Kind.BOARD_MEETING, datetime.date(2027, 5, 15)),
        (Milestone.Kind.AG, datetime.date(2027, 6, 12)),
    ]


def test_without_an_ag_date_the_default_plan_asks_for_it_first(client, pilot):
    cycle = CycleFactory(structure=pilot.structure, ag_on=None)
    client.force_login(pilot.person)
    response = client.post(plan_url(cycle), {"propose": "1"})
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not cycle.milestones.exists()

    client.post(plan_url(cycle), {"propose": "1", "ag_on": "2027-06-19"})
    cycle.refresh_from_db()
    assert cycle.ag_on == datetime.date(2027, 6, 19)
    assert cycle.milestones.get(kind=Milestone.Kind.AG).due_on == datetime.date(2027, 6, 19)


def test_the_default_plan_is_not_offered_once_there_are_milestones(client, cycle, pilot):
    MilestoneFactory(cycle=cycle)
    client.force_login(pilot.person)
    assert "Proposer un plan type" not in client.get(plan_url(cycle)).content.decode()
    response = client.post(plan_url(cycle), {"propose": "1"})
    assert "Cette démarche a déjà un plan" in response.content.decode()
    assert cycle.milestones.count() == 1


def test_the_pilot_adds_a_milestone_and_the_plan_lists_it_in_date_order(client, cycle, pilot):
    MilestoneFactory(cycle=cycle, kind=Milestone.Kind.AG, due_on=datetime.date(2027, 6, 12))
    client.force_login(pilot.person)
    response = client.post(
        plan_url(cycle),
        {"kind": "other", "title": "Séminaire des bénévoles", "due_on": "2027-02-06"},
    )
    assert response.status_code == 302
    content = client.get(plan_url(cycle)).content.decode()
    assert content.index("Séminaire des bénévoles") < content.index("Assemblée générale (AG)")


def test_another_kind_of_milestone_needs_a_title(client, cycle, pilot):
    client.force_login(pilot.person)
    response = client.post(plan_url(cycle), {"kind": "other", "due_on": "2027-02-06"})
    assert "Donnez un titre à ce jalon." in response.content.decode()
    assert not cycle.milestones.exists()


def test_the_pilot_marks_a_milestone_done(client, cycle, pilot):
    milestone = MilestoneFactory(cycle=cycle)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:milestone_edit", args=[milestone.pk]),
        {"kind": milestone.kind, "title": "", "due_on": "2026-12-15", "done_on": "2026-10-30"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 10, 30)


def test_a_done_date_in_the_future_is_refused_and_the_input_kept(client, cycle, pilot):
    milestone = MilestoneFactory(cycle=cycle)
    client.force_login(pilot.person)
    response = client.post(
        reverse("demarches:milestone_edit", args=[milestone.pk]),
        {
            "kind": "other",
            "title": "Réunion de lancement",
            "due_on": "2026-12-15",
            "done_on": "2026-12-01",
        },
    )
    content = response.content.decode()
    assert "Cette date est dans le futur" in content
    assert "Réunion de lancement" in content
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_milestone_after_the_ag_is_saved_with_a_gentle_warning(client, cycle, pilot):
    client.force_login(pilot.person)
    response = client.post(
        plan_url(cycle), {"kind": "staff_meeting", "due_on": "2027-09-01"}, follow=True
    )
    assert cycle.milestones.filter(due_on=datetime.date(2027, 9, 1)).exists()
    assert "Il est prévu après l&#x27;AG du 12 juin 2027" in response.content.decode()


def test_the_pilot_deletes_a_milestone(client, cycle, pilot):
    milestone = MilestoneFactory(cycle=cycle)
    client.force_login(pilot.person)
    response = client.post(reverse("demarches:milestone_delete", args=[milestone.pk]))
    assert response.status_code == 302
    assert response.url == plan_url(cycle)
    assert not cycle.milestones.exists()


def test_a_milestone_past_its_date_and_not_done_is_flagged_late(client, cycle, pilot):
    MilestoneFactory(cycle=cycle, title="Thèmes à choisir", due_on=datetime.date(2026, 10, 1))
    MilestoneFactory(
        cycle=cycle,
        title="Thèmes faits",
        due_on=datetime.date(2026, 10, 1),
        done_on=datetime.date(2026, 10, 1),
    )
    MilestoneFactory(cycle=cycle, title="Plus tard", due_on=datetime.date(2027, 1, 10))
    client.force_login(pilot.person)
    content = client.get(plan_url(cycle)).content.decode()
    assert content.count("en retard") == 1
    assert content.index("en retard") < content.index("Thèmes faits")


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_read_the_plan_without_forms(client, cycle, kind):
    MilestoneFactory(cycle=cycle, title="Bureau de printemps")
    reader = RoleFactory(kind=kind, structure=cycle.structure).person
    client.force_login(reader)
    content = client.get(plan_url(cycle)).content.decode()
    assert "Bureau de printemps" in content
    assert "Ajouter un jalon" not in content and "Passer le relais" not in content


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_cannot_change_the_plan(client, cycle, kind):
    milestone = MilestoneFactory(cycle=cycle)
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    assert client.post(plan_url(cycle), {"propose": "1"}).status_code == 404
    assert (
        client.post(reverse("demarches:milestone_delete", args=[milestone.pk])).status_code == 404
    )
    assert cycle.milestones.count() == 1


@pytest.mark.parametrize("name", ["plan", "themes", "selection", "presentations"])
def test_a_facilitator_reads_the_screens_when_the_structure_shares_everything(client, cycle, name):
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(
        network=facilitator.network, structure=cycle.structure, sharing=Membership.Sharing.FULL
    )
    client.force_login(facilitator.person)
    response = client.get(reverse(f"demarches:{name}", args=[cycle.pk]))
    assert response.status_code == 200
    assert client.post(reverse(f"demarches:{name}", args=[cycle.pk])).status_code == 404


@pytest.mark.parametrize("name", ["plan", "themes", "selection", "presentations"])
def test_a_facilitator_gets_404_when_the_structure_shares_a_summary(client, cycle, name):
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(
        network=facilitator.network,
        structure=cycle.structure,
        sharing=Membership.Sharing.SUMMARY,
    )
    client.force_login(facilitator.person)
    assert client.get(reverse(f"demarches:{name}", args=[cycle.pk])).status_code == 404
