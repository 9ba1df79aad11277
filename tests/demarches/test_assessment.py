"""The état des lieux: every selected item of the year grouped by theme and action domain,
where each stands, with filters, in a bounded number of queries."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from demarches.models import Answer
from members.models import Role
from tests.demarches.factories import AnswerFactory
from tests.guide.factories import DomainFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


def assessment_page(client, cycle, **filters):
    return client.get(reverse("demarches:assessment", args=[cycle.pk]), filters)


def test_it_lists_the_items_grouped_by_theme_and_domain(client, pilot, cycle):
    answer = AnswerFactory(cycle=cycle, item__text="Le taux de participation à l'AG ?")
    client.force_login(pilot)
    content = assessment_page(client, cycle).content.decode()
    assert escape(answer.domain.theme) in content and escape(answer.domain) in content
    assert "Le taux de participation à l&#x27;AG ?" in content
    assert f'href="{answer.get_absolute_url()}"' in content


def test_each_row_says_its_kind_state_assessment_objectives_and_evidence(
    client, pilot, contributor, cycle
):
    indicator = AnswerFactory(
        cycle=cycle,
        item__indicator=True,
        situation="Pas de données",
        assessment=Answer.Assessment.TO_IMPROVE,
        objective_1y="Dresser l'état des lieux",
        assignee=contributor,
    )
    indicator.evidence.create(name="Émargements.pdf", file="evidence/x.pdf")
    client.force_login(pilot)
    content = assessment_page(client, cycle).content.decode()
    for text in ["Indicateur · %", "Rempli", "À améliorer", "Fixés", contributor.full_name]:
        assert text in content
    assert "<td>1</td>" in content


def test_the_progress_bar_counts_the_items_filled_in(client, pilot, cycle):
    AnswerFactory(cycle=cycle, situation="Fait")
    AnswerFactory(cycle=cycle, assessment="not_treated", not_treated_reason="Pas un enjeu")
    AnswerFactory(cycle=cycle)
    client.force_login(pilot)
    content = assessment_page(client, cycle).content.decode()
    assert "2 / 3 remplis" in content
    assert '<progress class="w-100" max="3" value="2"' in content


def test_it_filters_the_items_assigned_to_me(client, pilot, cycle):
    mine = AnswerFactory(cycle=cycle, assignee=pilot, item__text="La mienne ?")
    AnswerFactory(cycle=cycle, item__text="Une autre ?")
    client.force_login(pilot)
    content = assessment_page(client, cycle, mine="on").content.decode()
    assert mine.text in content and "Une autre ?" not in content


def test_it_filters_by_theme(client, pilot, cycle):
    kept = AnswerFactory(cycle=cycle, item__text="Du thème choisi ?")
    AnswerFactory(cycle=cycle, item__text="D'un autre thème ?")
    client.force_login(pilot)
    content = assessment_page(client, cycle, theme=kept.domain.theme_id).content.decode()
    assert "Du thème choisi ?" in content and "un autre thème" not in content


@pytest.mark.parametrize(
    "state, shown",
    [("to_fill", "À remplir ?"), ("filled", "Remplie ?"), ("not_treated", "Non traitée ?")],
)
def test_it_filters_by_state(client, pilot, cycle, state, shown):
    AnswerFactory(cycle=cycle, item__text="À remplir ?")
    AnswerFactory(cycle=cycle, item__text="Remplie ?", situation="Oui")
    AnswerFactory(
        cycle=cycle,
        item__text="Non traitée ?",
        assessment="not_treated",
        not_treated_reason="Pas un enjeu",
    )
    client.force_login(pilot)
    content = assessment_page(client, cycle, state=state).content.decode()
    assert shown in content
    assert sum(text in content for text in ["À remplir ?", "Remplie ?", "Non traitée ?"]) == 1


def test_a_wrong_filter_shows_everything(client, pilot, cycle):
    AnswerFactory(cycle=cycle, item__text="Toujours là ?")
    client.force_login(pilot)
    response = assessment_page(client, cycle, theme="abc", state="nimporte")
    assert response.status_code == 200
    assert "Toujours là ?" in response.content.decode()


def test_a_contributor_sees_the_items_assigned_to_them_first(client, contributor, cycle):
    domain = DomainFactory(theme__guide=cycle.guide)
    AnswerFactory(cycle=cycle, item__domain=domain, item__text="D'abord dans le guide ?")
    AnswerFactory(
        cycle=cycle, item__domain=domain, item__text="Confiée à moi ?", assignee=contributor
    )
    client.force_login(contributor)
    content = assessment_page(client, cycle).content.decode()
    assert "Qui vous sont confiés" in content
    assert content.index("Confiée à moi ?") < content.index("D&#x27;abord dans le guide ?")
    assert content.count("Confiée à moi ?") == 1


def test_the_pilot_sees_the_guide_order(client, pilot, cycle):
    domain = DomainFactory(theme__guide=cycle.guide)
    AnswerFactory(cycle=cycle, item__domain=domain, item__text="D'abord dans le guide ?")
    AnswerFactory(cycle=cycle, item__domain=domain, item__text="Ensuite ?", assignee=pilot)
    client.force_login(pilot)
    content = assessment_page(client, cycle).content.decode()
    assert "Qui vous sont confiés" not in content
    assert content.index("D&#x27;abord dans le guide ?") < content.index("Ensuite ?")


def test_an_empty_selection_says_where_to_choose(client, pilot, cycle):
    client.force_login(pilot)
    content = assessment_page(client, cycle).content.decode()
    assert "Aucune question ni aucun indicateur n'est encore retenu." in content


def test_another_structures_pilot_gets_a_404(client, cycle):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert assessment_page(client, cycle).status_code == 404


@pytest.mark.parametrize("size", [5, 100])
def test_the_page_runs_a_bounded_number_of_queries(
    client, contributor, cycle, size, django_assert_num_queries
):
    domains = DomainFactory.create_batch(3, theme__guide=cycle.guide)
    for number in range(size):
        answer = AnswerFactory(
            cycle=cycle, item__domain=domains[number % 3], assignee=contributor, situation="x"
        )
        answer.evidence.create(name="preuve.pdf", file="evidence/preuve.pdf")
    AnswerFactory(cycle=cycle, own=True, own_text="Notre question ?")
    client.force_login(contributor)
    # savepoints (2), session, user, cycle, themes, answers, counts, pilot pair?, roles, role
    with django_assert_num_queries(12):
        response = assessment_page(client, cycle)
    assert response.status_code == 200
