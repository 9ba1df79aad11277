"""The history of an answer or an action: who changed what and when, and the restore of a past
version, itself a new version."""

import re

import pytest
from django.urls import reverse

from demarches import services
from demarches.models import Action, Answer
from members.models import Role
from tests.demarches.factories import ActionFactory, AnswerFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(cycle, pilot, copilot):
    """Three versions: created, then written by the pilot, then rewritten by the co-pilot."""
    answer = AnswerFactory(cycle=cycle)
    answer = services.save_answer(
        answer, {"situation": "Pas de données consolidées"}, version=1, by=pilot
    )
    return services.save_answer(
        answer,
        {"situation": "Feuilles d'émargement", "assessment": Answer.Assessment.TO_IMPROVE},
        version=2,
        by=copilot,
    )


def history_page(client, answer):
    return client.get(reverse("demarches:answer_history", args=[answer.pk])).content.decode()


def restore(client, answer, record):
    return client.post(reverse("demarches:answer_restore", args=[answer.pk, record.history_id]))


def test_it_lists_who_changed_what(client, pilot, copilot, answer):
    client.force_login(pilot)
    content = history_page(client, answer)
    assert pilot.full_name in content and copilot.full_name in content
    assert "Situation actuelle" in content and "Appréciation" in content
    assert "Pas de données consolidées" in content
    assert "Feuilles d&#x27;émargement" in content
    assert "À améliorer" in content  # the label, not the stored value
    versions = content[content.index("history-list") :]
    assert versions.index(copilot.full_name) < versions.index(pilot.full_name)  # newest first


def test_a_board_member_reads_it_without_restoring(client, structure, answer):
    board_member = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=structure).person
    client.force_login(board_member)
    content = history_page(client, answer)
    assert "Feuilles d&#x27;émargement" in content
    assert "Restaurer cette version" not in content


def test_the_pilot_may_restore_all_but_the_current_version(client, pilot, answer):
    client.force_login(pilot)
    assert history_page(client, answer).count("Restaurer cette version") == 2


def test_restore_brings_the_old_text_back_as_a_new_version(client, pilot, answer):
    client.force_login(pilot)
    record = answer.history.get(version=2)
    response = restore(client, answer, record)
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    answer.refresh_from_db()
    assert answer.situation == "Pas de données consolidées"
    assert answer.assessment == ""
    assert answer.version == 4 and answer.history.count() == 4
    assert answer.history.latest().history_user == pilot


def test_restore_says_it_worked(client, pilot, answer):
    client.force_login(pilot)
    response = client.post(
        reverse("demarches:answer_restore", args=[answer.pk, answer.history.earliest().pk]),
        follow=True,
    )
    assert "est restaurée" in response.content.decode()


def test_restore_of_another_answers_version_is_a_404(client, pilot, cycle, answer):
    other = AnswerFactory(cycle=cycle)
    client.force_login(pilot)
    assert restore(client, answer, other.history.get()).status_code == 404
    answer.refresh_from_db()
    assert answer.version == 3


def test_a_board_member_cannot_restore(client, structure, answer):
    board_member = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=structure).person
    client.force_login(board_member)
    assert restore(client, answer, answer.history.earliest()).status_code == 404


def test_restore_is_post_only(client, pilot, answer):
    client.force_login(pilot)
    url = reverse("demarches:answer_restore", args=[answer.pk, answer.history.earliest().pk])
    assert client.get(url).status_code == 405


def test_another_structures_pilot_gets_a_404(client, answer):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    response = client.get(reverse("demarches:answer_history", args=[answer.pk]))
    assert response.status_code == 404


# --- Actions, the same way -------------------------------------------------------------------


@pytest.fixture
def action(cycle, pilot):
    action = ActionFactory(cycle=cycle, title="Former les administrateurs")
    return services.save_action(
        action, {"status": Action.Status.DOING, "budget": 1500}, version=1, by=pilot
    )


def test_the_history_of_an_action_says_what_changed(client, pilot, action):
    client.force_login(pilot)
    response = client.get(reverse("demarches:action_history", args=[action.pk]))
    content = response.content.decode()
    assert "En cours" in content and "À faire" in content
    assert re.search(r"1\s500", content)  # grouped the French way (a no-break space)
    assert pilot.full_name in content


def test_an_action_is_restored(client, pilot, action):
    client.force_login(pilot)
    record = action.history.earliest()
    response = client.post(reverse("demarches:action_restore", args=[action.pk, record.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.budget, action.version) == (Action.Status.TODO, None, 3)


def test_restore_of_another_actions_version_is_a_404(client, pilot, cycle, action):
    other = ActionFactory(cycle=cycle)
    client.force_login(pilot)
    url = reverse("demarches:action_restore", args=[action.pk, other.history.get().pk])
    assert client.post(url).status_code == 404


def test_an_owner_contributor_restores_their_action(client, structure, cycle):
    owner = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    action = ActionFactory(cycle=cycle, owner=owner)
    action = services.save_action(action, {"title": "Nouveau titre"}, version=1, by=owner)
    client.force_login(owner)
    url = reverse("demarches:action_restore", args=[action.pk, action.history.earliest().pk])
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("versions", [3, 30])
def test_the_history_page_runs_a_bounded_number_of_queries(
    client, pilot, cycle, versions, django_assert_num_queries
):
    answer = AnswerFactory(cycle=cycle)
    for number in range(1, versions):
        answer = services.save_answer(
            answer, {"situation": f"Texte {number}", "assignee": pilot}, version=number, by=pilot
        )
    client.force_login(pilot)
    with django_assert_num_queries(13):
        client.get(reverse("demarches:answer_history", args=[answer.pk]))


def test_a_contributors_restore_does_not_change_who_the_answer_is_assigned_to(
    client, pilot, contributor, answer
):
    services.save_answer(answer, {"assignee": pilot}, version=answer.version, by=pilot)
    answer.refresh_from_db()
    services.save_answer(answer, {"assignee": contributor}, version=answer.version, by=pilot)
    assigned_to_pilot = answer.history.filter(assignee=pilot).latest()
    client.force_login(contributor)
    url = reverse("demarches:answer_restore", args=[answer.pk, assigned_to_pilot.history_id])
    assert client.post(url).status_code == 302
    answer.refresh_from_db()
    assert answer.assignee == contributor


def test_a_pilots_restore_brings_back_the_assignment_too(client, pilot, contributor, answer):
    services.save_answer(answer, {"assignee": contributor}, version=answer.version, by=pilot)
    unassigned = answer.history.filter(assignee=None).earliest()
    client.force_login(pilot)
    client.post(reverse("demarches:answer_restore", args=[answer.pk, unassigned.history_id]))
    answer.refresh_from_db()
    assert answer.assignee is None
